/**
 * What Codex did, read back from a rollout file. Codex 0.169.0 and newer
 * record each finished command and patch as an `item_completed` event
 * (`CommandExecution` with its exit code and duration, `FileChange` with
 * the diff or the new content); 0.77.0 records only the shell call and its
 * output (`function_call` and `function_call_output`, whose output carries
 * the exit code and duration), and a patch applied through the shell as
 * such a call whose output lists the files (`A a.txt`). Pure.
 *
 * @module
 */

import {
  type Activity,
  type CommandReport,
  type FileChangeReport,
  newActivity,
  recordCommand,
  recordFileChange,
} from "../activity.ts";
import { isRecord, parseJson, stringOrUndefined } from "../json.ts";

/** One line's worth of activity. */
export type ActivityLine =
  | { kind: "command"; report: CommandReport }
  | { kind: "files"; changes: FileChangeReport[] }
  /** 0.77.0: a shell call, to be paired with its output by `callId`. */
  | { kind: "call"; callId: string; command: string }
  /** 0.77.0: a shell call's output. */
  | {
    kind: "output";
    callId: string;
    exitCode: number | null;
    durationMs?: number;
    output: string;
  };

/**
 * The activity a rollout line records, or `undefined` (most lines).
 *
 * @example
 * ```ts
 * import { parseActivityLine } from "./rollout_activity.ts";
 * parseActivityLine(JSON.stringify({
 *   type: "event_msg",
 *   payload: { type: "item_completed", item: {
 *     type: "CommandExecution", command: ["bash", "-c", "npm test"],
 *     exit_code: 1, status: "failed", duration: { secs: 2, nanos: 0 },
 *   } },
 * }));
 * // { kind: "command", report: { command: "bash -c 'npm test'", exitCode: 1, status: "failed", durationMs: 2000, output: undefined } }
 * ```
 */
export function parseActivityLine(line: string): ActivityLine | undefined {
  // Cheap filter first: most lines are messages and token counts.
  const completed = line.includes('"item_completed"') &&
    (line.includes('"CommandExecution"') || line.includes('"FileChange"'));
  if (!completed && !line.includes('"function_call')) return undefined;
  const record = parseJson(line);
  const payload = isRecord(record) && isRecord(record.payload)
    ? record.payload
    : undefined;
  if (payload === undefined) return undefined;
  if (payload.type === "item_completed" && isRecord(payload.item)) {
    return completedItem(payload.item);
  }
  const callId = stringOrUndefined(payload.call_id);
  if (callId === undefined) return undefined;
  if (payload.type === "function_call") {
    const args = parseJson(stringOrUndefined(payload.arguments) ?? "");
    const command = isRecord(args) && Array.isArray(args.command)
      ? shellWords(args.command.map(String))
      : undefined;
    return command === undefined
      ? undefined
      : { kind: "call", callId, command };
  }
  if (payload.type === "function_call_output") {
    // 0.77.0 writes JSON with metadata; newer Codex writes plain text (and
    // records the command as an item_completed event instead).
    const output = parseJson(stringOrUndefined(payload.output) ?? "");
    if (!isRecord(output) || !isRecord(output.metadata)) return undefined;
    const exitCode = output.metadata.exit_code;
    const seconds = output.metadata.duration_seconds;
    return {
      kind: "output",
      callId,
      exitCode: typeof exitCode === "number" ? exitCode : null,
      ...(typeof seconds === "number"
        ? { durationMs: Math.round(seconds * 1000) }
        : {}),
      output: stringOrUndefined(output.output) ?? "",
    };
  }
  return undefined;
}

/**
 * A 0.77.0 shell call with its output: a patch applied through the shell
 * is the files it lists; any other call is a command.
 */
function pairedCall(
  call: Extract<ActivityLine, { kind: "call" }>,
  output: Extract<ActivityLine, { kind: "output" }> | undefined,
): ActivityLine {
  const listed = /apply_patch/.test(call.command) && output?.exitCode === 0
    ? patchedFiles(output.output)
    : [];
  if (listed.length > 0) return { kind: "files", changes: listed };
  return {
    kind: "command",
    report: {
      command: call.command,
      exitCode: output?.exitCode ?? null,
      status: output === undefined
        ? "in_progress"
        : output.exitCode === 0
        ? "completed"
        : "failed",
      durationMs: output?.durationMs,
      output: output?.output,
    },
  };
}

function completedItem(
  item: Record<string, unknown>,
): ActivityLine | undefined {
  if (item.type === "CommandExecution") {
    const duration = isRecord(item.duration) ? item.duration : {};
    const secs = typeof duration.secs === "number" ? duration.secs : undefined;
    const nanos = typeof duration.nanos === "number" ? duration.nanos : 0;
    const status = stringOrUndefined(item.status);
    return {
      kind: "command",
      report: {
        command: Array.isArray(item.command)
          ? shellWords(item.command.map(String))
          : stringOrUndefined(item.command) ?? "",
        exitCode: typeof item.exit_code === "number" ? item.exit_code : null,
        status: status === "failed" || status === "declined" ||
            status === "in_progress"
          ? status
          : "completed",
        durationMs: secs === undefined
          ? undefined
          : Math.round(secs * 1000 + nanos / 1e6),
        output: stringOrUndefined(item.aggregated_output),
      },
    };
  }
  if (item.type !== "FileChange" || item.status === "failed") return undefined;
  const changes = isRecord(item.changes) ? item.changes : {};
  return {
    kind: "files",
    changes: Object.entries(changes).filter(([, change]) => isRecord(change))
      .map(([path, change]) => {
        const detail = change as Record<string, unknown>;
        const kind = detail.type === "add" || detail.type === "delete"
          ? detail.type
          : "update";
        return {
          path,
          kind,
          diff: stringOrUndefined(detail.unified_diff),
          content: kind === "add"
            ? stringOrUndefined(detail.content)
            : undefined,
        };
      }),
  };
}

/**
 * A turn's activity, gathered from its rollout lines read backwards (as
 * pages are read): a 0.77.0 call's output comes before its call, and the
 * turn ends at its user message, where `take` hands the activity over.
 *
 * @example
 * ```ts
 * import { BackwardActivity, parseActivityLine } from "./rollout_activity.ts";
 * const turn = new BackwardActivity();
 * turn.add(parseActivityLine(JSON.stringify({ type: "event_msg", payload: {
 *   type: "item_completed",
 *   item: { type: "FileChange", status: "completed", changes: { "/r/a.ts": { type: "add", content: "x\n" } } },
 * } }))!);
 * turn.take().file_changes[0].path; // "/r/a.ts"
 * ```
 */
export class BackwardActivity {
  /** What the turn did, newest first. */
  #done: ActivityLine[] = [];
  /** 0.77.0 call outputs waiting for their calls, by call id. */
  readonly #outputs = new Map<
    string,
    Extract<ActivityLine, { kind: "output" }>
  >();

  /** Adds the line read before (older than) the last one added. */
  add(line: ActivityLine): void {
    if (line.kind === "output") this.#outputs.set(line.callId, line);
    else if (line.kind === "call") {
      this.#done.push(pairedCall(line, this.#outputs.get(line.callId)));
    } else this.#done.push(line);
  }

  /** The activity gathered since the last `take`, oldest first; starts anew. */
  take(): Activity {
    const activity = newActivity();
    for (const line of this.#done.reverse()) {
      if (line.kind === "command") recordCommand(activity, line.report);
      else if (line.kind === "files") {
        for (const change of line.changes) recordFileChange(activity, change);
      }
    }
    this.#done = [];
    this.#outputs.clear();
    return activity;
  }
}

/** The files apply_patch lists on success (`A a.txt`, `M b.txt`, `D c.txt`). */
function patchedFiles(output: string): FileChangeReport[] {
  const kinds = { A: "add", M: "update", D: "delete" } as const;
  return [...output.matchAll(/^([AMD]) (.+)$/gm)].map((match) => ({
    path: match[2],
    kind: kinds[match[1] as keyof typeof kinds],
  }));
}

/** argv as a shell line, quoting what needs it (as Codex prints it). */
function shellWords(argv: string[]): string {
  return argv.map((word) =>
    /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`
  ).join(" ");
}
