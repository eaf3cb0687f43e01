/**
 * The server serving HTTP (`--http`), as a process of its own, and clients
 * for it: the SDK 2.x client pinned to 2026-07-28 or in the 2025 era, and
 * the SDK 1.x client.
 */

import {
  Client,
  StreamableHTTPClientTransport,
} from "@modelcontextprotocol/client";
import { Client as Client1 } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport as Transport1 } from "@modelcontextprotocol/sdk/client/streamableHttp.js";
import { TextLineStream } from "../../src/text_line_stream.ts";
import { e2eTest, type Harness, type Target } from "./harness.ts";
import { DENO_SERVER_COMMAND } from "./mcp.ts";

/** A server process serving HTTP. */
export interface HttpServerUnderTest {
  /** `http://127.0.0.1:PORT/mcp`. */
  url: string;
  /** The token it asks for. */
  token: string;
  /** Where it keeps its token (unless the environment gives one). */
  tokenPath: string;
  process: Deno.ChildProcess;
  /** What it wrote to stderr so far. */
  stderr(): string;
  /** Sends `signal` and waits for the exit. */
  stop(signal?: Deno.Signal): Promise<Deno.CommandStatus>;
}

/**
 * Starts `command --http listen` with `env`; `configHome` holds its token
 * file (a fresh one unless given).
 */
export async function startHttpServer(
  env: Record<string, string>,
  options: {
    listen?: string;
    configHome?: string;
    command?: readonly string[];
  } = {},
): Promise<HttpServerUnderTest> {
  const configHome = options.configHome ??
    await Deno.makeTempDir({ prefix: "cpm-config-" });
  const [command, ...args] = options.command ?? DENO_SERVER_COMMAND;
  const child = new Deno.Command(command, {
    args: [...args, "--http", options.listen ?? "127.0.0.1:0"],
    env: { ...env, XDG_CONFIG_HOME: configHome },
    stdin: "null",
    stdout: "null",
    stderr: "piped",
  }).spawn();
  let stderr = "";
  const url = new Promise<string>((resolve, reject) => {
    (async () => {
      const lines = child.stderr.pipeThrough(new TextDecoderStream())
        .pipeThrough(new TextLineStream());
      for await (const line of lines) {
        stderr += `${line}\n`;
        const found = line.match(/serving MCP at (\S+);/);
        if (found) resolve(found[1]);
      }
      reject(new Error(`the server did not start: ${stderr}`));
    })().catch(reject);
  });
  const tokenPath = `${configHome}/codex-persistent-mcp/token`;
  const served = await url;
  const token = env.CODEX_PERSISTENT_MCP_TOKEN ??
    (await Deno.readTextFile(tokenPath)).trim();
  let status: Promise<Deno.CommandStatus> | undefined;
  return {
    url: served,
    token,
    tokenPath,
    process: child,
    stderr: () => stderr,
    stop(signal = "SIGTERM") {
      if (status === undefined) {
        try {
          child.kill(signal);
        } catch {
          // Exited already.
        }
        status = child.status;
      }
      return status;
    },
  };
}

/** An end-to-end test with an HTTP server on the harness's environment. */
export function httpTest(
  target: Target,
  name: string,
  body: (h: Harness, server: HttpServerUnderTest) => Promise<void>,
  env: Record<string, string> = {},
): void {
  e2eTest(
    target,
    name,
    (h) => withHttpServer(h.env, (server) => body(h, server)),
    env,
  );
}

/** Runs `body` with a server started on `env`, and stops it after. */
export async function withHttpServer(
  env: Record<string, string>,
  body: (server: HttpServerUnderTest) => Promise<void>,
): Promise<void> {
  const server = await startHttpServer(env);
  try {
    await body(server);
  } finally {
    await server.stop();
  }
}

/** A `fetch` of the server's endpoint with these headers and this body. */
export function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

/** The 2026-07-28 envelope; `tasks`: the client takes tasks. */
export function envelope(tasks = false): Record<string, unknown> {
  return {
    "io.modelcontextprotocol/protocolVersion": "2026-07-28",
    "io.modelcontextprotocol/clientInfo": { name: "http-raw", version: "1" },
    "io.modelcontextprotocol/clientCapabilities": tasks
      ? { extensions: { "io.modelcontextprotocol/tasks": {} } }
      : {},
  };
}

/**
 * A 2026-07-28 request by hand, with the token and the standard headers;
 * its result (the last message of a streamed answer).
 */
export async function modernRequest(
  server: Pick<HttpServerUnderTest, "url" | "token">,
  method: string,
  params: Record<string, unknown>,
  tasks = false,
): Promise<Record<string, unknown>> {
  const response = await post(server.url, {
    jsonrpc: "2.0",
    id: 1,
    method,
    params: { ...params, _meta: envelope(tasks) },
  }, {
    authorization: `Bearer ${server.token}`,
    "mcp-protocol-version": "2026-07-28",
    "mcp-method": method,
    // What the request names: a tool, or a task.
    ...[params.name, params.taskId].filter((name) => typeof name === "string")
      .map((name) => ({ "mcp-name": String(name) }))[0],
  });
  const text = await response.text();
  const messages = response.headers.get("content-type")?.includes(
      "text/event-stream",
    )
    ? text.split("\n").filter((line) => line.startsWith("data:"))
      .map((line) => JSON.parse(line.slice(5)))
    : [JSON.parse(text)];
  const answer = messages.findLast((message) => "id" in message);
  if (answer?.result === undefined) {
    throw new Error(`${method} failed: ${text}`);
  }
  return answer.result;
}

/**
 * A POST written by hand on a socket, so that any `Host` can be sent
 * (`fetch` sets its own); the status code of the answer.
 */
export async function rawPost(
  url: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<number> {
  const { hostname, port, pathname } = new URL(url);
  const connection = await Deno.connect({ hostname, port: Number(port) });
  const text = JSON.stringify(body);
  const head = Object.entries({
    "content-type": "application/json",
    accept: "application/json, text/event-stream",
    "content-length": String(new TextEncoder().encode(text).length),
    connection: "close",
    ...headers,
  }).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  await connection.write(
    new TextEncoder().encode(`POST ${pathname} HTTP/1.1\r\n${head}\r\n${text}`),
  );
  const reader = connection.readable.pipeThrough(new TextDecoderStream())
    .getReader();
  const { value = "" } = await reader.read();
  await reader.cancel().catch(() => {});
  return Number(value.match(/^HTTP\/1\.1 (\d{3})/)?.[1] ?? 0);
}

/**
 * The SDK 2.x client connected to `server`: pinned to 2026-07-28, or in
 * the 2025 era (`legacy`); with `answer`, it shows forms to a human who
 * answers so.
 */
export async function clientV2(
  server: Pick<HttpServerUnderTest, "url" | "token">,
  era: "2026-07-28" | "legacy" = "2026-07-28",
  answer?: (message: string) => "accept" | "decline",
): Promise<Client> {
  const client = new Client(
    { name: "http-test-v2", version: "1" },
    {
      ...(era === "legacy"
        ? {}
        : { versionNegotiation: { mode: { pin: "2026-07-28" } } }),
      ...(answer === undefined
        ? {}
        : { capabilities: { elicitation: { form: {} } } }),
    },
  );
  if (answer !== undefined) {
    // The human at the client's form.
    client.setRequestHandler(
      "elicitation/create",
      (request) =>
        answer(request.params.message) === "accept"
          ? { action: "accept", content: { approve: true } }
          : { action: "decline" },
    );
  }
  await client.connect(
    new StreamableHTTPClientTransport(new URL(server.url), {
      requestInit: { headers: { Authorization: `Bearer ${server.token}` } },
    }),
  );
  return client;
}

/** The SDK 1.x client connected to `server` (2025 era). */
export async function clientV1(
  server: Pick<HttpServerUnderTest, "url" | "token">,
): Promise<InstanceType<typeof Client1>> {
  const client = new Client1({ name: "http-test-v1", version: "1" });
  await client.connect(
    new Transport1(new URL(server.url), {
      requestInit: { headers: { Authorization: `Bearer ${server.token}` } },
    }),
  );
  return client;
}
