/**
 * What a caller may ask of Codex, checked before Codex runs. The caller is
 * another AI: anything that widens what Codex may do is bounded by the
 * user's settings.
 *
 * @module
 */

import { SANDBOX_MODES, type SandboxMode } from "../codex/args.ts";
import { CodexError } from "../errors.ts";
import { openFile, pathInfo } from "../runtime/fs.ts";

/** Image types Codex takes, by file name ending. */
export const IMAGE_EXTENSIONS = [".png", ".jpg", ".jpeg", ".gif", ".webp"];
/** The largest image a call may attach. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;

/**
 * Refuses a sandbox above the user's ceiling
 * (`CODEX_PERSISTENT_MCP_MAX_SANDBOX`).
 *
 * @example
 * ```ts
 * import { checkSandbox } from "./call_checks.ts";
 * checkSandbox("read-only", "workspace-write"); // fine
 * // checkSandbox("danger-full-access", "workspace-write") throws not_allowed
 * ```
 */
export function checkSandbox(
  requested: SandboxMode | undefined,
  ceiling: SandboxMode,
  sessionId?: string,
): void {
  if (requested === undefined) return;
  if (SANDBOX_MODES.indexOf(requested) <= SANDBOX_MODES.indexOf(ceiling)) {
    return;
  }
  throw new CodexError(
    "not_allowed",
    `sandbox "${requested}" is above what this server allows ("${ceiling}", CODEX_PERSISTENT_MCP_MAX_SANDBOX).`,
    {
      sessionId,
      hint:
        `Ask for "${ceiling}" or less. Only the user can raise the ceiling, by setting CODEX_PERSISTENT_MCP_MAX_SANDBOX in the server's environment.`,
    },
  );
}

/**
 * Refuses images that are not absolute paths of readable png, jpeg, gif or
 * webp files of at most {@linkcode MAX_IMAGE_BYTES}, naming the file.
 *
 * @example
 * ```ts ignore
 * await checkImages(["/tmp/screenshot.png"]);
 * ```
 */
export async function checkImages(
  paths: readonly string[] | undefined,
  sessionId?: string,
): Promise<void> {
  for (const path of paths ?? []) {
    const problem = await imageProblem(path);
    if (problem === undefined) continue;
    throw new CodexError(
      "bad_input",
      `image ${JSON.stringify(path)} ${problem}.`,
      {
        sessionId,
        hint: `Pass absolute paths of existing ${
          IMAGE_EXTENSIONS.join(", ")
        } files of at most ${MAX_IMAGE_BYTES / 1024 / 1024} MiB.`,
      },
    );
  }
}

async function imageProblem(path: string): Promise<string | undefined> {
  if (!path.startsWith("/")) return "is not an absolute path";
  // codex exec splits --image values at commas.
  if (path.includes(",")) return "has a comma in its path";
  const lower = path.toLowerCase();
  if (!IMAGE_EXTENSIONS.some((extension) => lower.endsWith(extension))) {
    return "is not a png, jpeg, gif or webp file";
  }
  const info = await pathInfo(path);
  if (info === undefined) return "does not exist";
  if (info.isDirectory) return "is a directory";
  if (info.size === 0) return "is empty";
  if (info.size > MAX_IMAGE_BYTES) {
    return `is larger than ${MAX_IMAGE_BYTES} bytes`;
  }
  try {
    await (await openFile(path)).close();
  } catch {
    return "cannot be read";
  }
  return undefined;
}
