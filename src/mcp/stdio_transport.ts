/**
 * MCP over stdin/stdout, one JSON-RPC message per line, read with a linear
 * buffer and a size cap. The SDK's own `StdioServerTransport` (1.32) grows
 * its buffer with `Buffer.concat` on every chunk, which is quadratic in the
 * size of one message (a few MB take seconds and hold every later call
 * back), and it closes the whole connection on a message over its cap. Here
 * the chunks of an unfinished line are only collected, a line over
 * {@linkcode MAX_MESSAGE_BYTES} is dropped as it streams in, and its request
 * gets an error answer while the server goes on.
 *
 * @module
 */

import process from "node:process";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport";
import type { JSONRPCMessage } from "@modelcontextprotocol/sdk/types";
import { JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";

/** The largest message read (a prompt is at most 1,000,000 characters). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** How much of a dropped message is kept to find its request id. */
const HEAD_BYTES = 4096;
const NEWLINE = 0x0a;

/** A readable and a writable Node stream, as `process.stdin`/`stdout` are. */
export interface StdioStreams {
  input: {
    on(event: "data", listener: (chunk: Uint8Array) => void): unknown;
    on(event: "error", listener: (error: Error) => void): unknown;
    off(event: "data", listener: (chunk: Uint8Array) => void): unknown;
    off(event: "error", listener: (error: Error) => void): unknown;
    pause(): unknown;
  };
  output: {
    write(text: string): boolean;
    once(event: "drain", listener: () => void): unknown;
  };
}

/**
 * The server side of MCP's stdio transport.
 *
 * @example
 * ```ts ignore
 * await server.mcp.connect(new LineStdioTransport());
 * ```
 */
export class LineStdioTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;
  readonly #streams: StdioStreams;
  readonly #maxBytes: number;
  /** The pieces of the line read so far. */
  #pieces: Uint8Array[] = [];
  #size = 0;
  /** The start of a line over the cap, kept while the rest is dropped. */
  #head?: Uint8Array;

  /** Reads `streams.input` and writes `streams.output` (default: stdio). */
  constructor(
    streams: StdioStreams = { input: process.stdin, output: process.stdout },
    maxBytes: number = MAX_MESSAGE_BYTES,
  ) {
    this.#streams = streams;
    this.#maxBytes = maxBytes;
  }

  /** Starts reading. */
  start(): Promise<void> {
    this.#streams.input.on("data", this.#onData);
    this.#streams.input.on("error", this.#onError);
    return Promise.resolve();
  }

  /** Writes one message, waiting while the output is full. */
  send(message: JSONRPCMessage): Promise<void> {
    return new Promise((resolve) => {
      if (this.#streams.output.write(`${JSON.stringify(message)}\n`)) {
        resolve();
      } else {
        this.#streams.output.once("drain", resolve);
      }
    });
  }

  /** Stops reading. */
  close(): Promise<void> {
    this.#streams.input.off("data", this.#onData);
    this.#streams.input.off("error", this.#onError);
    this.#streams.input.pause();
    this.#pieces = [];
    this.#size = 0;
    this.onclose?.();
    return Promise.resolve();
  }

  #onError = (error: Error): void => {
    this.onerror?.(error);
  };

  #onData = (chunk: Uint8Array): void => {
    let start = 0;
    for (
      let end = chunk.indexOf(NEWLINE);
      end !== -1;
      end = chunk.indexOf(NEWLINE, start)
    ) {
      this.#collect(chunk.subarray(start, end));
      this.#endLine();
      start = end + 1;
    }
    this.#collect(chunk.subarray(start));
  };

  #collect(piece: Uint8Array): void {
    if (piece.length === 0) return;
    if (this.#head !== undefined) return;
    this.#size += piece.length;
    if (this.#size <= this.#maxBytes) {
      this.#pieces.push(piece);
      return;
    }
    // Over the cap: keep only the start (for the request id), drop the rest.
    this.#head = joinBytes([...this.#pieces, piece]).slice(0, HEAD_BYTES);
    this.#pieces = [];
  }

  #endLine(): void {
    const head = this.#head;
    const size = this.#size;
    const line = head === undefined ? joinBytes(this.#pieces) : undefined;
    this.#pieces = [];
    this.#size = 0;
    this.#head = undefined;
    if (head !== undefined) {
      this.#refuseOversized(head, size);
      return;
    }
    const text = new TextDecoder().decode(line).replace(/\r$/, "");
    if (text.trim() === "") return;
    let message: JSONRPCMessage;
    try {
      message = JSONRPCMessageSchema.parse(JSON.parse(text));
    } catch (error) {
      this.onerror?.(error as Error);
      return;
    }
    this.onmessage?.(message);
  }

  /** Answers a request that was too large to read, if its id can be found. */
  #refuseOversized(head: Uint8Array, size: number): void {
    const start = new TextDecoder().decode(head);
    // The SDK's clients write the id before the params.
    const id = start.slice(0, start.search(/"params"\s*:|$/)).match(
      /"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")/,
    )?.[1];
    const message = `The request is larger than this server reads (more than ${
      size.toLocaleString("en-US")
    } bytes; at most ${this.#maxBytes.toLocaleString("en-US")}).`;
    this.onerror?.(new Error(message));
    if (id === undefined) return;
    this.send({
      jsonrpc: "2.0",
      id: JSON.parse(id),
      error: {
        code: -32600,
        message:
          `${message} Send a shorter prompt: put large material in a file in the project and tell Codex where it is.`,
      },
    }).catch(() => {});
  }
}

function joinBytes(pieces: Uint8Array[]): Uint8Array {
  if (pieces.length === 1) return pieces[0];
  const joined = new Uint8Array(
    pieces.reduce((sum, piece) => sum + piece.length, 0),
  );
  let at = 0;
  for (const piece of pieces) {
    joined.set(piece, at);
    at += piece.length;
  }
  return joined;
}
