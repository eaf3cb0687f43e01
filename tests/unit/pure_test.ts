/** Unit tests for the pure parts: argv, header, config, queue, limiter. */

import { whenAborted } from "../../src/abort.ts";
import { expiredEntries } from "../../src/retention.ts";
import { buildExecArgs } from "../../src/codex/exec/args.ts";
import { loadConfig } from "../../src/config.ts";
import { splitOriginHeader, withOriginHeader } from "../../src/header.ts";
import { Limiter } from "../../src/limiter.ts";
import { SessionQueue } from "../../src/session_queue.ts";
import { assert, assertEquals } from "../support/assert.ts";

const READ_ONLY = { sandbox: "read-only", configOverrides: [] } as const;
/** What every exec argv starts with, for a turn in /repo. */
const EXEC_IN_REPO = ["exec", "--skip-git-repo-check", "--json", "-C", "/repo"];
const NEW = { kind: "new" } as const;
const PROMPT = { kind: "prompt", text: "hi" } as const;
const resume = (sessionId: string) =>
  ({ kind: "resume", sessionId, rolloutPath: "/r.jsonl" }) as const;
const fork = (from: string) =>
  ({ kind: "fork", from, rolloutPath: "/r.jsonl" }) as const;

Deno.test("buildExecArgs puts every flag before resume and reads the prompt from stdin", () => {
  assertEquals(
    buildExecArgs({
      cwd: "/repo",
      policy: READ_ONLY,
      session: NEW,
      input: PROMPT,
    }),
    [
      ...EXEC_IN_REPO,
      "-s",
      "read-only",
      "-",
    ],
  );
  assertEquals(
    buildExecArgs({
      cwd: "/repo",
      policy: READ_ONLY,
      session: resume("id-1"),
      input: PROMPT,
      model: "gpt-5",
      reasoningEffort: "high",
    }),
    [
      ...EXEC_IN_REPO,
      "-m",
      "gpt-5",
      "-c",
      'model_reasoning_effort="high"',
      "-s",
      "read-only",
      "resume",
      "id-1",
      "-",
    ],
  );
});

Deno.test("the origin header follows the text and splits back off", () => {
  const message = withOriginHeader("Fix the build\nsecond line", {
    origin: "agent\nA",
    tool: "codex_chat",
  });
  assert(message.startsWith("Fix the build\n"));
  assert(
    message.includes(
      "<<<MCP_CONTEXT_BEGIN>>>\norigin=agent A\ntool=codex_chat\nsender=ai_agent\n<<<MCP_CONTEXT_END>>>",
    ),
  );
  assertEquals(splitOriginHeader(message), {
    text: "Fix the build\nsecond line",
    header: { origin: "agent A", tool: "codex_chat" },
  });
  assertEquals(splitOriginHeader("typed by a human"), {
    text: "typed by a human",
  });
});

Deno.test("loadConfig applies defaults and names a malformed variable", () => {
  const config = loadConfig({ HOME: "/home/me" });
  assertEquals(config.codexBin, "codex");
  assertEquals(config.codexHome, "/home/me/.codex");
  assertEquals(config.origin, "codex-persistent-mcp");
  assertEquals(config.defaultTimeoutMs, 1_800_000);
  assertEquals(config.backend, "app-server");
  assertEquals(config.appServerIdleMs, 30_000);
  assertEquals(
    loadConfig({ CODEX_PERSISTENT_MCP_BACKEND: "exec" }).backend,
    "exec",
  );
  assertEquals(
    loadConfig({ CODEX_HOME: "/x", CODEX_BIN: "/bin/codex" }).codexHome,
    "/x",
  );
  let message = "";
  try {
    loadConfig({ CODEX_PERSISTENT_MCP_TIMEOUT_MS: "soon" });
  } catch (error) {
    message = (error as Error).message;
  }
  assert(
    message.startsWith("CODEX_PERSISTENT_MCP_TIMEOUT_MS=soon is not valid"),
    message,
  );
});

Deno.test("SessionQueue runs one key in order, survives failures, and forgets drained keys", async () => {
  const queue = new SessionQueue();
  const order: string[] = [];
  const s1Gate = Promise.withResolvers<void>();
  const failing = queue.run("s", () => Promise.reject(new Error("boom")));
  const s1 = queue.run("s", async () => {
    await s1Gate.promise;
    order.push("s1");
  });
  const s2 = queue.run("s", () => Promise.resolve(order.push("s2")));
  const t1 = queue.run("t", () => Promise.resolve(order.push("t1")));
  // Another key runs while "s" waits on its first task.
  await t1;
  assertEquals(order, ["t1"]);
  assert(queue.busy("s"));
  s1Gate.resolve();
  const results = await Promise.allSettled([failing, s1, s2]);
  assertEquals(results.map((r) => r.status), [
    "rejected",
    "fulfilled",
    "fulfilled",
  ]);
  assertEquals(order, ["t1", "s1", "s2"]);
  await new Promise((resolve) => setTimeout(resolve, 0));
  assertEquals(queue.size, 0);
});

Deno.test("Limiter never runs more than its maximum at once", async () => {
  const limiter = new Limiter(2);
  let running = 0;
  let peak = 0;
  await Promise.all(Array.from({ length: 6 }, () =>
    limiter.run(async () => {
      peak = Math.max(peak, ++running);
      await new Promise((resolve) => setTimeout(resolve, 5));
      running--;
    })));
  assertEquals(peak, 2);
  assertEquals(limiter.running, 0);
});

Deno.test("buildExecArgs binds every value to its flag, puts flags before the subcommand, and keeps the prompt off argv", () => {
  const base = { cwd: "/repo", policy: READ_ONLY, session: NEW, input: PROMPT };
  assertEquals(
    buildExecArgs({
      ...base,
      session: resume("s1"),
      policy: {
        sandbox: "workspace-write",
        configOverrides: [
          ["shell_environment_policy.exclude", ["A_KEY"]],
          ["projects", { "/a b": { trust_level: "untrusted" } }],
        ],
      },
      images: ["/a.png", "/b.png"],
      outputSchemaFile: "/tmp/x/schema.json",
    }),
    [
      ...EXEC_IN_REPO,
      "-s",
      "workspace-write",
      "-c",
      'shell_environment_policy.exclude=["A_KEY"]',
      "-c",
      'projects={"/a b"={"trust_level"="untrusted"}}',
      "--image=/a.png",
      "--image=/b.png",
      "--output-schema=/tmp/x/schema.json",
      "resume",
      "s1",
      "-",
    ],
  );
  assertEquals(
    buildExecArgs({
      ...base,
      input: { kind: "review", target: { type: "uncommitted" } },
    }).slice(7),
    ["review", "--uncommitted"],
  );
  assertEquals(
    buildExecArgs({
      ...base,
      input: {
        kind: "review",
        target: { type: "commit", sha: "abc123", title: "Fix it" },
      },
    }).slice(7),
    ["review", "--commit=abc123", "--title=Fix it"],
  );
  assertEquals(
    buildExecArgs({
      ...base,
      input: {
        kind: "review",
        target: { type: "base_branch", branch: "main" },
      },
    }).slice(7),
    ["review", "--base=main"],
  );
  assertEquals(
    buildExecArgs({ ...base, session: fork("s1") }).slice(7),
    ["fork", "s1", "-"],
  );
  assertEquals(
    buildExecArgs({ ...base, session: fork("s1"), input: { kind: "copy" } })
      .slice(7),
    ["fork", "s1"],
  );
});

Deno.test("the retention rule drops settled entries past their time, then the oldest settled past the count, never an unsettled one", () => {
  const bounds = { resultRetentionMs: 100, maxRetainedResults: 2 };
  const entries = [
    { id: "old", at: 850 },
    { id: "running", at: undefined },
    { id: "a", at: 950 },
    { id: "b", at: 960 },
    { id: "c", at: 970 },
  ];
  const dropped = (now: number) =>
    expiredEntries(entries, (entry) => entry.at, bounds, now).map((e) => e.id);
  assertEquals(dropped(1_000), ["old", "a"]);
  assertEquals(dropped(1_065), ["old", "a", "b"]);
  assertEquals(dropped(10_000), ["old", "a", "b", "c"]);
});

Deno.test("whenAborted runs its action once: at once for an abort that came first, later for one to come, never once forgotten", () => {
  const runs: string[] = [];
  const early = new AbortController();
  early.abort();
  whenAborted(early.signal, () => runs.push("early"));
  const later = new AbortController();
  whenAborted(later.signal, () => runs.push("later"));
  const forgotten = new AbortController();
  whenAborted(forgotten.signal, () => runs.push("forgotten"))();
  whenAborted(undefined, () => runs.push("never"));
  later.abort();
  later.abort();
  forgotten.abort();
  assertEquals(runs, ["early", "later"]);
});
