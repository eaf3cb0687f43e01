/**
 * Codex's structured review of a review turn, which both backends read from
 * the session's rollout file (the app-server's item carries only prose).
 *
 * @module
 */

import { findRolloutFile, readReviewOutput } from "../store/rollout_files.ts";
import { pathInfo } from "../runtime/fs.ts";
import type { TurnResult } from "./verdict.ts";

/**
 * The result with Codex's structured review, read from the session's
 * rollout file (where both Codex versions record it when review mode ends):
 * `rolloutPath` when the caller found it already, else looked up.
 *
 * @example
 * ```ts ignore
 * const reviewed = await withReviewOutput(result, "/home/me/.codex");
 * reviewed.review?.findings.length;
 * ```
 */
export async function withReviewOutput(
  result: TurnResult,
  codexHome: string,
  rolloutPath?: string,
): Promise<TurnResult> {
  const path = rolloutPath ??
    await findRolloutFile(codexHome, result.sessionId);
  const size = path === undefined ? undefined : (await pathInfo(path))?.size;
  const review = path === undefined || size === undefined
    ? undefined
    : await readReviewOutput(path, size);
  return { ...result, review: review ?? { findings: [] } };
}
