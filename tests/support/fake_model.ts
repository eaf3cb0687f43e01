/**
 * A fake OpenAI Responses API on 127.0.0.1 for the real Codex CLI. It answers
 * `POST /v1/responses` with a server-sent event stream and records every
 * request. Directives in the last user message steer it:
 *
 * - `FAKE_SLEEP_MS=N`   wait N ms before answering (the stream stays open)
 * - `FAKE_HTTP=N`       answer with HTTP status N and an error body
 * - `FAKE_FAIL`         send `response.failed`
 * - `FAKE_HANG`         never send headers (Codex waits forever)
 * - `FAKE_REPLY_BYTES=N` reply with N bytes of text
 * - `FAKE_STREAM_MS=N`  stream the reply as five deltas N ms apart
 * - `FAKE_SHELL=CMD`    ask Codex to run CMD (`_` for spaces; default
 *   `echo fake-shell`) with the shell tool
 *   the request offers (0.77.0: `shell`, 0.169.0: `exec_command`); the next
 *   request, carrying the command's output, gets `ECHO shell output: …`
 * - `FAKE_SCRIPT=B64`   the same for any command, given as base64 (lines,
 *   underscores and all: an `apply_patch <<'EOF'` script, say)
 * - `FAKE_ESCALATE`     with `FAKE_SHELL`: ask to run it outside the
 *   sandbox (Codex then asks for approval when its policy lets it)
 *
 * A request with an output schema (`text.format`) gets the reply as JSON,
 * `{"echo": "ECHO …"}`, unless the prompt says `FAKE_NOT_JSON`.
 *
 * A request in Codex's review mode (its instructions start with
 * `# Review guidelines:`) gets a JSON review with one finding on `app.ts`
 * lines 1-2 of the working directory.
 *
 * Otherwise it replies `ECHO turns=<user turns> model=<m> effort=<e>: <first line>`.
 */

/** What the fake saw in one request. */
export interface RecordedRequest {
  model: string;
  effort?: string;
  /** The request's Authorization header (the provider's `env_key`). */
  authorization?: string;
  /** The user's messages (Codex's own context messages left out). */
  userMessages: string[];
  /** The request's `instructions` (Codex's base instructions). */
  instructions: string;
  /** Images sent with the user's messages (`input_image` parts). */
  images: string[];
  /** `text.format` of the request (an output schema), if any. */
  textFormat?: unknown;
  /** Every developer message (Codex's own and the thread's instructions). */
  developerMessages: string[];
  startedAt: number;
  endedAt?: number;
  /** Codex closed the connection before the response was complete. */
  dropped?: boolean;
  /** The request's tools (name and parameters). */
  tools: { name?: string; parameters?: unknown }[];
}

/** A running fake model. */
export interface FakeModel {
  /** `base_url` for Codex's provider config. */
  baseUrl: string;
  requests: RecordedRequest[];
  /** The last user message of the last request (what Codex sent last). */
  lastPrompt(): string;
  close(): Promise<void>;
}

interface InputItem {
  type?: string;
  role?: string;
  content?: { type?: string; text?: string; image_url?: string }[];
  /** A `function_call_output` item's output (a string, or `{content}`). */
  output?: unknown;
}

/** Waits `ms`, or less when `signal` aborts (Codex went away). */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** The token usage of every response. */
export const USAGE = {
  input_tokens: 11,
  input_tokens_details: null,
  output_tokens: 7,
  output_tokens_details: null,
  total_tokens: 18,
};

/** The command FAKE_SHELL has Codex run. */
export const FAKE_SHELL_COMMAND = "echo fake-shell";

/** A `function_call` item for the shell tool this request offers. */
function shellCall(
  tools: { name?: string }[],
  callId: string,
  command: string,
  escalate: boolean,
): unknown {
  const names = tools.map((tool) => tool.name);
  const justification = "the fake model needs to write outside the sandbox";
  // Both versions' shell tools take the same escalation fields.
  const escalation = escalate
    ? { sandbox_permissions: "require_escalated", justification }
    : {};
  const [name, args] = names.includes("exec_command")
    ? ["exec_command", { cmd: command, login: false, ...escalation }]
    : ["shell", { command: ["bash", "-c", command], ...escalation }];
  return {
    type: "function_call",
    id: `fc_${callId}`,
    call_id: callId,
    name,
    arguments: JSON.stringify(args),
  };
}

/** The review JSON Codex's review mode expects, about `app.ts` in the cwd. */
function fakeReview(input: InputItem[]): string {
  const context = messagesOf(input, "user").join("\n");
  const cwd = context.match(/<cwd>([^<]*)<\/cwd>/)?.[1] ?? "/";
  return JSON.stringify({
    findings: [{
      title: "[P1] Fake finding in app.ts",
      body: "The fake reviewer flags the first lines.",
      confidence_score: 0.9,
      priority: 1,
      code_location: {
        absolute_file_path: `${cwd}/app.ts`,
        line_range: { start: 1, end: 2 },
      },
    }],
    overall_correctness: "patch is incorrect",
    overall_explanation: "The fake reviewer always finds one problem.",
    overall_confidence_score: 0.8,
  });
}

function outputText(output: unknown): string {
  if (typeof output === "string") return output;
  const content = (output as { content?: unknown })?.content;
  return typeof content === "string" ? content : JSON.stringify(output);
}

function messagesOf(input: InputItem[], role: string): string[] {
  return input
    .filter((item) => item.role === role)
    .map((item) =>
      (item.content ?? [])
        // Codex 0.169.0 wraps an image in `<image …>` text parts.
        .filter((part) => !/^<\/?image\b/.test(part.text ?? ""))
        .map((part) => part.text ?? "").join("")
    );
}

function userMessages(input: InputItem[]): string[] {
  return messagesOf(input, "user")
    // Codex's own context (environment, AGENTS.md) is sent as user messages too.
    .filter((text) => !text.startsWith("<") && !text.startsWith("# AGENTS.md"));
}

function directive(text: string, name: string): string | undefined {
  const match = text.match(new RegExp(`${name}(?:=(\\S+))?`));
  if (!match) return undefined;
  return match[1] ?? "";
}

/** One server-sent event of the Responses API. */
export function sse(type: string, data: unknown): string {
  return `event: ${type}\ndata: ${
    JSON.stringify({ type, ...data as object })
  }\n\n`;
}

/** Starts the fake on a free loopback port. */
export function startFakeModel(): FakeModel {
  const requests: RecordedRequest[] = [];
  const hanging = new Set<() => void>();
  let counter = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const url = new URL(request.url);
      if (request.method !== "POST" || !url.pathname.endsWith("/responses")) {
        return new Response("not found", { status: 404 });
      }
      const body = await request.json();
      const users = userMessages(body.input ?? []);
      const record: RecordedRequest = {
        model: body.model,
        effort: body.reasoning?.effort,
        authorization: request.headers.get("authorization") ?? undefined,
        userMessages: users,
        developerMessages: messagesOf(body.input ?? [], "developer"),
        instructions: String(body.instructions ?? ""),
        images: (body.input ?? []).flatMap((item: InputItem) =>
          (item.content ?? []).filter((part) => part.type === "input_image")
            .map((part) => String(part.image_url ?? ""))
        ),
        textFormat: body.text?.format,
        startedAt: Date.now(),
        tools: body.tools ?? [],
      };
      requests.push(record);
      const last = users.at(-1) ?? "";
      const id = `resp_${++counter}`;

      if (directive(last, "FAKE_HANG") !== undefined) {
        // Released only when the fake closes.
        await new Promise<void>((resolve) => hanging.add(resolve));
        return new Response("gone", { status: 500 });
      }
      const status = directive(last, "FAKE_HTTP");
      if (status !== undefined) {
        record.endedAt = Date.now();
        return Response.json(
          { error: { message: `fake error ${status}`, type: "server_error" } },
          { status: Number(status) },
        );
      }
      const input: InputItem[] = body.input ?? [];
      const lastItem = input.at(-1);
      const shellOutput = lastItem?.type === "function_call_output"
        ? outputText(lastItem.output)
        : undefined;
      const shell = directive(last, "FAKE_SHELL");
      const script = directive(last, "FAKE_SCRIPT");
      const wantsShell = shellOutput === undefined &&
        (shell !== undefined || script !== undefined);
      const reviewing = [record.instructions, ...record.developerMessages]
        .some((text) => text.includes("# Review guidelines"));
      const sleepMs = Number(directive(last, "FAKE_SLEEP_MS") ?? 0);
      const replyBytes = directive(last, "FAKE_REPLY_BYTES");
      const text = reviewing
        ? fakeReview(input)
        : shellOutput !== undefined
        ? `ECHO shell output: ${shellOutput.trim().slice(0, 200)}`
        : replyBytes !== undefined
        ? "x".repeat(Number(replyBytes))
        : `ECHO turns=${users.length} model=${body.model} effort=${
          body.reasoning?.effort ?? "default"
        }: ${last.split("\n")[0]}`;
      const failed = directive(last, "FAKE_FAIL") !== undefined;
      const reply = record.textFormat !== undefined && !reviewing &&
          directive(last, "FAKE_NOT_JSON") === undefined
        ? JSON.stringify({ echo: text })
        : text;
      const streamMs = directive(last, "FAKE_STREAM_MS");

      const encoder = new TextEncoder();
      // Aborted when Codex closes the connection before the response ends.
      const gone = new AbortController();
      const stream = new ReadableStream<Uint8Array>({
        cancel() {
          record.dropped = true;
          record.endedAt ??= Date.now();
          gone.abort();
        },
        async start(controller) {
          const send = (type: string, data: unknown): void =>
            controller.enqueue(encoder.encode(sse(type, data)));
          try {
            send("response.created", { response: { id } });
            if (sleepMs > 0) await sleep(sleepMs, gone.signal);
            if (wantsShell) {
              send("response.output_item.done", {
                item: shellCall(
                  body.tools ?? [],
                  `call_${counter}`,
                  script
                    ? new TextDecoder().decode(
                      Uint8Array.from(atob(script), (c) => c.charCodeAt(0)),
                    )
                    : shell
                    ? shell.replaceAll("_", " ")
                    : FAKE_SHELL_COMMAND,
                  directive(last, "FAKE_ESCALATE") !== undefined,
                ),
              });
              send("response.completed", { response: { id, usage: USAGE } });
            } else if (failed) {
              send("response.failed", {
                response: {
                  id,
                  error: {
                    code: "server_error",
                    message: "fake response.failed message",
                  },
                },
              });
            } else {
              if (streamMs !== undefined) {
                const item = `msg_${counter}`;
                send("response.output_item.added", {
                  output_index: 0,
                  item: {
                    type: "message",
                    role: "assistant",
                    id: item,
                    content: [],
                  },
                });
                const size = Math.ceil(reply.length / 5);
                for (let at = 0; at < reply.length; at += size) {
                  await new Promise((r) => setTimeout(r, Number(streamMs)));
                  send("response.output_text.delta", {
                    item_id: item,
                    output_index: 0,
                    content_index: 0,
                    delta: reply.slice(at, at + size),
                  });
                }
              }
              send("response.output_item.done", {
                item: {
                  type: "message",
                  role: "assistant",
                  id: `msg_${counter}`,
                  content: [{ type: "output_text", text: reply }],
                },
              });
              send("response.completed", { response: { id, usage: USAGE } });
            }
            controller.close();
          } catch {
            // Codex went away mid-stream.
          } finally {
            record.endedAt = Date.now();
          }
        },
      });
      return new Response(stream, {
        headers: { "content-type": "text/event-stream" },
      });
    },
  );
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}/v1`,
    requests,
    lastPrompt: () => requests.at(-1)?.userMessages.at(-1) ?? "",
    async close() {
      for (const release of hanging) release();
      await server.shutdown();
    },
  };
}
