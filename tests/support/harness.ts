/**
 * One end-to-end environment: the fake model, a Codex home pointing at it, a
 * project directory, the real Codex CLI of one version, and our server
 * started through the MCP client SDK.
 */

import { codexBin, makeCodexHome, makeProjectDir } from "./codex.ts";
import { type FakeModel, startFakeModel } from "./fake_model.ts";
import {
  callTool,
  DENO_SERVER_COMMAND,
  resultText,
  type ServerUnderTest,
  startServer,
} from "./mcp.ts";

/** Everything a test needs, and one call to tear it down. */
export interface Harness {
  version: string;
  bin: string;
  fake: FakeModel;
  codexHome: string;
  project: string;
  server: ServerUnderTest;
  /** Server environment, for starting further server processes. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * Builds a harness; `env` adds to or overrides the server's environment, and
 * `command` starts another build of the server (default `deno run -A mod.ts`).
 */
export async function startHarness(
  version: string,
  env: Record<string, string> = {},
  command: readonly string[] = DENO_SERVER_COMMAND,
): Promise<Harness> {
  const bin = codexBin(version);
  const fake = startFakeModel();
  const codexHome = await makeCodexHome(fake.baseUrl);
  const project = await makeProjectDir();
  const cacheDir = await Deno.makeTempDir({ prefix: "mcp-cache-" });
  const serverEnv = {
    CODEX_BIN: bin,
    CODEX_HOME: codexHome,
    CODEX_PERSISTENT_MCP_CACHE_DIR: cacheDir,
    ...env,
  };
  const server = await startServer(serverEnv, command);
  return {
    version,
    bin,
    fake,
    codexHome,
    project,
    server,
    env: serverEnv,
    async close() {
      await server.close();
      await fake.close();
      await Deno.remove(codexHome, { recursive: true }).catch(() => {});
      await Deno.remove(project, { recursive: true }).catch(() => {});
      await Deno.remove(cacheDir, { recursive: true }).catch(() => {});
    },
  };
}

/** Options for end-to-end `Deno.test`s: the SDK keeps timers we do not own. */
export const E2E = { sanitizeOps: false, sanitizeResources: false } as const;

/** Starts a session with codex_chat in the harness project; its id. */
export async function newSession(
  h: Harness,
  prompt = "start",
): Promise<string> {
  const result = await callTool(h.server.client, "codex_chat", {
    cwd: h.project,
    prompt,
  });
  if (result.isError) throw new Error(resultText(result));
  return String(result.structuredContent?.session_id);
}
