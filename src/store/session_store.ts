/**
 * Codex's session store as this server may show it: the sessions under
 * `CODEX_HOME/sessions` whose directory lies inside the user's roots. The
 * one thing the tools ask for listings, conversations and last replies; it
 * never writes to Codex's files.
 *
 * @module
 */

import { type Activity, relativeTo } from "../activity.ts";
import { unknownSession } from "../errors.ts";
import { pathInfo } from "../runtime/fs.ts";
import {
  insideRoots,
  realRoots,
  requireSessionInRoots,
} from "./session_roots.ts";
import {
  type ConversationPage,
  findRolloutFile,
  readConversationPage,
  readSessionMeta,
} from "./rollout_files.ts";
import {
  type ListOptions,
  SessionIndex,
  type SessionListing,
} from "./session_index.ts";

/** One stored session, opened for reading. */
export interface StoredSession {
  /** The session's id, in lower case. */
  sessionId: string;
  /** Its rollout file. */
  path: string;
  /** The file's size when opened: reads stop there. */
  size: number;
  /** Where it works, as recorded. */
  cwd?: string;
}

/** What {@linkcode SessionStore} is built with besides Codex's home. */
export interface SessionStoreOptions {
  /** Only sessions working inside these directories are shown. */
  roots: readonly string[];
  /** Where the listing's cache lives (none: no cache). */
  cachePath?: string;
}

/**
 * The sessions of one Codex home inside the roots.
 *
 * @example
 * ```ts ignore
 * const store = new SessionStore("/home/me/.codex", { roots: ["/home/me/src"] });
 * const session = await store.open("01a20ad4-3b48-7682-848b-3b8e5878fb23");
 * await store.lastReply(session); // "Done: …"
 * ```
 */
export class SessionStore {
  /** The Codex home it reads. */
  readonly codexHome: string;
  readonly #roots: readonly string[];
  readonly #index: SessionIndex;

  /** Creates the store; nothing is read until asked. */
  constructor(codexHome: string, options: SessionStoreOptions) {
    this.codexHome = codexHome;
    this.#roots = options.roots;
    this.#index = new SessionIndex(codexHome, options.cachePath);
  }

  /** One page of the sessions inside the roots, newest activity first. */
  async list(options: Omit<ListOptions, "within">): Promise<SessionListing> {
    const roots = await realRoots(this.#roots);
    return await this.#index.list({
      ...options,
      within: (cwd) => insideRoots(cwd, roots),
    });
  }

  /**
   * Opens a session for reading. An id the store does not hold is an
   * `unknown_session` error with `hint`; a session outside the roots is
   * `not_allowed`.
   */
  async open(sessionId: string, hint: string): Promise<StoredSession> {
    const path = await findRolloutFile(this.codexHome, sessionId);
    const info = path === undefined ? undefined : await pathInfo(path);
    if (path === undefined || info === undefined) {
      throw unknownSession(this.codexHome, sessionId, hint);
    }
    const cwd = (await readSessionMeta(path))?.cwd;
    await requireSessionInRoots(cwd, this.#roots, sessionId);
    return { sessionId, path, size: info.size, cwd };
  }

  /**
   * A page of the conversation: `turns` turns ending before byte `before`;
   * paths a turn changed inside the session's directory are relative.
   */
  async readPage(
    session: StoredSession,
    page: { turns: number; before?: number },
  ): Promise<ConversationPage> {
    const read = await readConversationPage(session.path, {
      ...page,
      size: session.size,
    });
    const { cwd } = session;
    if (cwd === undefined) return read;
    return {
      ...read,
      messages: read.messages.map((message) =>
        message.activity === undefined
          ? message
          : { ...message, activity: relativeTo(message.activity, cwd) }
      ),
    };
  }

  /**
   * The session's last turn: Codex's reply (`undefined`: none yet) and what
   * it did.
   */
  async lastTurn(
    session: StoredSession,
  ): Promise<{ reply?: string; activity?: Activity }> {
    const { messages } = await this.readPage(session, { turns: 1 });
    const activity = messages.find((message) => message.role === "user")
      ?.activity;
    return {
      reply: messages.findLast((message) => message.role === "agent")?.text,
      activity,
    };
  }
}
