/**
 * Where a turn runs: the explicit `cwd`, else (on resume) the one recorded in
 * the session's rollout file. Checked before Codex runs, and bounded by the
 * user's roots (`workspace_roots.ts`): Codex gets the real path.
 *
 * @module
 */

import { findRolloutFile, readSessionMeta } from "../store/rollout_files.ts";
import { CodexError, unknownSession } from "../errors.ts";
import { pathInfo } from "../runtime/fs.ts";
import { requireSessionInRoots } from "../store/session_roots.ts";
import { boundedDirectory, type WorkspaceBounds } from "./workspace_roots.ts";

/** The directory a turn runs in, and the resumed session's rollout file. */
export interface SessionPlace {
  cwd: string;
  /** Set on resume: found once here, reused by the backends. */
  rolloutPath?: string;
}

/**
 * Resolves and checks the directory of a call. Fails with a
 * {@linkcode CodexError} for a missing directory, a relative path, or a
 * session the store does not hold.
 *
 * @example
 * ```ts ignore
 * const { cwd, rolloutPath } = await resolveSessionPlace(
 *   { roots: ["/home/me/src"], home: "/home/me", codexHome: "/home/me/.codex" },
 *   { sessionId: "01a20ad4-3b48-7682-848b-3b8e5878fb23" },
 * );
 * ```
 */
export async function resolveSessionPlace(
  bounds: WorkspaceBounds,
  call: { sessionId?: string; cwd?: string },
): Promise<SessionPlace> {
  const { sessionId, cwd } = call;
  const { codexHome } = bounds;
  if (sessionId === undefined) {
    if (cwd === undefined) {
      throw new CodexError(
        "bad_input",
        "cwd is required to start a new session.",
        {
          hint:
            "Pass cwd as the absolute path of the project root, or pass session_id to continue an existing session.",
        },
      );
    }
    return { cwd: await checkDirectory(cwd, bounds) };
  }
  const rolloutPath = await findRolloutFile(codexHome, sessionId);
  if (rolloutPath === undefined) {
    throw unknownSession(
      codexHome,
      sessionId,
      "Check the id (it is returned by every call), or omit session_id to start a new session. If the session was made with another Codex home, set CODEX_HOME for this server.",
    );
  }
  const recorded = (await readSessionMeta(rolloutPath))?.cwd;
  // Whatever cwd the call gives: a session recorded elsewhere is not this
  // server's to continue, or to hand its conversation to the caller.
  await requireSessionInRoots(recorded, bounds.roots, sessionId);
  if (cwd !== undefined) {
    return {
      cwd: await checkDirectory(cwd, bounds, { sessionId }),
      rolloutPath,
    };
  }
  if (recorded === undefined) {
    throw new CodexError(
      "bad_input",
      `Session ${sessionId} does not record its working directory (${rolloutPath}).`,
      { sessionId, hint: "Pass cwd explicitly." },
    );
  }
  return {
    cwd: await checkDirectory(recorded, bounds, {
      sessionId,
      recorded: true,
    }),
    rolloutPath,
  };
}

async function checkDirectory(
  path: string,
  bounds: WorkspaceBounds,
  { sessionId, recorded = false }: { sessionId?: string; recorded?: boolean } =
    {},
): Promise<string> {
  const fail = (problem: string): never => {
    throw new CodexError(
      "bad_input",
      `cwd ${JSON.stringify(path)} ${problem}.`,
      {
        sessionId,
        hint: recorded
          ? "The session's recorded directory is gone: pass cwd explicitly to continue it elsewhere."
          : "Pass the absolute path of an existing project directory.",
      },
    );
  };
  if (!path.startsWith("/")) fail("is not an absolute path");
  const info = await pathInfo(path);
  if (info === undefined) fail("does not exist");
  else if (!info.isDirectory) fail("is not a directory");
  return await boundedDirectory(path, bounds, sessionId);
}
