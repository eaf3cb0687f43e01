/**
 * `codex_review`'s `target`: run Codex's own reviewer on a diff instead of
 * sending a change summary. Its input fields, and the check that each
 * target has its companion field.
 *
 * @module
 */

import { z } from "zod";
import type { ReviewTarget } from "../../codex/turn_options.ts";
import { CodexError } from "../../errors.ts";

/** Targets, as the tool names them. */
export const REVIEW_TARGETS = ["uncommitted", "base_branch", "commit"] as const;

/** A branch or commit name must not read as a flag or hold white space. */
const REF_PATTERN = /^[^\s-][^\s]*$/;

/** The input fields `codex_review` adds for a target. */
export const REVIEW_TARGET_INPUT = {
  target: z.enum(REVIEW_TARGETS, {
    error: `target must be one of: ${REVIEW_TARGETS.join(", ")}`,
  }).optional().describe(
    "Run Codex's own reviewer on a diff it reads itself: uncommitted (staged, unstaged and untracked changes), base_branch (with base_branch) or commit (with commit). The result then has findings. Without target, Codex reviews the change_summary you send.",
  ),
  base_branch: z.string().regex(REF_PATTERN, {
    error:
      "base_branch must be a branch name (no spaces, not starting with '-')",
  }).optional().describe(
    "With target base_branch: the branch to diff against.",
  ),
  commit: z.string().regex(REF_PATTERN, {
    error: "commit must be a commit SHA (no spaces, not starting with '-')",
  }).optional().describe("With target commit: the commit to review."),
  commit_title: z.string().max(200, {
    error: "commit_title must be at most 200 characters",
  }).regex(/^[^\p{Cc}]*$/u, {
    error: "commit_title must be one line without control characters",
  }).optional().describe(
    "With target commit: its title, for the reviewer (one line).",
  ),
};

/** The target fields as parsed. */
type TargetInput = z.infer<z.ZodObject<typeof REVIEW_TARGET_INPUT>> & {
  change_summary?: string;
};

/**
 * The review target of a `codex_review` call, or `undefined` for a review
 * of the sent change summary; a target without its companion field (or a
 * call with neither target nor change summary) is a clear error.
 *
 * @example
 * ```ts
 * import { reviewTargetOf } from "./review_target.ts";
 * reviewTargetOf({ target: "base_branch", base_branch: "main" });
 * // { type: "base_branch", branch: "main" }
 * ```
 */
export function reviewTargetOf(input: TargetInput): ReviewTarget | undefined {
  const fail = (message: string, hint: string): never => {
    throw new CodexError("bad_input", message, { hint });
  };
  switch (input.target) {
    case undefined:
      if (input.change_summary?.trim()) return undefined;
      return fail(
        "change_summary is required unless target is given.",
        "Send change_summary, or set target to have Codex review the diff itself.",
      );
    case "uncommitted":
      return { type: "uncommitted" };
    case "base_branch":
      return input.base_branch === undefined
        ? fail(
          "target base_branch needs base_branch.",
          'Pass base_branch, for example "main".',
        )
        : { type: "base_branch", branch: input.base_branch };
    case "commit":
      return input.commit === undefined
        ? fail("target commit needs commit.", "Pass commit: the SHA to review.")
        : { type: "commit", sha: input.commit, title: input.commit_title };
  }
}
