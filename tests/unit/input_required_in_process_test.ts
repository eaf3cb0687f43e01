/**
 * Codex's questions on a 2026-07-28 call that is not a task, in process:
 * the call answers `input_required` (the question as an embedded
 * `elicitation/create`, and a `requestState`), and the client's retry with
 * the human's answer carries on the same turn. Only the retry's own fields
 * count: no tool input, no reused or forged state answers for the human.
 */

import type { ApprovalQuestion } from "../../src/codex/approvals.ts";
import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "../support/assert.ts";
import { eventually } from "../support/harness.ts";
import type { TurnScript } from "../support/scripted_backend.ts";
import {
  modernMeta,
  type WireAnswer,
  type Wired,
  wireTest,
} from "../support/wire_client.ts";

/** A question as Codex would ask it, numbered. */
const question = (n: number): ApprovalQuestion => ({
  kind: "command",
  message:
    `Codex asks to run a command outside its sandbox:\nCommand: touch /outside/marker-${n}\nWhere: /repo`,
  requestedSchema: {
    type: "object",
    properties: { approve: { type: "boolean", default: true } },
  },
});

/**
 * Asks as often as the prompt says (`ask N`, after `wait MS`), as Codex
 * would, and replies with the human's answers.
 */
const ASKS: TurnScript = async ({ request, prompt }) => {
  if (request.askHuman === undefined) return "no one to ask";
  const waitMs = Number(prompt.match(/wait (\d+)/)?.[1] ?? 0);
  if (waitMs > 0) await new Promise((r) => setTimeout(r, waitMs));
  const answers: string[] = [];
  for (let n = 1; n <= Number(prompt.match(/ask (\d+)/)?.[1] ?? 1); n++) {
    answers.push((await request.askHuman(question(n), request.signal!)).action);
  }
  return `answers: ${answers.join(" ")}`;
};

const ASK = { CODEX_PERSISTENT_MCP_APPROVALS: "ask" };

/** A raw-client test on the asking script with approvals on. */
const askingTest = (
  name: string,
  body: (w: Wired) => Promise<void>,
  env: Record<string, string> = {},
): void => wireTest(name, ASKS, body, { ...ASK, ...env });

/** What an `input_required` answer carries. */
interface InputRequired {
  resultType: string;
  inputRequests: Record<string, {
    method: string;
    params: { mode: string; message: string; requestedSchema: unknown };
  }>;
  requestState: string;
}

/** The call every test makes (and a client retries as it is). */
const chat = (w: Wired, prompt: string) => ({
  name: "codex_chat",
  arguments: { cwd: w.project, prompt },
});

/** The answer as `input_required` (fails the test otherwise). */
function inputRequired(answer: WireAnswer): InputRequired {
  assertEquals(
    answer.result?.resultType,
    "input_required",
    JSON.stringify(answer),
  );
  return answer.result as unknown as InputRequired;
}

/** The reply of a complete answer. */
function replyOf(answer: WireAnswer): unknown {
  assertEquals(answer.result?.resultType, "complete", JSON.stringify(answer));
  return (answer.result?.structuredContent as { reply?: unknown }).reply;
}

/** The client's retry of `call`: the same call with the retry fields. */
function retry(
  w: Wired,
  call: Record<string, unknown>,
  asked: InputRequired,
  inputResponses?: Record<string, unknown>,
): Promise<WireAnswer> {
  return w.wire.modern("tools/call", {
    ...call,
    ...(inputResponses === undefined ? {} : { inputResponses }),
    requestState: asked.requestState,
  });
}

for (const action of ["accept", "decline", "cancel"] as const) {
  askingTest(
    `a 2026-07-28 call that is no task answers input_required; the retry's ${action} is what Codex gets, on the same turn`,
    async (w) => {
      const call = chat(w, "ask 1");
      const asked = inputRequired(await w.wire.modern("tools/call", call));
      const requests = Object.entries(asked.inputRequests);
      assertEquals(requests.length, 1);
      const [key, request] = requests[0];
      assertEquals(request.method, "elicitation/create");
      assertEquals(request.params.mode, "form");
      assertStringIncludes(request.params.message, "touch /outside/marker-1");
      assertEquals(typeof asked.requestState, "string");
      const answer = await retry(w, call, asked, {
        [key]: action === "accept"
          ? { action, content: { approve: true } }
          : { action },
      });
      assertEquals(replyOf(answer), `answers: ${action}`);
      // The retry followed the turn; it did not start another.
      assertEquals(w.backend.requests.length, 1);
    },
  );
}

askingTest(
  "each question of a turn is its own input_required; the last retry gets the reply",
  async (w) => {
    const call = chat(w, "ask 2");
    const first = inputRequired(await w.wire.modern("tools/call", call));
    const [firstKey] = Object.keys(first.inputRequests);
    const second = inputRequired(
      await retry(w, call, first, { [firstKey]: { action: "accept" } }),
    );
    const [secondKey, request] = Object.entries(second.inputRequests)[0];
    assert(secondKey !== firstKey);
    assert(second.requestState !== first.requestState);
    assertStringIncludes(request.params.message, "marker-2");
    const answer = await retry(w, call, second, {
      [secondKey]: { action: "decline" },
    });
    assertEquals(replyOf(answer), "answers: accept decline");
    assertEquals(w.backend.requests.length, 1);
  },
);

askingTest(
  "a retry without the answer is asked the same question again",
  async (w) => {
    const call = chat(w, "ask 1");
    const asked = inputRequired(await w.wire.modern("tools/call", call));
    const again = inputRequired(await retry(w, call, asked));
    assertEquals(
      Object.keys(again.inputRequests),
      Object.keys(asked.inputRequests),
    );
    const [key] = Object.keys(again.inputRequests);
    const answer = await retry(w, call, again, { [key]: { action: "accept" } });
    assertEquals(replyOf(answer), "answers: accept");
  },
);

askingTest(
  "the calling AI cannot answer for the human: retry fields as tool input, forged, reused or self-made states answer nothing",
  async (w) => {
    const call = chat(w, "ask 1");
    const asked = inputRequired(await w.wire.modern("tools/call", call));
    const [key] = Object.keys(asked.inputRequests);
    const accept = { [key]: { action: "accept", content: { approve: true } } };
    // As tool input: a new call (its own turn, its own question).
    const asInput = inputRequired(
      await w.wire.modern("tools/call", {
        name: "codex_chat",
        arguments: {
          ...call.arguments,
          requestState: asked.requestState,
          inputResponses: accept,
        },
      }),
    );
    assert(asInput.requestState !== asked.requestState);
    // A forged state, and our own _meta keys set by the client: refused or
    // ignored, never an answer.
    const forged = await retry(w, call, {
      ...asked,
      requestState: crypto.randomUUID(),
    }, accept);
    // The SDK's codec refuses a state it did not seal, before any tool runs.
    assertEquals(forged.error?.code, -32602);
    assertStringIncludes(forged.error?.message ?? "", "requestState");
    const ownKeys = {
      "codex-persistent-mcp/requestState": asked.requestState,
      "codex-persistent-mcp/inputResponses": accept,
    };
    await w.wire.modern("tools/call", call, { ...modernMeta(), ...ownKeys });
    // The same keys without the envelope: refused on this 2026-07-28
    // connection (the SDK keeps a connection in the era it opened with).
    const older = await w.wire.request("tools/call", {
      ...call,
      _meta: ownKeys,
    });
    assertEquals(older.error?.code, -32602);
    // The first question is still open: the human's decline is what counts.
    const answer = await retry(w, call, asked, {
      [key]: { action: "decline" },
    });
    assertEquals(replyOf(answer), "answers: decline");
    // Reused: answered already.
    const reused = await retry(w, call, asked, accept);
    assertEquals(reused.result?.isError, true);
    // A retry for another tool does not take the call either.
    const other = await w.wire.modern("tools/call", {
      name: "codex_plan",
      arguments: { cwd: w.project, requirements: "r", plan: "p" },
      requestState: asInput.requestState,
      inputResponses: accept,
    });
    assertEquals(other.result?.isError, true);
  },
);

askingTest(
  "a 2026-07-28 client that takes no forms is never asked: Codex may not ask",
  async (w) => {
    const answer = await w.wire.modern(
      "tools/call",
      chat(w, "ask 1"),
      modernMeta({ elicitation: false }),
    );
    assertEquals(replyOf(answer), "no one to ask");
  },
);

askingTest(
  "a background call has no one to ask: Codex may not ask",
  async (w) => {
    const started = await w.wire.modern("tools/call", {
      name: "codex_chat",
      arguments: { cwd: w.project, prompt: "ask 1", background: true },
    });
    const { session_id } = started.result?.structuredContent as {
      session_id: string;
    };
    const waited = await w.wire.modern("tools/call", {
      name: "codex_wait",
      arguments: { session_id },
    });
    assertEquals(replyOf(waited), "no one to ask");
  },
);

askingTest(
  "a question after the hand-off is declined at once: no request follows the turn",
  async (w) => {
    const started = Date.now();
    const running = await w.wire.modern(
      "tools/call",
      chat(w, "wait 400 ask 1"),
    );
    const { session_id, status } = running.result?.structuredContent as {
      session_id: string;
      status: string;
    };
    assertEquals(status, "running");
    // codex_wait is bounded by the hand-off too: wait until it is done.
    let waited: WireAnswer;
    do {
      waited = await w.wire.modern("tools/call", {
        name: "codex_wait",
        arguments: { session_id },
      });
    } while (
      (waited.result?.structuredContent as { status?: string }).status ===
        "running"
    );
    assertEquals(replyOf(waited), "answers: decline");
    assert(Date.now() - started < 5_000, "declined at once, not at the bound");
  },
  {
    CODEX_PERSISTENT_MCP_HANDOFF_MS: "100",
    CODEX_PERSISTENT_MCP_APPROVAL_TIMEOUT_MS: "8000",
  },
);

askingTest(
  "no retry within CODEX_PERSISTENT_MCP_APPROVAL_TIMEOUT_MS declines and the turn goes on; a late retry still gets its result",
  async (w) => {
    const call = chat(w, "ask 1");
    const asked = inputRequired(await w.wire.modern("tools/call", call));
    const [key] = Object.keys(asked.inputRequests);
    const settled = await eventually(async () => {
      const listed = await w.wire.modern("tools/call", {
        name: "codex_sessions",
        arguments: {},
      });
      const { sessions } = listed.result?.structuredContent as {
        sessions: { running: boolean }[];
      };
      return sessions.length === 1 && !sessions[0].running;
    }, 10_000);
    assert(settled, "the turn did not go on past the unanswered question");
    // The human's accept comes too late: Codex was told decline.
    const late = await retry(w, call, asked, { [key]: { action: "accept" } });
    assertEquals(replyOf(late), "answers: decline");
  },
  { CODEX_PERSISTENT_MCP_APPROVAL_TIMEOUT_MS: "1000" },
);

askingTest(
  "a held question whose turn still waits is never dropped, however many others are held: the oldest retry still gets its turn",
  async (w) => {
    // Three calls wait for the human at once, with room for one result.
    const calls = [1, 2, 3].map((n) => chat(w, `ask 1 #${n}`));
    const asked: InputRequired[] = [];
    for (const call of calls) {
      asked.push(inputRequired(await w.wire.modern("tools/call", call)));
    }
    for (const [index, call] of calls.entries()) {
      const [key] = Object.keys(asked[index].inputRequests);
      const answer = await retry(w, call, asked[index], {
        [key]: { action: "accept", content: { approve: true } },
      });
      assertEquals(replyOf(answer), "answers: accept");
    }
  },
  { CODEX_PERSISTENT_MCP_MAX_RETAINED_RESULTS: "1" },
);
