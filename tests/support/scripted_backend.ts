/**
 * A turn backend for in-process tests: no Codex, each turn answered by a
 * script. It keeps the contract the real backends keep (thread.started
 * first, the session's id, a stop ends it with a `cancelled` CodexError,
 * reviews and forks as new sessions where Codex makes them) and writes a
 * minimal rollout file per session, so the store's tools read what it did.
 */

import type {
  BackendCapabilities,
  TurnBackend,
} from "../../src/codex/backend.ts";
import type { ThreadEvent } from "../../src/codex/events.ts";
import type { TurnRequest } from "../../src/codex/turn_request.ts";
import type { TurnResult } from "../../src/codex/verdict.ts";
import { CodexError } from "../../src/errors.ts";

/** What a script sees of one turn. */
export interface ScriptedTurn {
  request: TurnRequest;
  /** The prompt's text ("" for a review or a copy). */
  prompt: string;
  /** The session the turn runs in (new for a new session or a fork). */
  sessionId: string;
  /** Reports an event as Codex would (progress). */
  emit(event: ThreadEvent): void;
  /** Settles when the turn is stopped. */
  stopped: Promise<void>;
}

/** Answers a turn: its reply, or throws its failure. */
export type TurnScript = (turn: ScriptedTurn) => Promise<string> | string;

/** A gate a script can wait on until the test opens it. */
export class Gate {
  #open!: () => void;
  /** Settles when opened. */
  readonly opened: Promise<void> = new Promise((resolve) =>
    this.#open = resolve
  );
  /** Lets every waiter through. */
  open(): void {
    this.#open();
  }
}

/** The scripted backend; `requests` records every turn it was given. */
export class ScriptedBackend implements TurnBackend {
  readonly requests: TurnRequest[] = [];
  closed = false;
  readonly #codexHome: string;
  readonly #script: TurnScript;
  readonly #capabilities: BackendCapabilities;

  constructor(
    codexHome: string,
    script: TurnScript,
    capabilities: BackendCapabilities = {
      codexVersion: "0.171.0",
      reviewsInSession: true,
    },
  ) {
    this.#codexHome = codexHome;
    this.#script = script;
    this.#capabilities = capabilities;
  }

  async runTurn(request: TurnRequest): Promise<TurnResult> {
    this.requests.push(request);
    const { session, input } = request;
    const startsNew = session.kind !== "resume";
    const sessionId = session.kind === "resume"
      ? session.sessionId
      : crypto.randomUUID();
    const started = Date.now();
    const stopped = new Promise<void>((resolve) => {
      if (request.signal?.aborted) resolve();
      request.signal?.addEventListener("abort", () => resolve());
    });
    const stop = stopped.then(() => {
      throw new CodexError(
        "cancelled",
        `Codex was stopped after ${Date.now() - started} ms: ${
          String(request.signal?.reason ?? "stopped")
        }.`,
        { sessionId, hint: "The session can be continued with a new call." },
      );
    });
    // A stop after the turn settled is nobody's failure.
    stop.catch(() => {});
    if (startsNew) await this.#writeSession(sessionId, request.cwd);
    request.onEvent?.({ type: "thread.started", thread_id: sessionId });
    const reply = await Promise.race([
      Promise.resolve(this.#script({
        request,
        prompt: input.kind === "prompt" ? input.text : "",
        sessionId,
        emit: (event) => request.onEvent?.(event),
        stopped,
      })),
      stop,
    ]);
    await this.#append(
      sessionId,
      input.kind === "prompt" ? input.text : `(${input.kind})`,
      reply,
    );
    return { sessionId, reply };
  }

  capabilities(): Promise<BackendCapabilities> {
    return Promise.resolve(this.#capabilities);
  }

  close(): Promise<void> {
    this.closed = true;
    return Promise.resolve();
  }

  #path(sessionId: string): string {
    return `${this.#codexHome}/sessions/2026/12/03/rollout-2026-12-03T00-00-00-${sessionId}.jsonl`;
  }

  async #writeSession(sessionId: string, cwd: string): Promise<void> {
    await Deno.mkdir(`${this.#codexHome}/sessions/2026/12/03`, {
      recursive: true,
    });
    const meta = {
      timestamp: new Date().toISOString(),
      type: "session_meta",
      payload: {
        id: sessionId,
        timestamp: new Date().toISOString(),
        cwd,
        originator: "scripted",
      },
    };
    await Deno.writeTextFile(
      this.#path(sessionId),
      JSON.stringify(meta) + "\n",
    );
  }

  async #append(sessionId: string, prompt: string, reply: string) {
    const message = (role: string, type: string, text: string) =>
      JSON.stringify({
        timestamp: new Date().toISOString(),
        type: "response_item",
        payload: { type: "message", role, content: [{ type, text }] },
      }) + "\n";
    await Deno.writeTextFile(
      this.#path(sessionId),
      message("user", "input_text", prompt) +
        message("assistant", "output_text", reply),
      { append: true },
    );
  }
}
