/**
 * What one turn needs, whichever backend runs it.
 *
 * @module
 */

import type { OriginHeader } from "../header.ts";
import type { AskHuman } from "./approvals.ts";
import type { SpawnProcess } from "../runtime/types.ts";
import type { SessionIntent, TurnInput } from "./session_intent.ts";
import type { CodexPolicy, ReasoningEffort } from "./turn_options.ts";
import type { ThreadEvent } from "./events.ts";
import type { TurnLimits } from "./verdict.ts";

/** Everything one turn needs. */
export interface TurnRequest extends TurnLimits {
  /** The working directory Codex runs in (a checked real path). */
  cwd: string;
  /** New, resumed or forked. */
  session: SessionIntent;
  /** A prompt, a review, or none (a copy). */
  input: TurnInput;
  /** Per-turn model override. */
  model?: string;
  /** Per-turn reasoning effort. */
  reasoningEffort?: ReasoningEffort;
  /** Absolute paths of images for the prompt. */
  images?: readonly string[];
  /** What Codex may do: every process, thread and turn gets it explicitly. */
  policy: CodexPolicy;
  /** A JSON Schema the reply must follow. */
  outputSchema?: Record<string, unknown>;
  /** Who sent it; each backend records it where Codex keeps it best. */
  origin: OriginHeader;
  /** Sees every event as it arrives (progress reporting). */
  onEvent?: (event: ThreadEvent) => void;
  /** How to start the process; defaults to the runtime's. */
  spawn?: SpawnProcess;
  /**
   * Puts Codex's approval requests to the human; absent, Codex may not ask
   * (`approvalPolicy: never`). Only the app-server backend can ask.
   */
  askHuman?: AskHuman;
}
