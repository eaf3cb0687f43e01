/**
 * Codex runs git in a turn's repository outside its sandbox: 0.169.0 and
 * newer run `git status` before every turn and `git diff` for a review
 * (with hooks and `core.fsmonitor` turned off; 0.77.0's own snapshots are
 * turned off by `features.undo`). A repository's local config can still
 * make those run a command: a filter (`.gitattributes` picks it), a diff
 * textconv or an external diff. A workspace-write turn can write that
 * config (in a repository it makes below its cwd), so a turn is refused
 * before Codex runs in a repository whose local config names one; the
 * error says which, and where.
 *
 * @module
 */

import { CodexError } from "../errors.ts";
import { startProcess } from "../runtime/process_tree.ts";

/** Keys of a repository's git config whose command `status` or `diff` runs. */
const COMMAND_KEYS = [
  /^filter\..+\.(clean|smudge|process)$/,
  /^diff\.(.+\.)?(textconv|command|external)$/,
];

/**
 * The repository-local config entries (includes followed) that name a
 * command `git status` or `git diff` would run, as `key=value`. Empty
 * outside a repository, or where git cannot be run.
 *
 * @example
 * ```ts ignore
 * await repositoryCommands("/repo"); // ["filter.x.clean=touch /tmp/x"]
 * ```
 */
export async function repositoryCommands(cwd: string): Promise<string[]> {
  const config = await gitOutput(cwd, [
    "config",
    "--local",
    "--includes",
    "--null",
    "--list",
  ]);
  return (config ?? "").split("\0").filter(Boolean).filter((entry) => {
    const key = entry.split("\n", 1)[0].toLowerCase();
    return COMMAND_KEYS.some((pattern) => pattern.test(key));
  }).map((entry) => entry.replace("\n", "="));
}

/**
 * Refuses a turn in a repository whose local config names a command that
 * Codex's own git would run outside its sandbox.
 */
export async function checkRepository(
  cwd: string,
  sessionId: string | undefined,
): Promise<void> {
  const commands = await repositoryCommands(cwd);
  if (commands.length === 0) return;
  throw new CodexError(
    "not_allowed",
    `The git repository of ${cwd} names commands in its own config (${
      commands.slice(0, 3).map((entry) => JSON.stringify(entry)).join(", ")
    }${
      commands.length > 3 ? ` and ${commands.length - 3} more` : ""
    }), and Codex runs git there outside its sandbox.`,
    {
      sessionId,
      hint:
        "Work in a directory outside that repository, or (the user) move those settings from the repository's .git/config to the global git config, where a sandboxed command cannot write.",
    },
  );
}

/** git's stdout in `cwd`, or undefined when it fails or cannot run. */
async function gitOutput(
  cwd: string,
  args: string[],
): Promise<string | undefined> {
  try {
    const child = startProcess("git", ["-C", cwd, ...args]);
    await child.stdin.close().catch(() => {});
    child.stderr.pipeTo(new WritableStream()).catch(() => {});
    const output = await new Response(child.stdout).text();
    const { code } = await child.exited;
    return code === 0 ? output : undefined;
  } catch {
    return undefined;
  }
}
