/**
 * A fake Anthropic Messages API on 127.0.0.1 for a real Claude Code: each
 * request is answered (as a stream) with the next step the test decides
 * from the request's last message — a tool call or a text.
 */

import { sse } from "./fake_model.ts";

/** What the model is shown: the last message's content, as JSON text. */
export interface ClaudeTurn {
  lastMessage: string;
  /** Every message of the request, as JSON text. */
  messages: string;
  /** The tools the request offers, by name. */
  tools: string[];
}

/** The model's next step. */
export type ClaudeStep =
  | { tool: string; input: Record<string, unknown> }
  | { say: string };

/** A running fake. */
export interface ClaudeModel {
  baseUrl: string;
  /** Every request's last message, oldest first. */
  seen: string[];
  close(): Promise<void>;
}

/** Starts the fake on a free loopback port. */
export function startClaudeModel(
  next: (turn: ClaudeTurn) => ClaudeStep,
): ClaudeModel {
  const seen: string[] = [];
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      if (!new URL(request.url).pathname.endsWith("/messages")) {
        return Response.json({});
      }
      const body = await request.json().catch(() => ({}));
      const lastMessage = JSON.stringify(body.messages?.at(-1)?.content ?? "");
      seen.push(lastMessage);
      const step = next({
        lastMessage,
        messages: JSON.stringify(body.messages ?? []),
        tools: (body.tools ?? []).map((tool: { name: string }) => tool.name),
      });
      const block = "tool" in step
        ? {
          start: {
            type: "tool_use",
            id: `toolu_${seen.length}`,
            name: step.tool,
            input: {},
          },
          delta: {
            type: "input_json_delta",
            partial_json: JSON.stringify(step.input),
          },
          stop: "tool_use",
        }
        : {
          start: { type: "text", text: "" },
          delta: { type: "text_delta", text: step.say },
          stop: "end_turn",
        };
      const events = [
        sse("message_start", {
          message: {
            id: `msg_${seen.length}`,
            type: "message",
            role: "assistant",
            model: body.model,
            content: [],
            stop_reason: null,
            usage: { input_tokens: 10, output_tokens: 1 },
          },
        }),
        sse("content_block_start", { index: 0, content_block: block.start }),
        sse("content_block_delta", { index: 0, delta: block.delta }),
        sse("content_block_stop", { index: 0 }),
        sse("message_delta", {
          delta: { stop_reason: block.stop },
          usage: { output_tokens: 5 },
        }),
        sse("message_stop", {}),
      ];
      return new Response(events.join(""), {
        headers: { "content-type": "text/event-stream" },
      });
    },
  );
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}`,
    seen,
    close: () => server.shutdown(),
  };
}
