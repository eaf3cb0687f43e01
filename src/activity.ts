/**
 * What Codex did in one turn: the commands it ran and the files it changed,
 * bounded so that a turn with thousands of commands or a huge diff keeps a
 * result well under a client's limits. The same shape whichever backend ran
 * the turn, and when a turn is read back from its rollout file. Pure.
 *
 * Bounds: the last {@linkcode MAX_COMMANDS} commands (each at most
 * {@linkcode MAX_COMMAND_CHARS} characters), the first
 * {@linkcode MAX_FILE_CHANGES} files, a diff per file up to
 * {@linkcode MAX_DIFF_CHARS} and all diffs together up to
 * {@linkcode MAX_TOTAL_DIFF_CHARS} (past that, line counts only). Output
 * stays out, except the last {@linkcode MAX_OUTPUT_TAIL_CHARS} characters
 * of a failed command's: the caller sees why it failed without rerunning it.
 *
 * @module
 */

/** One command Codex ran. */
export interface CommandActivity {
  /** The command line, as Codex ran it (cut at {@linkcode MAX_COMMAND_CHARS}). */
  command: string;
  /** `null` when Codex did not say (killed, or still running when the turn ended). */
  exit_code: number | null;
  /** How it ended (`in_progress`: the turn ended first). */
  status: "completed" | "failed" | "declined" | "in_progress";
  /** Where Codex measured it (the app-server backend, and 0.77.0's rollouts). */
  duration_ms?: number;
  /** The end of a failed command's output. */
  output_tail?: string;
}

/** One file Codex changed (all its changes in the turn together). */
export interface FileChangeActivity {
  /** Relative to the turn's `cwd` when inside it, else absolute. */
  path: string;
  /** What happened to it over the turn. */
  kind: "add" | "update" | "delete";
  /** Lines added, where Codex gave a diff or the new content. */
  lines_added?: number;
  /** Lines removed, likewise. */
  lines_removed?: number;
  /** The unified diff, where Codex gave one and it fits the bounds. */
  diff?: string;
  /** Set when a diff was left out or cut for the bounds. */
  diff_truncated?: true;
}

/** What Codex did in a turn. */
export interface Activity {
  /** The commands, in the order they ran. */
  commands: CommandActivity[];
  /** The files, in the order first changed. */
  file_changes: FileChangeActivity[];
  /** Earlier commands left out (only the last are kept). */
  commands_omitted?: number;
  /** Files left out (only the first are kept). */
  file_changes_omitted?: number;
}

export const MAX_COMMANDS = 100;
export const MAX_COMMAND_CHARS = 500;
export const MAX_OUTPUT_TAIL_CHARS = 500;
export const MAX_FILE_CHANGES = 200;
export const MAX_DIFF_CHARS = 4_000;
export const MAX_TOTAL_DIFF_CHARS = 32_000;

/**
 * A fresh, empty activity.
 *
 * @example
 * ```ts
 * import { newActivity } from "./activity.ts";
 * newActivity(); // { commands: [], file_changes: [] }
 * ```
 */
export function newActivity(): Activity {
  return { commands: [], file_changes: [] };
}

/** A command as a backend or a rollout reports it. */
export interface CommandReport {
  command: string;
  exitCode: number | null;
  status: CommandActivity["status"];
  durationMs?: number;
  output?: string;
}

/**
 * Adds a finished command (mutating `activity`, for long turns).
 *
 * @example
 * ```ts
 * import { newActivity, recordCommand } from "./activity.ts";
 * const activity = newActivity();
 * recordCommand(activity, { command: "npm test", exitCode: 1, status: "failed", output: "1 failing" });
 * activity.commands[0].output_tail; // "1 failing"
 * ```
 */
export function recordCommand(activity: Activity, report: CommandReport): void {
  const failed = report.status === "failed" ||
    (report.exitCode !== null && report.exitCode !== 0);
  const tail = report.output?.trimEnd().slice(-MAX_OUTPUT_TAIL_CHARS);
  activity.commands.push({
    command: clip(report.command, MAX_COMMAND_CHARS),
    exit_code: report.exitCode,
    status: report.status,
    ...(report.durationMs === undefined
      ? {}
      : { duration_ms: report.durationMs }),
    ...(failed && tail ? { output_tail: tail } : {}),
  });
  if (activity.commands.length > MAX_COMMANDS) {
    activity.commands.shift();
    activity.commands_omitted = (activity.commands_omitted ?? 0) + 1;
  }
}

/** A file change as a backend or a rollout reports it. */
export interface FileChangeReport {
  path: string;
  kind: FileChangeActivity["kind"];
  /** A unified diff (app-server, 0.169.0+ rollouts). */
  diff?: string;
  /** An added file's content (0.169.0+ rollouts). */
  content?: string;
}

/**
 * Adds a changed file; a file changed again in the same turn stays one
 * entry (added then changed is still added; deleted at the end is deleted).
 *
 * @example
 * ```ts
 * import { newActivity, recordFileChange } from "./activity.ts";
 * const activity = newActivity();
 * recordFileChange(activity, { path: "a.ts", kind: "update", diff: "@@ -1 +1 @@\n-a\n+b\n" });
 * activity.file_changes[0].lines_added; // 1
 * ```
 */
export function recordFileChange(
  activity: Activity,
  report: FileChangeReport,
): void {
  // An added file comes as its content (the app-server's `diff` of an add,
  // a rollout's `content`): shown as a diff that adds every line.
  const added = report.kind === "add"
    ? report.content ?? (isUnified(report.diff) ? undefined : report.diff)
    : undefined;
  const diff = added !== undefined ? addedLines(added) : report.diff;
  const counts = diff === undefined ? undefined : diffCounts(diff);
  const known = activity.file_changes.find((entry) =>
    entry.path === report.path
  );
  if (known === undefined && activity.file_changes.length >= MAX_FILE_CHANGES) {
    activity.file_changes_omitted = (activity.file_changes_omitted ?? 0) + 1;
    return;
  }
  const entry = known ?? { path: report.path, kind: report.kind };
  if (known === undefined) activity.file_changes.push(entry);
  else if (report.kind === "delete" || known.kind !== "add") {
    known.kind = report.kind;
  }
  if (counts !== undefined) {
    entry.lines_added = (entry.lines_added ?? 0) + counts.added;
    entry.lines_removed = (entry.lines_removed ?? 0) + counts.removed;
  }
  if (diff !== undefined) addDiff(activity, entry, diff);
}

/** Adds a diff to a file's entry within both diff bounds. */
function addDiff(
  activity: Activity,
  entry: FileChangeActivity,
  diff: string,
): void {
  const joined = entry.diff === undefined ? diff : `${entry.diff}${diff}`;
  const others = activity.file_changes.reduce(
    (sum, other) => other === entry ? sum : sum + (other.diff?.length ?? 0),
    0,
  );
  const room = Math.min(MAX_DIFF_CHARS, MAX_TOTAL_DIFF_CHARS - others);
  if (joined.length <= room) {
    entry.diff = joined;
    return;
  }
  entry.diff_truncated = true;
  if (room > 200) entry.diff = `${joined.slice(0, room - 1)}…`;
  else delete entry.diff;
}

/**
 * The activity with paths inside `cwd` made relative to it.
 *
 * @example
 * ```ts
 * import { relativeTo } from "./activity.ts";
 * relativeTo({ commands: [], file_changes: [{ path: "/repo/a.ts", kind: "add" }] }, "/repo")
 *   .file_changes[0].path; // "a.ts"
 * ```
 */
export function relativeTo(activity: Activity, cwd: string): Activity {
  const prefix = cwd.endsWith("/") ? cwd : `${cwd}/`;
  return {
    ...activity,
    file_changes: activity.file_changes.map((entry) =>
      entry.path.startsWith(prefix)
        ? { ...entry, path: entry.path.slice(prefix.length) }
        : entry
    ),
  };
}

/** Lines a unified diff adds and removes (its `+++`/`---` headers aside). */
export function diffCounts(diff: string): { added: number; removed: number } {
  let added = 0;
  let removed = 0;
  for (const line of diff.split("\n")) {
    if (line.startsWith("+") && !line.startsWith("+++ ")) added++;
    else if (line.startsWith("-") && !line.startsWith("--- ")) removed++;
  }
  return { added, removed };
}

function isUnified(diff: string | undefined): boolean {
  return diff !== undefined && /^(@@|--- |diff )/.test(diff);
}

/** A new file's content as the diff that adds it. */
function addedLines(content: string): string {
  if (content === "") return "";
  const lines = content.endsWith("\n") ? content.slice(0, -1) : content;
  return `${lines.split("\n").map((line) => `+${line}`).join("\n")}\n`;
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
