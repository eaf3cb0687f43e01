/**
 * Unit tests for serving HTTP: how `--http` and its settings are read, the
 * token comparison, and which 2025-era call a cancel stops.
 */

import { sameToken } from "../../src/mcp/http/bearer_token.ts";
import { LegacyHttpCalls } from "../../src/mcp/http/legacy_calls.ts";
import { httpOptions as readOptions } from "../../src/mcp/http/http_options.ts";
import { loadConfig } from "../../src/config.ts";
import { assert, assertEquals } from "../support/assert.ts";

const HOME = { HOME: "/home/me" };

/** The options as the command line reads them, with the config's directory. */
function httpOptions(listen: string, env: Record<string, string>) {
  return readOptions(listen, env, loadConfig(env, "/work").configDir);
}

Deno.test("--http takes a port, or a host and a port; the host defaults to loopback and only loopback names are served there", () => {
  const plain = httpOptions("8765", HOME);
  assertEquals(
    [plain.hostname, plain.port, plain.loopback, plain.allowedHosts],
    ["127.0.0.1", 8765, true, ["localhost", "127.0.0.1", "[::1]"]],
  );
  assertEquals(httpOptions("[::1]:9", HOME).hostname, "::1");
  assertEquals(httpOptions("localhost:0", HOME).port, 0);
  assertEquals(
    httpOptions("8765", HOME).tokenPath,
    "/home/me/.config/codex-persistent-mcp/token",
  );
  assertEquals(
    httpOptions("8765", { ...HOME, XDG_CONFIG_HOME: "/cfg" }).tokenPath,
    "/cfg/codex-persistent-mcp/token",
  );
  for (const bad of ["", "x", "host:", ":80", "1.2.3.4:99999", "80:80:80"]) {
    let message = "";
    try {
      httpOptions(bad, HOME);
    } catch (error) {
      message = (error as Error).message;
    }
    assert(message.includes("is not valid"), `${bad}: ${message}`);
  }
});

Deno.test("a bind beyond loopback needs the host names clients use; a short token and an unknown log level are refused", () => {
  const refuse = (listen: string, env: Record<string, string>): string => {
    try {
      httpOptions(listen, { ...HOME, ...env });
      return "accepted";
    } catch (error) {
      return (error as Error).message;
    }
  };
  assert(
    refuse("0.0.0.0:8765", {}).includes("CODEX_PERSISTENT_MCP_HTTP_HOSTS"),
  );
  const wide = httpOptions("0.0.0.0:8765", {
    ...HOME,
    CODEX_PERSISTENT_MCP_HTTP_HOSTS: " Box.lan ,box",
  });
  assertEquals([wide.loopback, wide.allowedHosts], [false, ["box.lan", "box"]]);
  assert(
    refuse("8765", { CODEX_PERSISTENT_MCP_TOKEN: "short" }).includes(
      "at least 32",
    ),
  );
  assertEquals(
    httpOptions("8765", { ...HOME, CODEX_PERSISTENT_MCP_TOKEN: "t".repeat(32) })
      .token,
    "t".repeat(32),
  );
  assert(
    refuse("8765", { CODEX_PERSISTENT_MCP_LOG: "loud" }).includes(
      "CODEX_PERSISTENT_MCP_LOG",
    ),
  );
  assert(
    httpOptions("8765", { ...HOME, CODEX_PERSISTENT_MCP_LOG: "debug" })
      .logRequests,
  );
});

Deno.test("a token matches only itself, whatever its length", async () => {
  const token = "k".repeat(43);
  assert(await sameToken(token, token));
  for (
    const other of ["", "k", token.slice(0, -1), `${token}k`, "K".repeat(43)]
  ) {
    assert(!await sameToken(other, token), other);
  }
});

Deno.test("a 2025-era cancel over HTTP stops the one call with its id, none when two clients use the same id, and nothing once the call is done", () => {
  const calls = new LegacyHttpCalls();
  const one = calls.track(1, new AbortController().signal);
  const twinA = calls.track(2, new AbortController().signal);
  const twinB = calls.track(2, new AbortController().signal);
  calls.cancel(2, "whose?");
  calls.cancel(1, "stop");
  assertEquals(
    [one.signal.aborted, twinA.signal.aborted, twinB.signal.aborted],
    [true, false, false],
  );
  twinA.done();
  calls.cancel(2, "now it is one");
  assert(twinB.signal.aborted);
  const request = new AbortController();
  const closed = calls.track(3, request.signal);
  request.abort("the client went away");
  assert(closed.signal.aborted);
  const finished = calls.track(4, new AbortController().signal);
  finished.done();
  calls.cancel(4, "too late");
  assert(!finished.signal.aborted);
});
