/**
 * HTTP on Deno: `Deno.serve`, whose requests are web-standard already
 * (their `signal` aborts when the client goes away).
 *
 * @module
 */

import type { HttpListener, ListenHttp } from "./types.ts";

/**
 * Listens with `Deno.serve`.
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
    try {
      const server = Deno.serve({
        hostname: address.hostname,
        port: address.port,
        onListen: ({ port }) =>
          resolve({
            port,
            close: () => server.shutdown(),
          }),
      }, handler);
    } catch (error) {
      reject(error);
    }
  });
