/**
 * MCP over stdin/stdout, one JSON-RPC message per line, read with a linear
 * buffer and a size cap. The SDK's own `StdioServerTransport` (2.4) grows
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
import {
  type JSONRPCMessage,
  parseJSONRPCMessage,
  type Transport,
} from "@modelcontextprotocol/server";

/** The largest message read (a prompt is at most 1,000,000 characters). */
export const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** The longest request id served (a longer one is answered with an error). */
export const MAX_REQUEST_ID_LENGTH = 1_024;
/** Requests read and not answered yet, at most (more are answered with an error). */
export const MAX_REQUESTS_IN_FLIGHT = 1_000;
/** How much of each end of a dropped message is kept to find its request id. */
const END_BYTES = 4096;
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
 * await server.connect(new LineStdioTransport());
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
  /** The latest bytes of a line over the cap (its end, once it ends). */
  #tail = new Uint8Array();
  /** Requests read and not yet answered or cancelled. */
  readonly #inFlight = new Set<string | number>();

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
    if ("id" in message && !("method" in message) && message.id !== undefined) {
      this.#inFlight.delete(message.id);
    }
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
      // Whatever one line does, the listener (and so the server) goes on.
      try {
        this.#endLine();
      } catch (error) {
        this.onerror?.(
          error instanceof Error ? error : new Error(String(error)),
        );
      }
      start = end + 1;
    }
    this.#collect(chunk.subarray(start));
  };

  #collect(piece: Uint8Array): void {
    if (piece.length === 0) return;
    this.#size += piece.length;
    if (this.#head !== undefined) {
      this.#tail = joinBytes([this.#tail, piece]).slice(-END_BYTES);
      return;
    }
    if (this.#size <= this.#maxBytes) {
      this.#pieces.push(piece);
      return;
    }
    // Over the cap: keep only both ends (for the request id), drop the rest.
    const joined = joinBytes([...this.#pieces, piece]);
    this.#head = joined.slice(0, END_BYTES);
    this.#tail = joined.slice(-END_BYTES);
    this.#pieces = [];
  }

  #endLine(): void {
    const { head, tail } = { head: this.#head, tail: this.#tail };
    const size = this.#size;
    const line = head === undefined ? joinBytes(this.#pieces) : undefined;
    this.#pieces = [];
    this.#size = 0;
    this.#head = undefined;
    this.#tail = new Uint8Array();
    if (head !== undefined) {
      this.#refuseOversized(head, tail, size);
      return;
    }
    const text = new TextDecoder().decode(line).replace(/\r$/, "");
    if (text.trim() === "") return;
    let message: JSONRPCMessage;
    try {
      message = parseJSONRPCMessage(JSON.parse(text));
    } catch (error) {
      this.onerror?.(error as Error);
      return;
    }
    if (this.#admitted(message)) this.onmessage?.(message);
  }

  /**
   * Whether a message goes on to the server: a request whose id is over
   * {@linkcode MAX_REQUEST_ID_LENGTH}, or that comes while
   * {@linkcode MAX_REQUESTS_IN_FLIGHT} wait, is answered with an error
   * here, so nothing a client sends can make the server hold unbounded
   * memory. A cancelled request no longer counts.
   */
  #admitted(message: JSONRPCMessage): boolean {
    if (!("method" in message)) return true;
    if (!("id" in message)) {
      const cancelled = message.method === "notifications/cancelled"
        ? message.params?.requestId
        : undefined;
      if (typeof cancelled === "string" || typeof cancelled === "number") {
        this.#inFlight.delete(cancelled);
      }
      return true;
    }
    const problem = String(message.id).length > MAX_REQUEST_ID_LENGTH
      ? `Request ids longer than ${MAX_REQUEST_ID_LENGTH} characters are not served.`
      : this.#inFlight.size >= MAX_REQUESTS_IN_FLIGHT
      ? `${MAX_REQUESTS_IN_FLIGHT} requests already wait for an answer: wait for some, or cancel them, then send this again.`
      : undefined;
    if (problem === undefined) {
      this.#inFlight.add(message.id);
      return true;
    }
    this.send({
      jsonrpc: "2.0",
      id: message.id,
      error: { code: -32600, message: problem },
    }).catch(() => {});
    return false;
  }

  /** Answers a request that was too large to read, if its id can be found. */
  #refuseOversized(head: Uint8Array, tail: Uint8Array, size: number): void {
    const id = requestIdOf(
      new TextDecoder().decode(head),
      new TextDecoder().decode(tail),
    );
    const message = `The request is larger than this server reads (${
      size.toLocaleString("en-US")
    } bytes; at most ${this.#maxBytes.toLocaleString("en-US")}).`;
    this.onerror?.(new Error(message));
    const requestId = parsedId(id);
    if (requestId === undefined) return;
    this.send({
      jsonrpc: "2.0",
      id: requestId,
      error: {
        code: -32600,
        message:
          `${message} Send a shorter prompt: put large material in a file in the project and tell Codex where it is.`,
      },
    }).catch(() => {});
  }
}

const ID = String.raw`"id"\s*:\s*(-?\d+|"(?:[^"\\]|\\.)*")`;

/**
 * The id of a request known only by its ends: before its params (as most
 * clients write it), or as its last member (as the MCP SDK's client does).
 * Text inside the params cannot match: its quotes are escaped.
 */
function requestIdOf(head: string, tail: string): string | undefined {
  const beforeParams = head.slice(0, head.search(/"params"\s*:|$/));
  return beforeParams.match(new RegExp(ID))?.[1] ??
    tail.match(
      new RegExp(`${ID}\\s*(?:,\\s*"jsonrpc"\\s*:\\s*"2\\.0"\\s*)?}\\s*$`),
    )?.[1];
}

/** A scraped id as JSON-RPC reads it; undefined when it is not valid JSON. */
function parsedId(text: string | undefined): string | number | undefined {
  if (text === undefined) return undefined;
  try {
    const id: unknown = JSON.parse(text);
    return typeof id === "string" || typeof id === "number" ? id : undefined;
  } catch {
    return undefined;
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
