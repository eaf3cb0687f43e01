/**
 * What a caller may ask of Codex, checked before Codex runs. The caller is
 * another AI: anything that widens what Codex may do is bounded by the
 * user's settings.
 *
 * @module
 */

import type { BackendCapabilities } from "../codex/backend.ts";
import {
  namedSession,
  type SessionIntent,
  type TurnInput,
} from "../codex/session_intent.ts";
import { FORK_SINCE, versionAtLeast } from "../codex/version.ts";
import { CodexError } from "../errors.ts";
import { openFile, pathInfo } from "../runtime/fs.ts";

/** Image types Codex takes, by file name ending. */
export const IMAGE_EXTENSIONS = [".png", ".jpg", ".jpeg", ".gif", ".webp"];
/** The largest image a call may attach. */
export const MAX_IMAGE_BYTES = 20 * 1024 * 1024;
/** The longest prompt, in UTF-16 units (Codex refuses more than 1,048,576 characters with the header). */
export const MAX_PROMPT_CHARS = 1_000_000;
/** The largest `output_schema`, as JSON text. */
export const MAX_SCHEMA_CHARS = 256 * 1024;
/** The deepest `output_schema` (objects and arrays inside each other). */
export const MAX_SCHEMA_DEPTH = 64;

/** A lone UTF-16 surrogate: text that is not valid Unicode. */
const LONE_SURROGATE = /\p{Cs}/u;

/** The parts of a call the input checks read. */
export interface CheckedInput {
  prompt: string;
  cwd?: string;
  model?: string;
  images?: readonly string[];
  outputSchema?: Record<string, unknown>;
  review?: unknown;
  sessionId?: string;
}

/**
 * Refuses input that Codex would refuse late, or that could stall it:
 * prompts over {@linkcode MAX_PROMPT_CHARS}, output schemas over
 * {@linkcode MAX_SCHEMA_DEPTH} levels or {@linkcode MAX_SCHEMA_CHARS}, and
 * text that is not valid Unicode (a lone surrogate) anywhere. Synchronous
 * and iterative: it runs before the call is queued, on any depth.
 *
 * @example
 * ```ts
 * import { checkCallInput } from "./call_checks.ts";
 * checkCallInput({ prompt: "Hi" }); // fine
 * // checkCallInput({ prompt: "\ud800" }) throws bad_input
 * ```
 */
export function checkCallInput(input: CheckedInput): void {
  const fail = (message: string, hint: string): never => {
    throw new CodexError("bad_input", message, {
      sessionId: input.sessionId,
      hint,
    });
  };
  if (input.prompt.length > MAX_PROMPT_CHARS) {
    fail(
      `the prompt has ${input.prompt.length} characters, more than the ${MAX_PROMPT_CHARS} this server sends to Codex.`,
      "Send a shorter prompt: put large material in a file in the project and tell Codex where it is.",
    );
  }
  const fields: [string, unknown][] = [
    ["prompt", input.prompt],
    ["cwd", input.cwd],
    ["model", input.model],
    ["images", input.images],
    ["output_schema", input.outputSchema],
    ["the review target", input.review],
  ];
  for (const [field, value] of fields) {
    const { depth, illFormed } = inspectValue(value);
    if (illFormed) {
      fail(
        `${field} holds text that is not valid Unicode (a lone UTF-16 surrogate).`,
        "Send well-formed text: encode binary data (base64) or leave it out.",
      );
    }
    if (field === "output_schema" && depth > MAX_SCHEMA_DEPTH) {
      fail(
        `output_schema is nested ${depth} levels deep, more than ${MAX_SCHEMA_DEPTH}.`,
        "Send a flatter JSON Schema.",
      );
    }
  }
  const schemaChars = input.outputSchema === undefined
    ? 0
    : JSON.stringify(input.outputSchema).length;
  if (schemaChars > MAX_SCHEMA_CHARS) {
    fail(
      `output_schema has ${schemaChars} characters as JSON, more than ${MAX_SCHEMA_CHARS}.`,
      "Send a smaller JSON Schema.",
    );
  }
}

/**
 * How deep a JSON-like value nests and whether any string in it (keys
 * included) is not valid Unicode; without recursion, so any depth is safe.
 */
function inspectValue(value: unknown): { depth: number; illFormed: boolean } {
  let depth = 0;
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [item, level] = stack.pop()!;
    if (typeof item === "string") {
      if (LONE_SURROGATE.test(item)) return { depth, illFormed: true };
      continue;
    }
    if (item === null || typeof item !== "object") continue;
    depth = Math.max(depth, level + 1);
    if (depth > MAX_SCHEMA_DEPTH * 4) return { depth, illFormed: false };
    const entries = Array.isArray(item) ? item : Object.entries(item).flat();
    for (const child of entries) stack.push([child, level + 1]);
  }
  return { depth, illFormed: false };
}

/** The queue bounds of {@linkcode checkQueueRoom}. */
export interface QueueBounds {
  maxQueued: number;
  maxQueuedPerSession: number;
}

/**
 * Refuses a call past the queue bounds: `pending` are the sessions of the
 * turns accepted and not finished (undefined: a new session's).
 *
 * @example
 * ```ts
 * import { checkQueueRoom } from "./call_checks.ts";
 * checkQueueRoom(["a"], "a", { maxQueued: 64, maxQueuedPerSession: 2 }); // fine
 * // checkQueueRoom(["a", "a"], "a", …) throws busy
 * ```
 */
export function checkQueueRoom(
  pending: readonly (string | undefined)[],
  sessionId: string | undefined,
  { maxQueued, maxQueuedPerSession }: QueueBounds,
): void {
  const onSession = sessionId === undefined
    ? 0
    : pending.filter((id) => id === sessionId.toLowerCase()).length;
  const [count, limit, setting, where] = onSession >= maxQueuedPerSession
    ? [
      onSession,
      maxQueuedPerSession,
      "CODEX_PERSISTENT_MCP_MAX_QUEUED_PER_SESSION",
      `on session ${sessionId}`,
    ]
    : [
      pending.length,
      maxQueued,
      "CODEX_PERSISTENT_MCP_MAX_QUEUED",
      "in this server",
    ];
  if (count < limit) return;
  throw new CodexError(
    "busy",
    `${count} turns are already queued or running ${where}, the most this server accepts (${setting}=${limit}).`,
    {
      sessionId,
      hint:
        "Wait for them (codex_wait) or stop them (codex_cancel), then call again.",
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

/**
 * Refuses what the installed Codex or the chosen backend cannot do: a fork
 * before Codex {@linkcode FORK_SINCE}, a review inside a session on exec.
 *
 * @example
 * ```ts ignore
 * checkSupported(
 *   { session: { kind: "new" }, input: { kind: "prompt", text: "hi" } },
 *   { codexVersion: "0.169.0", reviewsInSession: true },
 * );
 * ```
 */
export function checkSupported(
  { session, input }: { session: SessionIntent; input: TurnInput },
  installed: BackendCapabilities,
): void {
  const sessionId = namedSession(session);
  if (session.kind === "fork") {
    const version = installed.codexVersion;
    if (!versionAtLeast(version, FORK_SINCE)) {
      throw new CodexError(
        "not_supported",
        `Forking a session needs Codex ${FORK_SINCE} or newer; this server runs Codex ${
          version ?? "of an unknown version"
        }.`,
        {
          sessionId: sessionId,
          hint:
            `Upgrade Codex (npm install -g @openai/codex) or point CODEX_BIN at ${FORK_SINCE} or newer; until then, start a new session.`,
        },
      );
    }
  }
  if (
    input.kind === "review" && session.kind === "resume" &&
    !installed.reviewsInSession
  ) {
    throw new CodexError(
      "not_supported",
      `A review inside session ${sessionId} needs the app-server backend: codex exec review always starts a new session.`,
      {
        sessionId: sessionId,
        hint:
          "Omit session_id to review in a new session, or run the server with CODEX_PERSISTENT_MCP_BACKEND=app-server.",
      },
    );
  }
}
