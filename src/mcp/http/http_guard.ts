/**
 * What every HTTP request passes before the MCP handler sees it, in this
 * order: a `Host` this server answers to (DNS rebinding), no foreign
 * browser `Origin`, the `/mcp` path, the bearer token (`401` with
 * `WWW-Authenticate: Bearer`), and room among the requests in flight. The
 * checks are the SDK's; the token is compared in constant time.
 *
 * @module
 */

import {
  type AuthInfo,
  hostHeaderValidationResponse,
  OAuthError,
  OAuthErrorCode,
  originValidationResponse,
  requireBearerAuth,
} from "@modelcontextprotocol/server";
import { sameToken } from "./bearer_token.ts";

/** The path MCP is served at. */
export const MCP_PATH = "/mcp";

/** What the guard lets through, and to what. */
export interface GuardOptions {
  /** The token every request must carry. */
  token: string;
  /** `Host` and browser `Origin` names served (no ports). */
  allowedHosts: string[];
  /** Requests answered at once, at most (more get `503`). */
  maxInFlight: number;
}

/** Answers one request that passed the guard. */
export type GuardedHandler = (
  request: Request,
  authInfo: AuthInfo,
) => Promise<Response>;

function jsonError(status: number, message: string): Response {
  return Response.json({
    jsonrpc: "2.0",
    error: { code: -32000, message },
    id: null,
  }, { status });
}

/**
 * The guard in front of `serve`.
 *
 * @example
 * ```ts ignore
 * const fetch = httpGuard({ token, allowedHosts: ["localhost"], maxInFlight: 1000 },
 *   (request, authInfo) => handler.fetch(request, { authInfo }));
 * ```
 */
export function httpGuard(
  options: GuardOptions,
  serve: GuardedHandler,
): (request: Request) => Promise<Response> {
  const authorize = requireBearerAuth({
    verifier: {
      async verifyAccessToken(given) {
        if (!await sameToken(given, options.token)) {
          throw new OAuthError(
            OAuthErrorCode.InvalidToken,
            "This is not the server's bearer token: use the one in its token file or CODEX_PERSISTENT_MCP_TOKEN.",
          );
        }
        // The token does not expire; the SDK asks for a time all the same.
        const expiresAt = Math.floor(Date.now() / 1000) + 3600;
        return { token: given, clientId: "bearer", scopes: [], expiresAt };
      },
    },
  });
  let inFlight = 0;
  return async (request) => {
    const refused =
      hostHeaderValidationResponse(request, options.allowedHosts) ??
        originValidationResponse(request, options.allowedHosts);
    if (refused !== undefined) return refused;
    if (new URL(request.url).pathname !== MCP_PATH) {
      return jsonError(404, `MCP is served at ${MCP_PATH}.`);
    }
    const authorized = await authorize(request);
    if (authorized instanceof Response) return authorized;
    if (inFlight >= options.maxInFlight) {
      return jsonError(
        503,
        `${options.maxInFlight} requests are being answered already: wait for some, then send this again.`,
      );
    }
    inFlight++;
    let counted = true;
    const release = (): void => {
      if (counted) inFlight--;
      counted = false;
    };
    try {
      const response = await serve(request, authorized);
      if (response.body === null) {
        release();
        return response;
      }
      // A streamed answer (progress, then the result) is in flight until
      // its stream ends.
      const body = response.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          flush: release,
          cancel: release,
        }),
      );
      return new Response(body, response);
    } catch (error) {
      release();
      throw error;
    }
  };
}
