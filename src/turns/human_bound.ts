/**
 * The bound on a question to the human: no answer within the setting's
 * time, a failure to ask, or the turn ending all decline, and the turn's
 * progress says that Codex is waiting for the human meanwhile.
 *
 * @module
 */

import {
  type AskHuman,
  DECLINE,
  type HumanAnswer,
} from "../codex/approvals.ts";
import { whenAborted } from "../abort.ts";
import type { RunningTurn } from "./running_turn.ts";

/**
 * `askHuman`, bounded by `timeoutMs` and by the turn; every failure to
 * get an answer is a decline.
 *
 * @example
 * ```ts ignore
 * const ask = boundedAsker(askHuman, turn, 120_000);
 * await ask(question, turn.signal); // { action: "decline" } after 2 minutes
 * ```
 */
export function boundedAsker(
  askHuman: AskHuman,
  turn: RunningTurn,
  timeoutMs: number,
): AskHuman {
  return async (question, signal) => {
    const what = question.message.split("\n").slice(0, 2).join(" ");
    turn.report(`Waiting for the human to answer: ${what}`);
    const bound = new AbortController();
    const timer = setTimeout(
      () => bound.abort("no answer in time"),
      timeoutMs,
    );
    const stop = (): void => bound.abort("the turn ended");
    const forget = [signal, turn.signal].map((ended) =>
      whenAborted(ended, stop)
    );
    const given = new Promise<HumanAnswer>((resolve) =>
      whenAborted(bound.signal, () => resolve(DECLINE))
    );
    try {
      const answer = await Promise.race([
        askHuman(question, bound.signal).catch(() => DECLINE),
        given,
      ]);
      turn.report(
        answer.action === "accept"
          ? "The human accepted; Codex goes on"
          : `The human's answer: ${
            bound.signal.aborted ? bound.signal.reason : answer.action
          } (declined); Codex goes on`,
      );
      return answer;
    } finally {
      clearTimeout(timer);
      for (const stopListening of forget) stopListening();
      bound.abort("answered");
    }
  };
}
