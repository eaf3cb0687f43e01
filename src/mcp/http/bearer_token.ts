/**
 * The HTTP server's bearer token: the environment's, else one made once and
 * kept in a file only the user can read, reused on later starts.
 *
 * @module
 */

import { timingSafeEqual } from "node:crypto";
import { type HttpOptions, MIN_TOKEN_LENGTH } from "./http_options.ts";

/** Where the token came from, for the start-up line (never the token). */
export interface BearerToken {
  token: string;
  /** `CODEX_PERSISTENT_MCP_TOKEN`, or the file that keeps it. */
  source: string;
}

/**
 * The token the server asks for: the environment's, or the one kept at
 * `tokenPath` (made there, mode 0600, when missing). A kept file others can
 * read, or one that is not a plain file, is refused.
 *
 * @example
 * ```ts ignore
 * const { source } = await bearerToken(options); // "/home/me/.config/codex-persistent-mcp/token"
 * ```
 */
export async function bearerToken(
  options: Pick<HttpOptions, "token" | "tokenPath">,
): Promise<BearerToken> {
  if (options.token !== undefined) {
    return { token: options.token, source: "CODEX_PERSISTENT_MCP_TOKEN" };
  }
  const fs = await import("node:fs/promises");
  const path = options.tokenPath;
  const made = base64Url(crypto.getRandomValues(new Uint8Array(32)));
  await fs.mkdir(path.slice(0, path.lastIndexOf("/")), {
    recursive: true,
    mode: 0o700,
  });
  // `wx`: never over a file (or a link) that is there already.
  await fs.writeFile(path, `${made}\n`, { mode: 0o600, flag: "wx" })
    .catch((error: NodeJS.ErrnoException) => {
      if (error.code !== "EEXIST") throw error;
    });
  const info = await fs.lstat(path);
  if (!info.isFile() || (info.mode & 0o077) !== 0) {
    throw new Error(
      `The token file ${path} is ${
        info.isFile() ? "readable by other users" : "not a plain file"
      }: make it a file only you can read (chmod 600 ${path}), or remove it and the server makes a new one.`,
    );
  }
  const token = (await fs.readFile(path, "utf8")).trim();
  if (token.length < MIN_TOKEN_LENGTH) {
    throw new Error(
      `The token file ${path} holds ${token.length} characters: put at least ${MIN_TOKEN_LENGTH} random ones in it, or remove it and the server makes a new one.`,
    );
  }
  return { token, source: path };
}

/**
 * Whether `given` is `token`, in time that does not depend on where they
 * differ (both are hashed to the same length first).
 *
 * @example
 * ```ts
 * import { sameToken } from "./bearer_token.ts";
 * await sameToken("a".repeat(40), "a".repeat(40)); // true
 * await sameToken("b", "a".repeat(40)); // false
 * ```
 */
export async function sameToken(
  given: string,
  token: string,
): Promise<boolean> {
  const digest = async (text: string): Promise<Uint8Array> =>
    new Uint8Array(
      await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)),
    );
  return timingSafeEqual(await digest(given), await digest(token));
}

function base64Url(bytes: Uint8Array): string {
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-")
    .replaceAll("/", "_").replace(/=+$/, "");
}
