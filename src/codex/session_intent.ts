/**
 * What a turn is, decided once by the turn service and read by every
 * backend: which session it runs in (a new one, a resumed one, a fork of
 * one) and what it sends (a prompt, a review, or nothing: a fork that only
 * copies). No backend re-decides it from loose fields. Pure.
 *
 * @module
 */

import type { ReviewTarget } from "./turn_options.ts";

/** Which session a turn runs in. */
export type SessionIntent =
  /** A new session (in the request's `cwd`). */
  | { kind: "new" }
  /** An existing session, whose rollout file the service found. */
  | { kind: "resume"; sessionId: string; rolloutPath: string }
  /** A new session carrying `from`'s conversation. */
  | { kind: "fork"; from: string; rolloutPath: string };

/** What a turn sends to Codex. */
export type TurnInput =
  /** A message (without the origin header: each backend adds it). */
  | { kind: "prompt"; text: string }
  /** Codex's own reviewer on a target (it writes its own prompt). */
  | { kind: "review"; target: ReviewTarget }
  /** Nothing: a fork that only copies the session, running no turn. */
  | { kind: "copy" };

/**
 * The intent of a call: a fork when asked, else a resume when a session is
 * named, else a new session; and its input: a review when a target is
 * given, nothing for a fork without a prompt, else the prompt. A named
 * session needs the rollout file the caller found for it.
 *
 * @example
 * ```ts
 * import { turnIntent } from "./session_intent.ts";
 * turnIntent({ sessionId: "s1", fork: true, prompt: "" }, "/store/s1.jsonl");
 * // { session: { kind: "fork", from: "s1", rolloutPath: "/store/s1.jsonl" },
 * //   input: { kind: "copy" } }
 * ```
 */
export function turnIntent(
  call: {
    sessionId?: string;
    fork?: boolean;
    prompt: string;
    review?: ReviewTarget;
  },
  rolloutPath: string | undefined,
): { session: SessionIntent; input: TurnInput } {
  const { sessionId } = call;
  let session: SessionIntent = { kind: "new" };
  if (sessionId !== undefined) {
    // Never silently a new session: the caller must have found the file.
    if (rolloutPath === undefined) {
      throw new Error(
        `session ${sessionId} was named without its rollout file`,
      );
    }
    session = call.fork
      ? { kind: "fork", from: sessionId, rolloutPath }
      : { kind: "resume", sessionId, rolloutPath };
  }
  const input: TurnInput = call.review !== undefined
    ? { kind: "review", target: call.review }
    : session.kind === "fork" && call.prompt === ""
    ? { kind: "copy" }
    : { kind: "prompt", text: call.prompt };
  return { session, input };
}

/**
 * The existing session a turn names (resumed or forked from), if any.
 *
 * @example
 * ```ts
 * import { namedSession } from "./session_intent.ts";
 * namedSession({ kind: "fork", from: "s1", rolloutPath: "/r" }); // "s1"
 * ```
 */
export function namedSession(session: SessionIntent): string | undefined {
  switch (session.kind) {
    case "new":
      return undefined;
    case "resume":
      return session.sessionId;
    case "fork":
      return session.from;
  }
}

/**
 * The session Codex must answer in: the resumed one (a new session or a
 * fork answers in one Codex names).
 *
 * @example
 * ```ts
 * import { resumedSession } from "./session_intent.ts";
 * resumedSession({ kind: "resume", sessionId: "s1", rolloutPath: "/r" }); // "s1"
 * ```
 */
export function resumedSession(session: SessionIntent): string | undefined {
  return session.kind === "resume" ? session.sessionId : undefined;
}
