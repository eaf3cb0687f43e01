/**
 * One end-to-end environment: the fake model, a Codex home pointing at it, a
 * project directory, the real Codex CLI of one version, and our server
 * started through the MCP client SDK.
 */

import {
  CODEX_VERSIONS,
  codexBin,
  codexExecResumeByHand,
  codexProcesses,
  makeCodexHome,
  makeProjectDir,
  makeScratchDir,
  SCRATCH_ROOT,
} from "./codex.ts";
import { fixtureTest } from "./fixture_test.ts";
import { orphanedHelpers } from "../../src/codex/orphan_helpers.ts";
import { type FakeModel, startFakeModel } from "./fake_model.ts";
import type { ClientOptions } from "@modelcontextprotocol/client";
import {
  callTool,
  type CallToolResult,
  DENO_SERVER_COMMAND,
  resultText,
  type ServerUnderTest,
  startServer,
} from "./mcp.ts";

/** The backends every end-to-end test runs against. */
export const BACKENDS = ["exec", "app-server"] as const;

/** One Codex version with one backend. */
export interface Target {
  version: string;
  backend: typeof BACKENDS[number];
  /** For test names: `[codex 0.77.0 · exec]`. */
  label: string;
}

/** Every version × backend pair. */
export const TARGETS: readonly Target[] = CODEX_VERSIONS.flatMap((version) =>
  BACKENDS.map((backend) => ({
    version,
    backend,
    label: `[codex ${version} · ${backend}]`,
  }))
);

/**
 * The app-server backend's idle window in tests: short, so that a session is
 * released for hand-run `codex exec resume` soon after our last call.
 */
const TEST_APP_SERVER_IDLE_MS = 300;

/** Everything a test needs, and one call to tear it down. */
export interface Harness {
  version: string;
  backend: Target["backend"];
  bin: string;
  fake: FakeModel;
  codexHome: string;
  project: string;
  server: ServerUnderTest;
  /** Server environment, for starting further server processes. */
  env: Record<string, string>;
  /** Waits until the server has released its sessions to other writers. */
  releaseSessions(): Promise<void>;
  /**
   * Calls a turn tool (default `codex_chat`) and fails the test unless it
   * answered; `replyField` names the field that carries the reply.
   */
  turn(
    args: Record<string, unknown>,
    options?: TurnOptions,
  ): Promise<TurnAnswer>;
  /** Starts a session with codex_chat in the project; its id. */
  newSession(prompt?: string): Promise<string>;
  /**
   * Continues a session with `codex exec resume` by hand, as the user would,
   * in the project; first waits for the server to release it unless
   * `release` is false (to test a session the server still holds).
   */
  resumeByHand(
    sessionId: string,
    prompt: string,
    options?: { release?: boolean },
  ): Promise<{ code: number; stdout: string; stderr: string }>;
  /** A scratch directory, removed with the harness. */
  tempDir(prefix: string): Promise<string>;
  /**
   * Calls `tool` and fails the test unless it answers with an error whose
   * text holds every `expected` part; the error text.
   */
  toolError(
    tool: string,
    args: Record<string, unknown>,
    ...expected: string[]
  ): Promise<string>;
  close(): Promise<void>;
}

/** How {@linkcode Harness.turn} calls. */
export interface TurnOptions {
  tool?: string;
  replyField?: string;
  /** Another client than the harness's (a second server). */
  client?: ServerUnderTest["client"];
  /** Options of the SDK's `callTool` (progress, timeout, signal). */
  call?: Parameters<typeof callTool>[3];
}

/**
 * Builds a harness; `env` adds to or overrides the server's environment, and
 * `command` starts another build of the server (default `deno run -A mod.ts`).
 */
export async function startHarness(
  target: Target,
  env: Record<string, string> = {},
  command: readonly string[] = DENO_SERVER_COMMAND,
  clientOptions: ClientOptions = {},
): Promise<Harness> {
  const { version, backend } = target;
  const bin = codexBin(version);
  const fake = startFakeModel();
  const codexHome = await makeCodexHome(fake.baseUrl);
  const project = await makeProjectDir();
  const cacheDir = await Deno.makeTempDir({ prefix: "mcp-cache-" });
  /** Directories removed with the harness. */
  const scratch = [codexHome.replace(/\/\.codex$/, ""), project, cacheDir];
  const serverEnv = {
    CODEX_BIN: bin,
    CODEX_HOME: codexHome,
    CODEX_PERSISTENT_MCP_CACHE_DIR: cacheDir,
    CODEX_PERSISTENT_MCP_BACKEND: backend,
    CODEX_PERSISTENT_MCP_APP_SERVER_IDLE_MS: String(TEST_APP_SERVER_IDLE_MS),
    CODEX_PERSISTENT_MCP_ROOTS: SCRATCH_ROOT,
    ...env,
  };
  const server = await startServer(serverEnv, command, clientOptions);
  const releaseSessions = async (): Promise<void> => {
    // Released once no Codex process of this home is left (app-server:
    // after the idle window; exec: at once).
    const released = await eventually(
      () => codexProcesses(codexHome).length === 0,
      Number(serverEnv.CODEX_PERSISTENT_MCP_APP_SERVER_IDLE_MS) + 5_000,
    );
    if (!released) throw new Error("the server did not release its sessions");
  };
  return {
    version,
    backend,
    bin,
    fake,
    codexHome,
    project,
    server,
    env: serverEnv,
    turn: (args, options) => turn(server, args, options),
    async resumeByHand(sessionId, prompt, { release = true } = {}) {
      if (release) await releaseSessions();
      return await codexExecResumeByHand(
        bin,
        codexHome,
        project,
        sessionId,
        prompt,
      );
    },
    async tempDir(prefix) {
      const dir = await makeScratchDir(prefix);
      scratch.push(dir);
      return dir;
    },
    async newSession(prompt = "start") {
      return (await turn(server, { cwd: project, prompt })).sessionId;
    },
    toolError: (tool, args, ...expected) =>
      toolError(server, tool, args, expected),
    releaseSessions,
    async close() {
      await server.close();
      await fake.close();
      // No Codex process may outlive the server, its helpers included.
      const helpersEnded = await eventually(
        () => orphanedHelpers(codexHome).length === 0,
        5_000,
      );
      if (!helpersEnded) {
        throw new Error(
          `Codex helpers outlived the server: ${orphanedHelpers(codexHome)}`,
        );
      }
      for (const dir of scratch) {
        await Deno.remove(dir, { recursive: true }).catch(() => {});
      }
    },
  };
}

/** Polls until `check` holds or `ms` pass; returns whether it held. */
export async function eventually(
  check: () => boolean | Promise<boolean>,
  ms: number,
): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return await check();
}

/** Options for end-to-end `Deno.test`s: the SDK keeps timers we do not own. */
export const E2E = { sanitizeOps: false, sanitizeResources: false } as const;

/**
 * Registers one end-to-end test on `target` ("[codex 0.77.0 · exec] name"):
 * a harness with `env` is started for it and closed after, pass or fail.
 */
export function e2eTest(
  target: Target,
  name: string,
  body: (h: Harness) => Promise<void>,
  env: Record<string, string> = {},
): void {
  fixtureTest(
    `${target.label} ${name}`,
    E2E,
    () => startHarness(target, env),
    body,
  );
}

/**
 * Registers `name` as one end-to-end test per target (default: every Codex
 * version × backend); `h.version` and `h.backend` say which one runs.
 */
export function e2eTests(
  name: string,
  body: (h: Harness) => Promise<void>,
  env: Record<string, string> = {},
  targets: readonly Target[] = TARGETS,
): void {
  for (const target of targets) e2eTest(target, name, body, env);
}

/** A turn tool's successful answer. */
export interface TurnAnswer {
  sessionId: string;
  /** The reply field (`reply`, `critique` or `review`). */
  reply: string;
  result: CallToolResult;
}

async function turn(
  server: ServerUnderTest,
  args: Record<string, unknown>,
  { tool = "codex_chat", replyField = "reply", client = server.client, call }:
    TurnOptions = {},
): Promise<TurnAnswer> {
  const result = await callTool(client, tool, args, call);
  if (result.isError) {
    throw new Error(`${tool} failed: ${resultText(result)}`);
  }
  return {
    sessionId: String(result.structuredContent?.session_id),
    reply: String(result.structuredContent?.[replyField]),
    result,
  };
}

async function toolError(
  server: ServerUnderTest,
  tool: string,
  args: Record<string, unknown>,
  expected: string[],
): Promise<string> {
  const result = await callTool(server.client, tool, args);
  const text = resultText(result);
  if (!result.isError) {
    throw new Error(
      `expected ${tool} to fail for ${
        JSON.stringify(args).slice(0, 200)
      }, got: ${text.slice(0, 500)}`,
    );
  }
  for (const part of expected) {
    if (!text.includes(part)) {
      throw new Error(`expected ${JSON.stringify(part)} in: ${text}`);
    }
  }
  return text;
}
