/**
 * What a real client and our server said to each other, as the tap
 * (`wire_tap.ts`) between them wrote it down.
 */

import { DENO_SERVER_COMMAND } from "./mcp.ts";

const TAP = new URL("./wire_tap.ts", import.meta.url).pathname;

/** One JSON-RPC message the tap saw, and which way it went. */
export interface Tapped {
  toServer: boolean;
  message: Record<string, unknown>;
}

/** The command that runs our server behind a tap writing to `log`. */
export function tappedServerCommand(log: string): string[] {
  return [Deno.execPath(), "run", "-A", TAP, log, ...DENO_SERVER_COMMAND];
}

/** The messages in the tap's `log`, in order. */
export async function readTap(log: string): Promise<Tapped[]> {
  return (await Deno.readTextFile(log)).split("\n")
    .filter((line) => line.length > 2)
    .map((line) => ({
      toServer: line.startsWith(">"),
      message: JSON.parse(line.slice(2)),
    }));
}

/** Each `tools/call` the client sent, with the result it got. */
export function toolCalls(tapped: Tapped[]): {
  params: Record<string, unknown>;
  result: Record<string, unknown>;
}[] {
  return tapped.filter(({ toServer, message }) =>
    toServer && message.method === "tools/call"
  ).map(({ message }) => ({
    params: message.params as Record<string, unknown>,
    result: tapped.find(({ toServer, message: answer }) =>
      !toServer && answer.id === message.id && "result" in answer
    )?.message.result as Record<string, unknown>,
  }));
}
