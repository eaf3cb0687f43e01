/**
 * Reads Codex's own session store (`$CODEX_HOME/sessions/YYYY/MM/DD/
 * rollout-<local time>-<id>.jsonl`). Read-only: never writes to Codex's files.
 *
 * @module
 */

import { BackwardActivity, parseActivityLine } from "./rollout_activity.ts";
import { type OriginHeader, withOriginHeader } from "../header.ts";
import { linesBackward, linesForward } from "../file_lines.ts";
import { isRecord, parseJson, stringOrUndefined } from "../json.ts";
import { listDirectory } from "../runtime/fs.ts";
import {
  type ConversationMessage,
  parseReviewOutputLine,
  parseRolloutLine,
  type ReviewOutput,
} from "./rollout.ts";

/** Codex's home: `CODEX_HOME`, else `~/.codex`. */
export function codexHomeFrom(env: {
  CODEX_HOME?: string;
  HOME?: string;
}): string {
  if (env.CODEX_HOME) return env.CODEX_HOME;
  return `${env.HOME ?? "."}/.codex`;
}

/** What the first line of a rollout file says about its session. */
export interface SessionMeta {
  /** The session id. */
  id: string;
  /** The directory the session was started in. */
  cwd?: string;
  /** When it started (ISO 8601). */
  timestamp?: string;
  /** The Codex version that wrote it. */
  cliVersion?: string;
}

const UUID_V7_VERSION_INDEX = 14;
const DAY_MS = 86_400_000;
/** A first line longer than this is not a session_meta line we can use. */
const MAX_FIRST_LINE_BYTES = 8 * 1024 * 1024;

/**
 * Finds the rollout file of a session, or `undefined` if the store has none.
 *
 * Codex ids are UUIDv7, whose first 48 bits are the creation time: the file
 * sits in that day's folder (local time, so the neighbouring days are checked
 * too). Only those folders are listed, however large the store. Other ids fall
 * back to a scan of every day folder, newest first.
 *
 * @example
 * ```ts ignore
 * import { findRolloutFile } from "./rollout_files.ts";
 * await findRolloutFile("/home/me/.codex", "01a20ad4-3b48-7682-848b-3b8e5878fb23");
 * // "/home/me/.codex/sessions/2026/11/23/rollout-2026-11-23T23-53-30-01a2….jsonl"
 * ```
 */
export async function findRolloutFile(
  codexHome: string,
  sessionId: string,
): Promise<string | undefined> {
  const id = sessionId.toLowerCase();
  const suffix = `-${id}.jsonl`;
  const sessionsDir = `${codexHome}/sessions`;
  const created = uuidV7Time(id);
  const candidateDays = created === undefined
    ? await allDayDirs(sessionsDir)
    : [0, -1, 1].map((offset) =>
      `${sessionsDir}/${dayPath(new Date(created + offset * DAY_MS))}`
    );
  for (const dir of candidateDays) {
    const found = await findInDir(dir, suffix);
    if (found) return found;
  }
  if (created === undefined) return undefined;
  // A clock far off when the id was made: look everywhere before giving up.
  for (const dir of await allDayDirs(sessionsDir)) {
    const found = await findInDir(dir, suffix);
    if (found) return found;
  }
  return undefined;
}

/**
 * Reads the `session_meta` first line of a rollout file, reading no further
 * than that line (the file itself can be many MB).
 *
 * @example
 * ```ts ignore
 * import { readSessionMeta } from "./rollout_files.ts";
 * (await readSessionMeta("/path/rollout-….jsonl"))?.cwd; // "/home/me/repo"
 * ```
 */
export async function readSessionMeta(
  path: string,
): Promise<SessionMeta | undefined> {
  let first: string | undefined;
  for await (const line of linesForward(path, 0, MAX_FIRST_LINE_BYTES)) {
    first = line.text;
    break;
  }
  const record = first === undefined ? undefined : parseJson(first);
  if (!isRecord(record) || record.type !== "session_meta") return undefined;
  const payload = isRecord(record.payload) ? record.payload : {};
  if (typeof payload.id !== "string") return undefined;
  return {
    id: payload.id,
    cwd: stringOrUndefined(payload.cwd),
    timestamp: stringOrUndefined(payload.timestamp),
    cliVersion: stringOrUndefined(payload.cli_version),
  };
}

/**
 * Every rollout file in the store, in no particular order.
 *
 * @example
 * ```ts ignore
 * import { listRolloutFiles } from "./rollout_files.ts";
 * (await listRolloutFiles("/home/me/.codex")).length; // 1234
 * ```
 */
export async function listRolloutFiles(codexHome: string): Promise<string[]> {
  const days = await allDayDirs(`${codexHome}/sessions`);
  const perDay = await Promise.all(
    days.map(async (dir) =>
      (await listDirectory(dir))
        .filter((name) =>
          name.startsWith("rollout-") && name.endsWith(".jsonl")
        )
        .map((name) => `${dir}/${name}`)
    ),
  );
  return perDay.flat();
}

/** What a forward scan of a rollout file found. */
export interface RolloutScan {
  /** User messages (turns) in the scanned range. */
  userMessages: number;
  /** The first user message in the range, if any. */
  firstUserMessage?: string;
  /** Where the scan stopped: the end of the last complete line. */
  scannedTo: number;
}

/**
 * Scans the complete lines of a rollout file from byte `from`. Rollouts only
 * grow, so a caller that remembers `scannedTo` rescans only what was appended.
 * An origin header kept in the developer instructions before the first user
 * message is put back after that message's text, as the exec backend writes it.
 *
 * @example
 * ```ts ignore
 * import { scanRollout } from "./rollout_files.ts";
 * const first = await scanRollout("/path/rollout.jsonl", 0);
 * const later = await scanRollout("/path/rollout.jsonl", first.scannedTo);
 * ```
 */
export async function scanRollout(
  path: string,
  from: number,
): Promise<RolloutScan> {
  const scan: RolloutScan = { userMessages: 0, scannedTo: from };
  let leadingOrigin: { header: OriginHeader; at: number } | undefined;
  for await (const line of linesForward(path, from)) {
    const message = parseRolloutLine(line.text);
    if (message?.role === "origin" && scan.userMessages === 0) {
      leadingOrigin ??= { header: message.header, at: line.start };
    } else if (message?.role === "user") {
      scan.userMessages++;
      scan.firstUserMessage ??= leadingOrigin === undefined
        ? message.text
        : withOriginHeader(message.text, leadingOrigin.header);
    }
    scan.scannedTo = line.end;
  }
  // Rescan the note with the message Codex has not written yet.
  if (leadingOrigin !== undefined && scan.userMessages === 0) {
    scan.scannedTo = leadingOrigin.at;
  }
  return scan;
}

/** One page of a conversation, read from the end. */
export interface ConversationPage {
  /** The messages, oldest first. */
  messages: ConversationMessage[];
  /** Pass as `before` to read the turns before these; absent at the start. */
  nextBefore?: number;
}

/**
 * Reads the last `turns` turns (a user message and what followed it) that end
 * before byte `before` (default: the end of the file), reading the file
 * backwards so the cost follows the size of the page, not of the session. A
 * page that reaches the session's first message puts back the origin header
 * its developer instructions kept (see {@linkcode scanRollout}).
 *
 * @example
 * ```ts ignore
 * import { readConversationPage } from "./rollout_files.ts";
 * const newest = await readConversationPage("/path/rollout.jsonl", { turns: 10 });
 * const older = await readConversationPage("/path/rollout.jsonl", {
 *   turns: 10,
 *   before: newest.nextBefore,
 * });
 * ```
 */
export async function readConversationPage(
  path: string,
  options: { turns: number; before?: number; size: number },
): Promise<ConversationPage> {
  const newestFirst: ConversationMessage[] = [];
  let turns = 0;
  // Set once the page is full: where the next, older page ends.
  let nextBefore: number | undefined;
  // An origin note with no message before it (so far, reading backwards).
  let leadingOrigin: OriginHeader | undefined;
  // What Codex did since the user message being looked for.
  const turn = new BackwardActivity();
  const end = Math.min(options.before ?? options.size, options.size);
  for await (const { text, start } of linesBackward(path, end)) {
    const activity = parseActivityLine(text);
    if (activity !== undefined) {
      turn.add(activity);
      continue;
    }
    const record = parseRolloutLine(text);
    if (record === undefined) continue;
    if (record.role === "origin") {
      leadingOrigin = record.header;
      // A full page keeps the note with the message it belongs to.
      if (nextBefore !== undefined) nextBefore = start;
      continue;
    }
    if (nextBefore !== undefined) {
      return { messages: newestFirst.reverse(), nextBefore };
    }
    leadingOrigin = undefined;
    if (record.role === "user") {
      record.activity = turn.take();
    }
    newestFirst.push(record);
    if (record.role === "user" && ++turns === options.turns) {
      nextBefore = start;
    }
  }
  // The start of the session: nothing older.
  const first = newestFirst.findLast((message) => message.role === "user");
  if (first !== undefined && leadingOrigin !== undefined) {
    first.text = withOriginHeader(first.text, leadingOrigin);
  }
  return { messages: newestFirst.reverse() };
}

/** The creation time in a UUIDv7, or `undefined` for other ids. */
function uuidV7Time(id: string): number | undefined {
  if (id[UUID_V7_VERSION_INDEX] !== "7") return undefined;
  return parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
}

function dayPath(date: Date): string {
  const pad = (n: number): string => String(n).padStart(2, "0");
  return `${date.getFullYear()}/${pad(date.getMonth() + 1)}/${
    pad(date.getDate())
  }`;
}

async function findInDir(
  dir: string,
  suffix: string,
): Promise<string | undefined> {
  for (const name of await listDirectory(dir)) {
    if (name.startsWith("rollout-") && name.endsWith(suffix)) {
      return `${dir}/${name}`;
    }
  }
  return undefined;
}

/** Every `YYYY/MM/DD` folder under `sessions`, newest first. */
async function allDayDirs(sessionsDir: string): Promise<string[]> {
  const days: string[] = [];
  for (const year of await listDirDescending(sessionsDir)) {
    for (const month of await listDirDescending(`${sessionsDir}/${year}`)) {
      for (
        const day of await listDirDescending(`${sessionsDir}/${year}/${month}`)
      ) {
        days.push(`${sessionsDir}/${year}/${month}/${day}`);
      }
    }
  }
  return days;
}

async function listDirDescending(dir: string): Promise<string[]> {
  return (await listDirectory(dir)).sort().reverse();
}

/**
 * The structured review of the session's last review turn, read backwards
 * from the end of its rollout file.
 *
 * @example
 * ```ts ignore
 * import { readReviewOutput } from "./rollout_files.ts";
 * (await readReviewOutput("/path/rollout.jsonl"))?.findings.length; // 1
 * ```
 */
export async function readReviewOutput(
  path: string,
  size: number,
): Promise<ReviewOutput | undefined> {
  for await (const { text } of linesBackward(path, size)) {
    const review = parseReviewOutputLine(text);
    if (review !== undefined) return review;
  }
  return undefined;
}
