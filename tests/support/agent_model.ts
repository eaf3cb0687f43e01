/**
 * A fake model for a Codex that is itself the MCP client: it answers each
 * request with the next step an agent would take (a tool call or a final
 * message), decided by the test from the conversation so far.
 */

import { sse, USAGE } from "./fake_model.ts";

/** What the agent sees: the output of its last tool call, if any. */
export interface AgentTurn {
  /** The text Codex passed back for the last tool call (absent at first). */
  lastToolOutput?: string;
}

/** The agent's next step. */
export type AgentStep =
  | { call: string; namespace: string; arguments: Record<string, unknown> }
  | { say: string };

/** A running agent model. */
export interface AgentModel {
  baseUrl: string;
  /** Every tool output the agent was given, in order. */
  toolOutputs: string[];
  close(): Promise<void>;
}

function outputText(output: unknown): string {
  if (typeof output === "string") return output;
  if (Array.isArray(output)) {
    return output.map((part) => String(part?.text ?? "")).join("\n");
  }
  return JSON.stringify(output);
}

/** Starts the agent model on a free loopback port. */
export function startAgentModel(
  next: (turn: AgentTurn) => AgentStep,
): AgentModel {
  const toolOutputs: string[] = [];
  let calls = 0;
  const server = Deno.serve(
    { hostname: "127.0.0.1", port: 0, onListen() {} },
    async (request) => {
      const body = await request.json();
      const last = (body.input ?? []).at(-1);
      const lastToolOutput = last?.type === "function_call_output"
        ? outputText(last.output)
        : undefined;
      if (lastToolOutput !== undefined) toolOutputs.push(lastToolOutput);
      const step = next({ lastToolOutput });
      const id = `call_${++calls}`;
      const item = "say" in step
        ? {
          type: "message",
          role: "assistant",
          id: `msg_${calls}`,
          content: [{ type: "output_text", text: step.say }],
        }
        : {
          type: "function_call",
          id: `fc_${calls}`,
          call_id: id,
          name: step.call,
          namespace: step.namespace,
          arguments: JSON.stringify(step.arguments),
        };
      return new Response(
        sse("response.created", { response: { id } }) +
          sse("response.output_item.done", { item }) +
          sse("response.completed", { response: { id, usage: USAGE } }),
        { headers: { "content-type": "text/event-stream" } },
      );
    },
  );
  return {
    baseUrl: `http://127.0.0.1:${server.addr.port}/v1`,
    toolOutputs,
    close: () => server.shutdown(),
  };
}
