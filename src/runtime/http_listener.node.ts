/**
 * HTTP on Node: `node:http`, each request turned into a web-standard one
 * (its `signal` aborting when the client goes away) and each response
 * streamed back as it comes (progress on an SSE stream).
 *
 * @module
 */

import { createServer, type IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import type { HttpListener, ListenHttp } from "./types.ts";

/** A web-standard request for `incoming`, aborted with `signal`. */
function toRequest(
  incoming: IncomingMessage,
  signal: AbortSignal,
  origin: string,
): Request {
  const headers = new Headers();
  for (const [name, value] of Object.entries(incoming.headers)) {
    if (value === undefined) continue;
    for (const one of Array.isArray(value) ? value : [value]) {
      headers.append(name, one);
    }
  }
  const method = incoming.method ?? "GET";
  const hasBody = method !== "GET" && method !== "HEAD";
  return new Request(new URL(incoming.url ?? "/", origin), {
    method,
    headers,
    signal,
    ...(hasBody
      ? {
        body: Readable.toWeb(incoming) as ReadableStream<Uint8Array>,
        duplex: "half",
      }
      : {}),
  } as RequestInit);
}

/**
 * Listens with `node:http`.
 *
 * @example
 * ```ts ignore
 * const listener = await listenHttp({ hostname: "127.0.0.1", port: 0 }, (request) =>
 *   Promise.resolve(new Response("hi")));
 * await listener.close();
 * ```
 */
export const listenHttp: ListenHttp = (address, handler) =>
  new Promise<HttpListener>((resolve, reject) => {
    const server = createServer((incoming, outgoing) => {
      const gone = new AbortController();
      outgoing.on("close", () => gone.abort());
      // The URL's own host is fixed: the client's Host header is checked
      // by the handler, and a hostile one must not fail the parse here.
      handler(toRequest(incoming, gone.signal, "http://localhost")).then(
        async (response) => {
          outgoing.writeHead(
            response.status,
            Object.fromEntries(response.headers),
          );
          if (response.body === null) return outgoing.end();
          for await (const chunk of response.body) {
            if (gone.signal.aborted) break;
            outgoing.write(chunk);
          }
          outgoing.end();
        },
      ).catch(() => {
        if (!outgoing.headersSent) outgoing.writeHead(500);
        outgoing.end();
      });
    });
    server.once("error", reject);
    server.listen(address.port, address.hostname, () => {
      const bound = server.address();
      resolve({
        port: typeof bound === "object" && bound !== null
          ? bound.port
          : address.port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
