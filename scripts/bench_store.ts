/**
 * Benchmark: Codex's session store at scale. Generates (once, in
 * .tools/bench-store) a store of 20,000 sessions over two years of day
 * folders, first lines of ~20 KB and five 50 MB sessions, then prints:
 * id → cwd lookup in a fresh process, the 20 newest sessions of one cwd (cold
 * and warm cache), the last 10 turns of a 50 MB session, and a resume through
 * MCP in that store vs an empty one (real Codex, fake model).
 *
 *   deno task bench:store [codex version=0.77.0]
 */

import {
  findRolloutFile,
  readConversationPage,
  readSessionMeta,
} from "../src/store/rollout_files.ts";
import { SessionIndex } from "../src/store/session_index.ts";
import { pathInfo } from "../src/runtime/fs.ts";
import {
  codexBin,
  codexExecResumeByHand,
  makeCodexHome,
  makeProjectDir,
} from "../tests/support/codex.ts";
import { startFakeModel } from "../tests/support/fake_model.ts";
import { callTool, startServer } from "../tests/support/mcp.ts";
import { median } from "./bench_support.ts";

const SESSIONS = 20_000;
const DAYS = 730;
const BIG_SESSIONS = 5;
const CWDS = 50;
const TARGET_CWD = "/home/dev/proj-7";

const root = new URL("../", import.meta.url).pathname;
const storeHome = `${root}.tools/bench-store`;

const pad = (n: number, width = 2) => String(n).padStart(width, "0");
const hex = (n: number) =>
  Math.floor(Math.random() * 16 ** n).toString(16).padStart(n, "0");

function uuidV7(ms: number): string {
  const t = ms.toString(16).padStart(12, "0");
  return `${t.slice(0, 8)}-${t.slice(8, 12)}-7${hex(3)}-8${hex(3)}-${hex(12)}`;
}

function message(role: "user" | "assistant", text: string): string {
  return JSON.stringify({
    timestamp: new Date().toISOString(),
    type: "response_item",
    payload: {
      type: "message",
      role,
      content: [{ type: role === "user" ? "input_text" : "output_text", text }],
    },
  });
}

async function generate(): Promise<{ bigId: string; someId: string }> {
  const marker = `${storeHome}/generated.json`;
  try {
    return JSON.parse(await Deno.readTextFile(marker));
  } catch {
    // Not generated yet.
  }
  console.log(`Generating ${SESSIONS} sessions in ${storeHome} …`);
  await Deno.remove(storeHome, { recursive: true }).catch(() => {});
  const instructions = "i".repeat(20_000);
  const now = Date.now();
  let bigId = "";
  let someId = "";
  for (let i = 0; i < SESSIONS; i++) {
    const ms = now - DAYS * 86_400_000 +
      Math.floor((i / SESSIONS) * DAYS * 86_400_000);
    const date = new Date(ms);
    const id = uuidV7(ms);
    const dir = `${storeHome}/sessions/${date.getFullYear()}/${
      pad(date.getMonth() + 1)
    }/${pad(date.getDate())}`;
    if (i % Math.floor(SESSIONS / DAYS) === 0) {
      await Deno.mkdir(dir, { recursive: true });
    }
    const name = `rollout-${date.getFullYear()}-${pad(date.getMonth() + 1)}-${
      pad(date.getDate())
    }T${pad(date.getHours())}-${pad(date.getMinutes())}-${
      pad(date.getSeconds())
    }-${id}.jsonl`;
    const cwd = `/home/dev/proj-${i % CWDS}`;
    const lines = [JSON.stringify({
      timestamp: date.toISOString(),
      type: "session_meta",
      payload: {
        id,
        timestamp: date.toISOString(),
        cwd,
        originator: "codex_exec",
        cli_version: "0.169.0",
        base_instructions: instructions,
      },
    })];
    const big = i % Math.floor(SESSIONS / BIG_SESSIONS) === 7;
    const turns = big ? 250 : 3;
    for (let t = 0; t < turns; t++) {
      lines.push(message("user", `question ${t} of session ${i}`));
      lines.push(
        message("assistant", big ? "a".repeat(200_000) : `answer ${t}`),
      );
    }
    await Deno.mkdir(dir, { recursive: true });
    await Deno.writeTextFile(`${dir}/${name}`, lines.join("\n") + "\n");
    await Deno.utime(`${dir}/${name}`, date, date);
    if (big) bigId = id;
    if (i === Math.floor(SESSIONS / 3)) someId = id;
  }
  const ids = { bigId, someId };
  await Deno.writeTextFile(marker, JSON.stringify(ids));
  return ids;
}

/** Runs one measurement in a fresh process; returns [inside ms, wall ms]. */
async function fresh(args: string[]): Promise<[number, number]> {
  const started = performance.now();
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", `${root}scripts/bench_store.ts`, ...args],
    stderr: "inherit",
  }).output();
  const wall = performance.now() - started;
  return [Number(new TextDecoder().decode(output.stdout).trim()), wall];
}

// Child mode: one measurement, print its milliseconds.
if (Deno.args[0] === "--measure") {
  const [, what, a, b] = Deno.args;
  const started = performance.now();
  if (what === "lookup") {
    const path = await findRolloutFile(storeHome, a);
    if ((await readSessionMeta(path!))?.cwd === undefined) {
      throw new Error("no cwd");
    }
  } else if (what === "list") {
    const { sessions } = await new SessionIndex(storeHome, b).list({
      cwd: a,
      limit: 20,
    });
    if (sessions.length !== 20) throw new Error(`listed ${sessions.length}`);
  } else if (what === "read") {
    const path = (await findRolloutFile(storeHome, a))!;
    const size = (await pathInfo(path))!.size;
    const page = await readConversationPage(path, { turns: 10, size });
    if (page.messages.length !== 20) {
      throw new Error(`read ${page.messages.length}`);
    }
  }
  console.log((performance.now() - started).toFixed(1));
  Deno.exit(0);
}

const version = Deno.args[0] ?? "0.77.0";
const { bigId, someId } = await generate();
const cachePath = `${root}.tools/bench-store-cache.json`;
const runs = 5;

const lookups = [];
for (let i = 0; i < runs; i++) {
  lookups.push(await fresh(["--measure", "lookup", someId]));
}
await Deno.remove(cachePath).catch(() => {});
const cold = await fresh(["--measure", "list", TARGET_CWD, cachePath]);
const warm = [];
for (let i = 0; i < runs; i++) {
  warm.push(await fresh(["--measure", "list", TARGET_CWD, cachePath]));
}
const reads = [];
for (let i = 0; i < runs; i++) {
  reads.push(await fresh(["--measure", "read", bigId]));
}
const bigSize =
  (await pathInfo((await findRolloutFile(storeHome, bigId))!))!.size;

console.log(
  `Store: ${SESSIONS} sessions over ${DAYS} days, first lines ~20 KB, ${BIG_SESSIONS} of ${
    (bigSize / 1e6).toFixed(0)
  } MB`,
);
const row = (label: string, pairs: [number, number][]) =>
  console.log(
    `  ${label.padEnd(44)} ${
      median(pairs.map((p) => p[0])).toFixed(1).padStart(7)
    } ms` +
      `  (fresh process wall ${median(pairs.map((p) => p[1])).toFixed(0)} ms)`,
  );
row("id → cwd lookup", lookups);
row("20 newest of one cwd, cold (no cache)", [cold]);
row("20 newest of one cwd, warm cache", warm);
row("last 10 turns of a 50 MB session", reads);

// A resume through MCP in the big store vs an empty store.
async function medianResumeMs(
  codexHome: string,
): Promise<{ mcp: number; raw: number }> {
  const fake = startFakeModel();
  await Deno.writeTextFile(
    `${codexHome}/config.toml`,
    await Deno.readTextFile(`${await makeCodexHome(fake.baseUrl)}/config.toml`),
  );
  const project = await makeProjectDir();
  const server = await startServer({
    CODEX_BIN: codexBin(version),
    CODEX_HOME: codexHome,
    // Every resume pays Codex's own store lookup, as `codex exec resume` does.
    CODEX_PERSISTENT_MCP_BACKEND: "exec",
  });
  try {
    const first = await callTool(server.client, "codex_chat", {
      cwd: project,
      prompt: "start",
    });
    const sessionId = first.structuredContent?.session_id;
    const times = [];
    const rawTimes = [];
    for (let i = 0; i < 7; i++) {
      const started = performance.now();
      const result = await callTool(server.client, "codex_chat", {
        session_id: sessionId,
        prompt: `resume ${i}`,
      });
      if (result.isError) throw new Error(JSON.stringify(result.content));
      times.push(performance.now() - started);
      const rawStarted = performance.now();
      const raw = await codexExecResumeByHand(
        codexBin(version),
        codexHome,
        project,
        String(sessionId),
        `by hand ${i}`,
      );
      if (raw.code !== 0) throw new Error(raw.stderr);
      rawTimes.push(performance.now() - rawStarted);
    }
    return { mcp: median(times), raw: median(rawTimes) };
  } finally {
    await server.close();
    await fake.close();
  }
}
const emptyHome = await Deno.makeTempDir({ prefix: "bench-empty-home-" });
const empty = await medianResumeMs(emptyHome);
const big = await medianResumeMs(storeHome);
const percent = (a: number, b: number) => `${((b / a - 1) * 100).toFixed(1)} %`;
console.log(
  `  resume, median of 7 (Codex ${version}):      empty store   20,000 sessions`,
);
console.log(
  `    through MCP                          ${
    empty.mcp.toFixed(0).padStart(7)
  } ms ${big.mcp.toFixed(0).padStart(10)} ms (${percent(empty.mcp, big.mcp)})`,
);
console.log(
  `    codex exec resume alone              ${
    empty.raw.toFixed(0).padStart(7)
  } ms ${big.raw.toFixed(0).padStart(10)} ms (${percent(empty.raw, big.raw)})`,
);
await Deno.remove(emptyHome, { recursive: true });
