/**
 * A turn's activity in a tool result: the `activity` field's schema, and
 * the short line that tells text-only clients the same.
 *
 * @module
 */

import { z } from "zod";
import type { Activity } from "../../activity.ts";

/** The `activity` field of a turn's result. */
export const ACTIVITY_OUTPUT = z.object({
  commands: z.array(z.object({
    command: z.string(),
    exit_code: z.number().nullable(),
    status: z.enum(["completed", "failed", "declined", "in_progress"]),
    duration_ms: z.number().optional(),
    output_tail: z.string().optional().describe(
      "The end of a failed command's output.",
    ),
  })).describe("The commands Codex ran in this turn, in order (the last 100)."),
  file_changes: z.array(z.object({
    path: z.string().describe(
      "Relative to the turn's cwd when inside it, else absolute.",
    ),
    kind: z.enum(["add", "update", "delete"]),
    lines_added: z.number().optional(),
    lines_removed: z.number().optional(),
    diff: z.string().optional().describe(
      "The unified diff, where Codex gives one (app-server backend), up to 4,000 characters a file and 32,000 in all.",
    ),
    diff_truncated: z.literal(true).optional(),
  })).describe("The files Codex changed in this turn (the first 200)."),
  commands_omitted: z.number().optional().describe(
    "Earlier commands left out.",
  ),
  file_changes_omitted: z.number().optional().describe("Files left out."),
}).describe(
  "What Codex did in this turn: the commands it ran and the files it changed. Both lists are empty when it only talked.",
);

/** How many files and failed commands the line names before "and N more". */
const NAMED = 5;

/**
 * One or two short sentences on what Codex did, for the text of a result;
 * empty when it did nothing.
 *
 * @example
 * ```ts
 * import { activityLine } from "./activity_output.ts";
 * activityLine({
 *   commands: [{ command: "npm test", exit_code: 3, status: "failed" }],
 *   file_changes: [{ path: "src/a.ts", kind: "update" }],
 * });
 * // "Codex changed 1 file: src/a.ts (updated); ran 1 command, 1 failed (exit 3): npm test"
 * ```
 */
export function activityLine(activity: Activity): string {
  const parts: string[] = [];
  const files = activity.file_changes;
  const fileCount = files.length + (activity.file_changes_omitted ?? 0);
  if (fileCount > 0) {
    const named = files.slice(0, NAMED).map((file) =>
      `${file.path} (${KIND_WORDS[file.kind]})`
    );
    parts.push(
      `Codex changed ${plural(fileCount, "file")}: ${named.join(", ")}${
        more(fileCount - named.length)
      }`,
    );
  }
  const commandCount = activity.commands.length +
    (activity.commands_omitted ?? 0);
  if (commandCount > 0) {
    const failed = activity.commands.filter((command) =>
      command.status === "failed" ||
      (command.exit_code !== null && command.exit_code !== 0)
    );
    const named = failed.slice(-NAMED).map((command) =>
      `(exit ${command.exit_code ?? "?"}): ${oneLine(command.command)}`
    );
    parts.push(
      `${parts.length > 0 ? "ran" : "Codex ran"} ${
        plural(commandCount, "command")
      }${
        failed.length === 0
          ? ""
          : `, ${failed.length} failed ${named.join("; ")}${
            more(failed.length - named.length)
          }`
      }`,
    );
  }
  return parts.join("; ");
}

const KIND_WORDS = { add: "added", update: "updated", delete: "deleted" };

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function more(count: number): string {
  return count > 0 ? ` and ${count} more` : "";
}

function oneLine(text: string): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > 80 ? `${line.slice(0, 79)}…` : line;
}
