/**
 * Lists the sessions in Codex's store, newest activity first, with what an
 * agent needs to pick one: directory, times, turn count, a preview.
 *
 * Summaries are cached in a file of our own (never in Codex's store), keyed by
 * rollout path and checked against each file's size and mtime. Rollouts only
 * grow, so a changed file is scanned from where the last scan stopped. A
 * missing or unreadable cache only costs time.
 *
 * @module
 */

import { splitOriginHeader } from "../header.ts";
import { isRecord, parseJson } from "../json.ts";
import {
  readTextFileIfExists,
  statFileSync,
  writeTextFileAtomic,
} from "../runtime/fs.ts";
import {
  listRolloutFiles,
  readSessionMeta,
  scanRollout,
} from "./rollout_files.ts";

/** One session in a listing. */
export interface SessionSummary {
  /** The session id. */
  sessionId: string;
  /** The directory it was started in. */
  cwd?: string;
  /** When it started (ISO 8601). */
  startedAt?: string;
  /** When its rollout file last changed (ISO 8601). */
  lastActivityAt: string;
  /** User messages so far. */
  turns: number;
  /** The first message's first line, without our header. */
  preview: string;
  /** Whether it was started through this server (its first message has our header). */
  viaMcp: boolean;
}

/** Where a page of the listing ends: its last file. */
export interface ListPosition {
  /** The file's modification time. */
  mtimeMs: number;
  /** The file. */
  path: string;
}

/** What to list. */
export interface ListOptions {
  /** Only sessions started in exactly this directory. */
  cwd?: string;
  /** Only sessions started through MCP. */
  onlyMcp?: boolean;
  /** Only sessions whose directory passes this test. */
  within?: (cwd: string | undefined) => boolean;
  /** At most this many. */
  limit: number;
  /** Continue after this position (a previous page's `next`). */
  after?: ListPosition;
}

/** A page of sessions. */
export interface SessionListing {
  /** Newest activity first. */
  sessions: SessionSummary[];
  /** Pass back as `after` for the next page; absent on the last one. */
  next?: ListPosition;
}

interface CacheEntry {
  size: number;
  mtimeMs: number;
  /** Empty when the file is not a readable rollout. */
  id: string;
  cwd?: string;
  startedAt?: string;
  turns: number;
  scannedTo: number;
  firstUserMessage?: string;
}

const CACHE_FORMAT = 1;
const PREVIEW_CHARS = 120;
/** Synchronous stats between two yields to the event loop. */
const STAT_SLICE = 500;

/**
 * The session listing of one Codex home.
 *
 * @example
 * ```ts ignore
 * import { SessionIndex } from "./session_index.ts";
 * const index = new SessionIndex("/home/me/.codex", "/home/me/.cache/codex-persistent-mcp/sessions.json");
 * const { sessions } = await index.list({ cwd: "/home/me/repo", limit: 20 });
 * ```
 */
export class SessionIndex {
  readonly #codexHome: string;
  readonly #cachePath?: string;
  #cache?: Map<string, CacheEntry>;

  /** An index of `codexHome`, cached in `cachePath` when given. */
  constructor(codexHome: string, cachePath?: string) {
    this.#codexHome = codexHome;
    this.#cachePath = cachePath;
  }

  /** One page of sessions, newest activity first. */
  async list(options: ListOptions): Promise<SessionListing> {
    const after = options.after;
    const cache = await this.#loadCache();
    const files = await statAll(await listRolloutFiles(this.#codexHome));
    files.sort((a, b) =>
      b.mtimeMs - a.mtimeMs || (b.path < a.path ? -1 : b.path > a.path ? 1 : 0)
    );
    let start = 0;
    if (after !== undefined) {
      while (
        start < files.length &&
        (files[start].mtimeMs > after.mtimeMs ||
          (files[start].mtimeMs === after.mtimeMs &&
            files[start].path >= after.path))
      ) start++;
    }
    const sessions: SessionSummary[] = [];
    let next: ListPosition | undefined;
    let changed = false;
    for (let i = start; i < files.length; i++) {
      if (sessions.length === options.limit) {
        const last = files[i - 1];
        next = { mtimeMs: last.mtimeMs, path: last.path };
        break;
      }
      const file = files[i];
      let entry = cache.get(file.path);
      if (entry?.size !== file.size || entry.mtimeMs !== file.mtimeMs) {
        entry = await refreshMeta(file, entry);
        cache.set(file.path, entry);
        changed = true;
      }
      if (entry.id === "") continue;
      if (options.cwd !== undefined && entry.cwd !== options.cwd) continue;
      if (options.within !== undefined && !options.within(entry.cwd)) continue;
      // Count turns only for sessions that pass the directory filter: a
      // listing for one project never reads other projects' big files.
      if (entry.scannedTo < file.size && await scanAppended(file.path, entry)) {
        changed = true;
      }
      const summary = summarize(entry, file.mtimeMs);
      if (options.onlyMcp && !summary.viaMcp) continue;
      sessions.push(summary);
    }
    if (changed) await this.#saveCache(cache);
    return { sessions, next };
  }

  async #loadCache(): Promise<Map<string, CacheEntry>> {
    if (this.#cache !== undefined) return this.#cache;
    this.#cache = new Map();
    if (this.#cachePath === undefined) return this.#cache;
    const text = await readTextFileIfExists(this.#cachePath);
    // A damaged cache is rebuilt from Codex's files.
    const data = text === undefined ? undefined : parseJson(text);
    if (
      isRecord(data) && data.format === CACHE_FORMAT &&
      data.codexHome === this.#codexHome && isRecord(data.entries)
    ) {
      for (const [path, entry] of Object.entries(data.entries)) {
        if (isCacheEntry(entry)) this.#cache.set(path, entry);
      }
    }
    return this.#cache;
  }

  async #saveCache(cache: Map<string, CacheEntry>): Promise<void> {
    if (this.#cachePath === undefined) return;
    try {
      await writeTextFileAtomic(
        this.#cachePath,
        JSON.stringify({
          format: CACHE_FORMAT,
          codexHome: this.#codexHome,
          entries: Object.fromEntries(cache),
        }),
      );
    } catch {
      // Without a cache the next listing is only slower.
    }
  }
}

/** Entries of our own cache file, checked as they are loaded. */
function isCacheEntry(value: unknown): value is CacheEntry {
  return isRecord(value) && typeof value.id === "string" &&
    typeof value.size === "number" && typeof value.mtimeMs === "number" &&
    typeof value.turns === "number" && typeof value.scannedTo === "number" &&
    (value.cwd === undefined || typeof value.cwd === "string") &&
    (value.startedAt === undefined || typeof value.startedAt === "string") &&
    (value.firstUserMessage === undefined ||
      typeof value.firstUserMessage === "string");
}

interface FileStat {
  path: string;
  size: number;
  mtimeMs: number;
}

/** Stats every file, in slices with a yield between them. */
async function statAll(paths: string[]): Promise<FileStat[]> {
  const stats: FileStat[] = [];
  for (let i = 0; i < paths.length; i++) {
    if (i % STAT_SLICE === STAT_SLICE - 1) {
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    const info = statFileSync(paths[i]);
    if (info !== undefined && !info.isDirectory) {
      stats.push({ path: paths[i], size: info.size, mtimeMs: info.mtimeMs });
    }
  }
  return stats;
}

/**
 * The entry for a new or changed file. Rollouts only grow, so a file at least
 * as long as what was scanned keeps its metadata and counts; one that shrank
 * was rewritten and is read again.
 */
async function refreshMeta(
  file: FileStat,
  previous: CacheEntry | undefined,
): Promise<CacheEntry> {
  if (
    previous !== undefined && previous.id !== "" &&
    file.size >= previous.scannedTo
  ) {
    return { ...previous, size: file.size, mtimeMs: file.mtimeMs };
  }
  const unreadable = {
    size: file.size,
    mtimeMs: file.mtimeMs,
    id: "",
    turns: 0,
    scannedTo: 0,
  };
  try {
    const meta = await readSessionMeta(file.path);
    if (meta === undefined) return unreadable;
    return {
      ...unreadable,
      id: meta.id,
      cwd: meta.cwd,
      startedAt: meta.timestamp,
    };
  } catch {
    // Unreadable now (permissions, vanished): retried next time.
    return { ...unreadable, size: -1, mtimeMs: -1 };
  }
}

/** Counts the turns appended since the last scan; whether anything changed. */
async function scanAppended(path: string, entry: CacheEntry): Promise<boolean> {
  try {
    const scan = await scanRollout(path, entry.scannedTo);
    if (scan.scannedTo === entry.scannedTo) return false;
    entry.turns += scan.userMessages;
    entry.firstUserMessage ??= scan.firstUserMessage;
    entry.scannedTo = scan.scannedTo;
    return true;
  } catch {
    return false;
  }
}

function summarize(entry: CacheEntry, mtimeMs: number): SessionSummary {
  const { text, header } = splitOriginHeader(entry.firstUserMessage ?? "");
  const firstLine = text.trim().split("\n")[0] ?? "";
  return {
    sessionId: entry.id,
    cwd: entry.cwd,
    startedAt: entry.startedAt,
    lastActivityAt: new Date(mtimeMs).toISOString(),
    turns: entry.turns,
    preview: firstLine.length > PREVIEW_CHARS
      ? `${firstLine.slice(0, PREVIEW_CHARS - 1)}…`
      : firstLine,
    viaMcp: header !== undefined,
  };
}
