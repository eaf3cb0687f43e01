/**
 * As an attacker on the wire: every method the server serves, in both
 * protocol eras, with hostile params (wrong types, unknown ids, missing
 * fields), oversized lines whose id is broken, and lines that are no
 * JSON-RPC at all. Judged by outcome: after each one the same server
 * process still answers `ping`, and a background turn started before them
 * all still finishes.
 */

import { assert, assertEquals } from "./support/assert.ts";
import {
  CODEX_VERSIONS,
  codexBin,
  makeCodexHome,
  makeProjectDir,
} from "./support/codex.ts";
import { startFakeModel } from "./support/fake_model.ts";
import { DENO_SERVER_COMMAND } from "./support/mcp.ts";
import { E2E } from "./support/harness.ts";
import { modernMeta } from "./support/wire_client.ts";
import { TextLineStream } from "../src/text_line_stream.ts";

/** A server process spoken to line by line. */
class RawServer {
  readonly #child: Deno.ChildProcess;
  readonly #writer: WritableStreamDefaultWriter<Uint8Array>;
  readonly #answers = new Map<
    string,
    (answer: Record<string, unknown>) => void
  >();
  readonly #done: Promise<void>;
  readonly stderr: Promise<string>;

  constructor(env: Record<string, string>) {
    const [command, ...args] = DENO_SERVER_COMMAND;
    const child = new Deno.Command(command, {
      args,
      env,
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    this.#child = child;
    this.#writer = child.stdin.getWriter();
    this.stderr = new Response(child.stderr).text();
    this.#done = (async () => {
      const lines = child.stdout.pipeThrough(new TextDecoderStream())
        .pipeThrough(new TextLineStream());
      for await (const line of lines) {
        let message: Record<string, unknown>;
        try {
          message = JSON.parse(line);
        } catch {
          continue;
        }
        if ("id" in message && !("method" in message)) {
          this.#answers.get(JSON.stringify(message.id))?.(message);
        }
      }
    })();
  }

  /** Writes one raw line (a newline is added). */
  async write(line: string | Uint8Array): Promise<void> {
    const bytes = typeof line === "string"
      ? new TextEncoder().encode(line)
      : line;
    await this.#writer.write(bytes);
    await this.#writer.write(new Uint8Array([10]));
  }

  /** Sends a request without waiting for its answer. */
  async send(
    id: string | number,
    method: string,
    params?: unknown,
  ): Promise<void> {
    await this.write(
      JSON.stringify({
        jsonrpc: "2.0",
        id,
        method,
        ...(params === undefined ? {} : { params }),
      }),
    );
  }

  /** Sends a request and waits for its answer (or `ms`). */
  async request(
    id: string | number,
    method: string,
    params?: unknown,
    ms = 30_000,
  ): Promise<Record<string, unknown> | undefined> {
    const key = JSON.stringify(id);
    const answer = new Promise<Record<string, unknown> | undefined>(
      (resolve) => {
        const timer = setTimeout(() => resolve(undefined), ms);
        this.#answers.set(key, (message) => {
          clearTimeout(timer);
          resolve(message);
        });
      },
    );
    await this.send(id, method, params);
    return await answer;
  }

  /** The server's resident memory, in MiB. */
  rssMiB(): number {
    const status = Deno.readTextFileSync(`/proc/${this.#child.pid}/status`);
    return Math.round(Number(status.match(/VmRSS:\s+(\d+)/)?.[1]) / 1024);
  }

  async exited(): Promise<Deno.CommandStatus | undefined> {
    const timer = new Promise<undefined>((resolve) =>
      setTimeout(resolve, 0, undefined)
    );
    return await Promise.race([this.#child.status, timer]);
  }

  async close(): Promise<void> {
    await this.#writer.close().catch(() => {});
    await this.#child.status;
    await this.#done.catch(() => {});
  }
}

const TOOLS = [
  "codex_chat",
  "codex_critique",
  "codex_review",
  "codex_fork",
  "codex_plan",
  "codex_ask",
  "codex_wait",
  "codex_cancel",
  "codex_sessions",
  "codex_session_read",
];

/** Hostile params for any method. */
const HOSTILE_PARAMS: unknown[] = [
  undefined,
  null,
  42,
  "text",
  [],
  [1, 2],
  {},
  { taskId: "no-such-task" },
  { taskId: 7 },
  { taskId: null, inputResponses: "x" },
  { taskId: { nested: true }, inputResponses: { a: { action: "accept" } } },
  { name: 7 },
  { name: "no_such_tool", arguments: {} },
  { cursor: { evil: true } },
  { _meta: "not an object" },
  { _meta: { progressToken: { x: 1 } } },
];

/** A server with a background turn running, spoken to raw. */
interface Hostile {
  server: RawServer;
  /** Fails the test unless the server still answers `ping`. */
  alive(after: string): Promise<void>;
  /** The background turn: its session and turn id. */
  started: { session_id: string; turn_id: string };
}

/** Runs `body` against a fresh server whose background turn sleeps `ms`. */
async function withHostileServer(
  sleepMs: number,
  body: (hostile: Hostile) => Promise<void>,
): Promise<void> {
  const version = CODEX_VERSIONS.at(-1)!;
  const fake = startFakeModel();
  const codexHome = await makeCodexHome(fake.baseUrl);
  const project = await makeProjectDir();
  const cacheDir = await Deno.makeTempDir({ prefix: "mcp-cache-" });
  const server = new RawServer({
    ...Deno.env.toObject(),
    CODEX_BIN: codexBin(version),
    CODEX_HOME: codexHome,
    CODEX_PERSISTENT_MCP_CACHE_DIR: cacheDir,
    CODEX_PERSISTENT_MCP_ROOTS: project,
  });
  let pings = 0;
  const alive = async (after: string): Promise<void> => {
    const pong = await server.request(`ping-${++pings}`, "ping");
    assert(
      pong !== undefined && "result" in pong,
      `no ping answer after ${after}; the server: ${
        JSON.stringify(await server.exited() ?? "running")
      }`,
    );
  };
  try {
    const init = await server.request(1, "initialize", {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "hostile", version: "1" },
    });
    assert(init && "result" in init, JSON.stringify(init));
    await server.write(
      JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }),
    );
    // A turn that runs while everything below is sent.
    const background = await server.request("bg", "tools/call", {
      name: "codex_chat",
      arguments: {
        cwd: project,
        prompt: `FAKE_SLEEP_MS=${sleepMs} still here`,
        background: true,
      },
    });
    const started = (background?.result as {
      structuredContent?: { turn_id?: string; session_id?: string };
    })?.structuredContent;
    assert(
      started?.turn_id,
      `no background turn: ${JSON.stringify(background)}`,
    );

    await body({ server, alive, started: started as Hostile["started"] });
  } finally {
    await server.close();
    await fake.close();
    for (
      const dir of [codexHome.replace(/\/\.codex$/, ""), project, cacheDir]
    ) {
      await Deno.remove(dir, { recursive: true }).catch(() => {});
    }
  }
}

Deno.test({
  name:
    "hostile params on every method, oversized lines with broken ids and garbage lines never end the server: ping still answers and a running turn finishes",
  ...E2E,
  fn: () =>
    withHostileServer(3_000, async ({ server, alive, started }) => {
      const methods = [
        "initialize",
        "ping",
        "tools/list",
        "tools/call",
        "server/discover",
        "tasks/get",
        "tasks/cancel",
        "tasks/update",
        "tasks/list",
        "resources/list",
        "prompts/list",
        "logging/setLevel",
        "completion/complete",
        "notifications/cancelled",
        "notifications/progress",
        "no/such/method",
      ];
      let id = 100;
      for (const method of methods) {
        for (const params of HOSTILE_PARAMS) {
          for (const era of ["2025", "2026"]) {
            const withMeta = era === "2026" &&
                typeof params === "object" && params !== null &&
                !Array.isArray(params)
              ? { ...params, _meta: modernMeta({ tasks: true }) }
              : params;
            await server.send(++id, method, withMeta);
          }
        }
        await alive(method);
      }
      for (const tool of TOOLS) {
        for (
          const args of [
            undefined,
            null,
            "x",
            [],
            { session_id: 5 },
            { session_id: "not-a-uuid", turn_id: ["x"] },
            { cwd: { $ne: 1 }, prompt: 3 },
            { cursor: "%%%", limit: -1 },
          ]
        ) {
          await server.request(++id, "tools/call", {
            name: tool,
            arguments: args,
          });
        }
        await alive(tool);
      }
      // Not JSON-RPC at all, and ids of every wrong kind.
      for (
        const line of [
          "not json",
          "{",
          "[]",
          "null",
          '{"jsonrpc":"2.0","id":{"a":1},"method":"ping"}',
          '{"jsonrpc":"2.0","id":null,"method":"tasks/update"}',
          '{"jsonrpc":"2.0","id":[1],"result":{}}',
          '{"jsonrpc":"2.0","id":99999,"result":{}}',
          '{"jsonrpc":"2.0","id":99998,"error":{"code":1,"message":"x"}}',
        ]
      ) {
        await server.write(line);
      }
      await alive("garbage lines");
      // Over the 16 MiB line cap, with an id the scraper finds but JSON
      // cannot read (a bad escape), and with one that JSON reads.
      const big = "x".repeat(17 * 1024 * 1024);
      for (const id of ['"\\q"', '"\\u12"', '"ok-id"', "1e999999"]) {
        await server.write(
          `{"jsonrpc":"2.0","id":${id},"method":"tools/call","params":{"name":"codex_chat","arguments":{"prompt":"${big}"}}}`,
        );
        await alive(`an oversized line with id ${id}`);
      }
      // The turn started first was not lost on the way.
      const waited = await server.request("wait", "tools/call", {
        name: "codex_wait",
        arguments: { session_id: started.session_id, turn_id: started.turn_id },
      }, 60_000);
      const content = (waited?.result as {
        structuredContent?: { status?: string; reply?: string };
      })?.structuredContent;
      assertEquals(content?.status, "completed", JSON.stringify(waited));
      assert(content?.reply?.includes("still here"), JSON.stringify(content));
    }),
});

Deno.test({
  name:
    "requests that wait are bounded: an over-long id and the request past the in-flight cap get an error at once, a cancelled wait frees its place, and a cancelled 2026-07-28 request is forgotten, and a flood of cancelled waits in both eras leaves the server answering within bounded memory",
  ...E2E,
  fn: () =>
    withHostileServer(120_000, async ({ server, alive, started }) => {
      const wait = (id: string, era: "2025" | "2026"): Promise<void> =>
        server.send(id, "tools/call", {
          name: "codex_wait",
          arguments: { session_id: started.session_id, wait_ms: 600_000 },
          ...(era === "2026" ? { _meta: modernMeta() } : {}),
        });
      const tooLong = await server.request("x".repeat(1_025), "ping");
      assertEquals(
        (tooLong?.error as { code?: number } | undefined)?.code,
        -32600,
        JSON.stringify(tooLong).slice(0, 300),
      );
      // Fill every place with waits that hold (the turn sleeps 2 minutes).
      for (let i = 0; i < 1_000; i++) {
        await wait(`w${i}`, i % 2 === 0 ? "2025" : "2026");
      }
      const refused = await server.request("one-too-many", "ping", undefined);
      assert(
        JSON.stringify(refused?.error ?? "").includes("wait for an answer"),
        JSON.stringify(refused),
      );
      // Cancelled, a wait gives its place back.
      for (let i = 0; i < 1_000; i++) {
        await server.write(JSON.stringify({
          jsonrpc: "2.0",
          method: "notifications/cancelled",
          params: { requestId: `w${i}`, reason: "gave up" },
        }));
      }
      await alive("cancelling 1,000 waits");
      // A cancelled 2026-07-28 request is forgotten: its id, used again by
      // a 2025-era request, gets a 2025-era answer.
      await wait("reused", "2026");
      await server.write(JSON.stringify({
        jsonrpc: "2.0",
        method: "notifications/cancelled",
        params: { requestId: "reused", reason: "gave up" },
      }));
      await alive("a cancelled 2026-07-28 wait");
      const reused = await server.request("reused", "tools/list", {});
      assert(reused?.result !== undefined, JSON.stringify(reused));
      assertEquals(
        "resultType" in (reused.result as Record<string, unknown>),
        false,
        "the cancelled request's era was still held",
      );
      // Ids at the cap, waited on and cancelled again and again: the
      // server's memory stays bounded (it would run out long before).
      for (let round = 0; round < 3_000; round++) {
        const id = `${round}-${"y".repeat(1_000)}`;
        await wait(id, round % 2 === 0 ? "2025" : "2026");
        await server.write(JSON.stringify({
          jsonrpc: "2.0",
          method: "notifications/cancelled",
          params: { requestId: id, reason: "gave up" },
        }));
      }
      await alive("3,000 cancelled waits");
      assert(
        server.rssMiB() < 400,
        `the server holds ${server.rssMiB()} MiB after cancelled waits`,
      );
    }),
});
