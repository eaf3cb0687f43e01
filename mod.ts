/**
 * codex-persistent-mcp: an MCP stdio server whose tools run the local Codex
 * CLI, so every call creates or continues a real Codex session that the user
 * can open later with `codex resume <session_id>`.
 *
 * Run it: `deno run -A jsr:@codex-persistent/mcp` (or `npx -y codex-persistent-mcp`).
 *
 * Use it as a library:
 *
 * @example Serve MCP on stdio
 * ```ts ignore
 * import { loadConfig, serveStdio } from "jsr:@codex-persistent/mcp";
 * const server = await serveStdio(loadConfig(Deno.env.toObject()));
 * ```
 *
 * @example Run Codex turns
 * ```ts ignore
 * import { loadConfig, TurnService } from "jsr:@codex-persistent/mcp";
 * const turns = new TurnService(loadConfig(Deno.env.toObject()));
 * const turn = turns.start({ tool: "my_script", prompt: "What does this repository do?", cwd: "/path/to/repo" });
 * const { sessionId, reply } = await turn.result;
 * await turns.close();
 * ```
 *
 * @module
 */

export { type Config, loadConfig } from "./src/config.ts";
export { serveStdio, type StdioServer } from "./src/mcp/stdio.ts";
export { type HttpServer, serveHttp } from "./src/mcp/http.ts";
export { type HttpOptions, httpOptions } from "./src/mcp/http/http_options.ts";
export type { ServicesOptions } from "./src/mcp/services.ts";
export { VERSION } from "./src/version.ts";
export {
  type TurnCall,
  TurnService,
  type TurnServiceOptions,
} from "./src/turns/service.ts";
export type { TurnLog } from "./src/turns/codex_backend.ts";
export { RunningTurn, type TurnOutcome } from "./src/turns/running_turn.ts";
export {
  type BackendCapabilities,
  BackendUnavailableError,
  FallbackBackend,
  type TurnBackend,
} from "./src/codex/backend.ts";
export { ExecBackend } from "./src/codex/exec/backend.ts";
export { runCodexTurn } from "./src/codex/exec/runner.ts";
export { SessionStore, type StoredSession } from "./src/store/session_store.ts";
export type { TurnRequest } from "./src/codex/turn_request.ts";
export {
  type CodexCommand,
  CodexInstall,
  resolveCodexCommand,
} from "./src/codex/native_binary.ts";
export type { ExecArgsRequest } from "./src/codex/exec/args.ts";
export {
  type SessionIntent,
  type TurnInput,
  turnIntent,
} from "./src/codex/session_intent.ts";
export type { TurnLimits, TurnResult } from "./src/codex/verdict.ts";
export type { OriginHeader } from "./src/header.ts";
export type { SpawnProcess } from "./src/runtime/types.ts";
export type { WorkspaceWriteSettings } from "./src/codex/turn_options.ts";
export type { ConversationPage } from "./src/store/rollout_files.ts";
export type { ListOptions, SessionListing } from "./src/store/session_index.ts";
export type { ReviewFinding, ReviewOutput } from "./src/store/rollout.ts";
export type {
  Activity,
  CommandActivity,
  FileChangeActivity,
} from "./src/activity.ts";
export type {
  ChildExit,
  SpawnedChild,
  SpawnOptions,
} from "./src/runtime/types.ts";
export type { ConversationMessage } from "./src/store/rollout.ts";
export type {
  ListPosition,
  SessionSummary,
} from "./src/store/session_index.ts";
export { CodexError, type CodexErrorKind } from "./src/errors.ts";
export type {
  ApprovalQuestion,
  AskHuman,
  FormSchema,
  HumanAnswer,
} from "./src/codex/approvals.ts";
export {
  type CodexPolicy,
  type ConfigOverride,
  REASONING_EFFORTS,
  type ReasoningEffort,
  type ReviewTarget,
  SANDBOX_MODES,
  type SandboxMode,
  type TomlValue,
} from "./src/codex/turn_options.ts";
export type {
  AgentMessageItem,
  CommandExecutionItem,
  ErrorItem,
  FileChangeItem,
  McpToolCallItem,
  ReasoningItem,
  ThreadEvent,
  ThreadItem,
  TodoListItem,
  Usage,
  WebSearchItem,
} from "./src/codex/events.ts";

if (import.meta.main) {
  // The command line lives in its own module: importing the library runs
  // nothing and loads none of it.
  const { runCli } = await import("./src/cli.ts");
  await runCli(Deno.args);
}
