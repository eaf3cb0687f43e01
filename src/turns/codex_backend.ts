/**
 * The backend the server runs turns on by default: the warm app-server with
 * `codex exec` standing in whenever it cannot serve a call, or exec alone
 * (CODEX_PERSISTENT_MCP_BACKEND=exec).
 *
 * @module
 */

import { AppServerBackend } from "../codex/app_server/backend.ts";
import { FallbackBackend, type TurnBackend } from "../codex/backend.ts";
import { ExecBackend } from "../codex/exec/backend.ts";
import { CodexInstall } from "../codex/native_binary.ts";
import type { Config } from "../config.ts";
import { VERSION } from "../version.ts";

/** Where the service's log lines go (never stdout). */
export type TurnLog = (level: "info" | "warning", message: string) => void;

/**
 * The `clientInfo.name` given to `codex app-server`: Codex records it as the
 * `originator` of sessions started through the app-server backend.
 */
export const APP_SERVER_CLIENT_NAME = "codex-persistent-mcp";
/** How long any single app-server request may go unanswered. */
const APP_SERVER_REQUEST_TIMEOUT_MS = 30_000;

/**
 * The configured backend; `log` hears each call exec takes over.
 *
 * @example
 * ```ts ignore
 * const backend = codexBackend(loadConfig(Deno.env.toObject()), (_level, line) => console.error(line));
 * ```
 */
export function codexBackend(
  config: Config,
  log: TurnLog,
): TurnBackend {
  // One Codex for both: its binary is found, and its version asked, once.
  const codex = new CodexInstall(config.codexBin);
  const exec = new ExecBackend(codex, config.codexHome);
  if (config.backend === "exec") return exec;
  const appServer = new AppServerBackend({
    codex,
    codexHome: config.codexHome,
    clientName: APP_SERVER_CLIENT_NAME,
    clientVersion: VERSION,
    idleReleaseMs: config.appServerIdleMs,
    maxWarm: config.appServerMaxWarm,
    requestTimeoutMs: APP_SERVER_REQUEST_TIMEOUT_MS,
  });
  // A call never fails because of the backend choice: exec stands in.
  return new FallbackBackend(
    appServer,
    exec,
    (why, request) =>
      log(
        why.routine ? "info" : "warning",
        `${request.origin.tool}: ${why.message}; running this call with codex exec instead`,
      ),
  );
}
