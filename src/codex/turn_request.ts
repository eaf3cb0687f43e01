/**
 * What one turn needs, whichever backend runs it.
 *
 * @module
 */

import type { OriginHeader } from "../header.ts";
import type { SpawnProcess } from "../runtime/types.ts";
import type { CodexPolicy, ExecArgsRequest } from "./args.ts";
import type { ThreadEvent } from "./events.ts";
import type { TurnLimits } from "./verdict.ts";

/** Everything one turn needs. */
export interface TurnRequest
  extends Omit<ExecArgsRequest, "outputSchemaFile" | "policy">, TurnLimits {
  /** What Codex may do: every process, thread and turn gets it explicitly. */
  policy: CodexPolicy;
  /** The Codex executable (a path, or a name looked up on PATH). */
  codexBin: string;
  /** The prompt, without the origin header (unused by a review). */
  prompt: string;
  /** A JSON Schema the reply must follow. */
  outputSchema?: Record<string, unknown>;
  /** Who sent it; each backend records it where Codex keeps it best. */
  origin: OriginHeader;
  /** The resumed session's rollout file, found once by the caller. */
  rolloutPath?: string;
  /** Sees every event as it arrives (progress reporting). */
  onEvent?: (event: ThreadEvent) => void;
  /** Extra environment for Codex. */
  env?: Record<string, string>;
  /** How to start the process; defaults to the runtime's. */
  spawn?: SpawnProcess;
}

/**
 * Whether the request is a fork without a prompt: it copies the session and
 * runs no turn (only `codex exec fork` does that).
 *
 * @example
 * ```ts
 * import { copiesOnly } from "./turn_request.ts";
 * copiesOnly({ fork: true, prompt: "" }); // true
 * ```
 */
export function copiesOnly(
  request: Pick<TurnRequest, "fork" | "prompt">,
): boolean {
  return request.fork === true && request.prompt === "";
}
