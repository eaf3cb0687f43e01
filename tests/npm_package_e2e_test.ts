/**
 * The npm package, proven: build it, `npm pack` it, install the tarball into
 * an empty directory, and drive its bin under Node with the MCP client SDK
 * against the real Codex CLI. The same scenario through `deno run -A mod.ts`
 * must give the same structured results.
 */

import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./support/assert.ts";
import { NODE18 } from "./support/codex.ts";
import { E2E, startHarness, type Target, TARGETS } from "./support/harness.ts";
import { clientV2, rawPost, startHttpServer } from "./support/http_server.ts";
import { callTool, DENO_SERVER_COMMAND, resultText } from "./support/mcp.ts";

const ROOT = new URL("../", import.meta.url).pathname;

/** The machine's own Node, for test names. */
const NODE_VERSION = `Node ${
  new TextDecoder().decode(
    new Deno.Command("node", { args: ["--version"] }).outputSync().stdout,
  ).trim()
}`;

async function run(
  command: string,
  args: string[],
  cwd: string,
): Promise<string> {
  const output = await new Deno.Command(command, { args, cwd, stderr: "piped" })
    .output();
  const stderr = new TextDecoder().decode(output.stderr);
  assert(output.success, `${command} ${args.join(" ")} failed: ${stderr}`);
  return new TextDecoder().decode(output.stdout);
}

let packed: Promise<{ bin: string; dir: string }> | undefined;

/** The package built, packed and installed once for this file's tests. */
function packedBin(): Promise<{ bin: string; dir: string }> {
  packed ??= installPackedBin();
  return packed;
}

globalThis.addEventListener("unload", () => {
  packed?.then(({ dir }) => Deno.removeSync(dir, { recursive: true }));
});

/** Builds, packs and installs the package; returns the installed bin. */
async function installPackedBin(): Promise<{ bin: string; dir: string }> {
  await run(Deno.execPath(), ["run", "-A", "scripts/build_npm.ts"], ROOT);
  const tarball = (await run("npm", ["pack", "--silent"], `${ROOT}npm`)).trim()
    .split("\n").at(-1)!;
  const dir = await Deno.makeTempDir({ prefix: "npm-install-" });
  await Deno.writeTextFile(`${dir}/package.json`, "{}");
  await run("npm", [
    "install",
    "--no-audit",
    "--no-fund",
    "--loglevel=error",
    `${ROOT}npm/${tarball}`,
  ], dir);
  await Deno.remove(`${ROOT}npm/${tarball}`);
  return { bin: `${dir}/node_modules/.bin/codex-persistent-mcp`, dir };
}

/**
 * One scenario: list tools, new session, MCP resume, hand resume, MCP resume,
 * one error. Session ids are replaced by placeholders so runs compare.
 */
async function scenario(
  target: Target,
  command: readonly string[],
): Promise<unknown[]> {
  const h = await startHarness(target, {}, command);
  const { server, codexHome, project } = h;
  const seen: unknown[] = [];
  try {
    const { tools } = await server.client.listTools();
    seen.push(tools);
    const first = await callTool(server.client, "codex_chat", {
      cwd: project,
      prompt: "from a packaged server",
    });
    assert(!first.isError, resultText(first));
    const sessionId = String(first.structuredContent?.session_id);
    const second = await callTool(server.client, "codex_plan", {
      session_id: sessionId,
      requirements: "r",
      plan: "p",
    });
    const byHand = await h.resumeByHand(sessionId, "by hand");
    assertEquals(byHand.code, 0, byHand.stderr);
    assertStringIncludes(byHand.stdout, "ECHO turns=3");
    const fourth = await callTool(server.client, "codex_review", {
      session_id: sessionId,
      change_summary: "c",
    });
    assert(!fourth.isError, resultText(fourth));
    assertStringIncludes(resultText(fourth), "ECHO turns=4");
    const unknown = await callTool(server.client, "codex_chat", {
      session_id: "01a20000-0000-7000-8000-000000000000",
      prompt: "x",
    });
    assert(unknown.isError);
    const anonymize = (value: unknown) =>
      JSON.parse(
        JSON.stringify(value).replaceAll(sessionId, "<session>")
          .replaceAll(codexHome, "<home>")
          // Turn ids carry the server's start time.
          .replace(/turn-[0-9a-z]+-/g, "turn-<server>-"),
      );
    seen.push(...[first, second, fourth, unknown].map(anonymize));
    return seen;
  } finally {
    await h.close();
  }
}

Deno.test(
  "the npm bin runs under the machine's Node (--version, --help, an unknown flag) and under Node 18 says in one line that it needs Node 20",
  E2E,
  async () => {
    const { bin, dir } = await packedBin();
    const version =
      JSON.parse(await Deno.readTextFile(`${ROOT}deno.json`)).version;
    assertEquals((await run("node", [bin, "--version"], dir)).trim(), version);
    assertStringIncludes(
      await run(bin, ["--help"], dir),
      "Usage: codex-persistent-mcp",
    );
    const bad = await new Deno.Command(bin, {
      args: ["--bogus"],
      stderr: "piped",
    }).output();
    assertEquals(bad.code, 2);
    assertStringIncludes(
      new TextDecoder().decode(bad.stderr),
      "Unknown argument: --bogus",
    );
    const old = await new Deno.Command(NODE18, {
      args: [bin, "--version"],
      stdout: "piped",
      stderr: "piped",
    }).output();
    const said = new TextDecoder().decode(old.stderr).trim();
    assertEquals(old.code, 1, said);
    assertEquals(new TextDecoder().decode(old.stdout), "");
    assertEquals(said.split("\n").length, 1, said);
    assertStringIncludes(
      said,
      "needs Node.js 20 or newer; this is Node.js 18.",
    );
    const pkg = JSON.parse(
      await Deno.readTextFile(
        `${dir}/node_modules/codex-persistent-mcp/package.json`,
      ),
    );
    assertEquals(pkg.engines.node, ">=20");
    assertEquals(Object.keys(pkg.bin), ["codex-persistent-mcp"]);
  },
);

// The npm bin under the machine's Node, and deno run, on each Codex version
// and backend.
for (const target of TARGETS) {
  Deno.test(
    `${target.label} the installed npm bin under ${NODE_VERSION} and deno run give the same results`,
    E2E,
    async () => {
      const { bin } = await packedBin();
      const viaDeno = await scenario(target, DENO_SERVER_COMMAND);
      assertEquals(await scenario(target, [bin]), viaDeno, NODE_VERSION);
    },
  );
}

// The npm bin's own HTTP listener (node:http, not Deno.serve).
Deno.test(
  `the installed npm bin serves --http under ${NODE_VERSION}: the token, the Host check, a codex_chat call with progress, SIGTERM`,
  E2E,
  async () => {
    const { bin } = await packedBin();
    const target = TARGETS.find((t) => t.version === "0.171.0")!;
    const h = await startHarness(target);
    const server = await startHttpServer(h.env, { command: [bin] });
    try {
      const { host } = new URL(server.url);
      const list = { jsonrpc: "2.0", id: 1, method: "tools/list", params: {} };
      assertEquals(await rawPost(server.url, list, { host }), 401);
      assertEquals(
        await rawPost(server.url, list, {
          host: "evil.example",
          authorization: `Bearer ${server.token}`,
        }),
        403,
      );
      const client = await clientV2(server);
      const progress: string[] = [];
      const result = await client.callTool({
        name: "codex_chat",
        arguments: { cwd: h.project, prompt: "from the npm bin over http" },
      }, { onprogress: (p) => progress.push(p.message ?? "") });
      assertStringIncludes(
        String((result.structuredContent as { reply: string }).reply),
        "from the npm bin over http",
      );
      assert(progress.length > 0, "no progress over the node listener");
      await client.close();
      assertEquals((await server.stop("SIGTERM")).code, 0);
    } finally {
      await server.stop();
      await h.close();
    }
  },
);
