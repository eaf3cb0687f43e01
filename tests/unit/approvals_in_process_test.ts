/**
 * Codex's approval requests put to the human, in process: the scripted
 * backend asks as the app-server backend does (`request.askHuman`), and
 * the answer comes back only through the client's user-facing channels —
 * a task's `inputRequests` answered with `tasks/update`, or a 2025-era
 * `elicitation/create`.
 */

import type { ApprovalQuestion } from "../../src/codex/approvals.ts";
import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "../support/assert.ts";
import { fixtureTest } from "../support/fixture_test.ts";
import { type InProcess, startInProcess } from "../support/in_process.ts";
import type { TurnScript } from "../support/scripted_backend.ts";
import { type TaskWire, type Wired, wireTest } from "../support/wire_client.ts";

const QUESTION: ApprovalQuestion = {
  kind: "command",
  message:
    "Codex asks to run a command outside its sandbox:\nCommand: touch /outside/marker\nWhere: /repo",
  requestedSchema: {
    type: "object",
    properties: { approve: { type: "boolean", default: true } },
  },
};

/** Asks once, as Codex would, and replies with the human's answer. */
const ASKS: TurnScript = async ({ request }) => {
  if (request.askHuman === undefined) return "no one to ask";
  const answer = await request.askHuman(QUESTION, request.signal!);
  return `answer: ${answer.action}`;
};

const ASK = { CODEX_PERSISTENT_MCP_APPROVALS: "ask" };

/** A raw-client test on the asking script, approvals on unless `env` says. */
const askingTest = (
  name: string,
  body: (w: Wired) => Promise<void>,
  env: Record<string, string> = ASK,
): void => wireTest(name, ASKS, body, env);

/** Calls codex_chat with a prompt that makes the script ask; its reply. */
async function askedReply(s: InProcess): Promise<unknown> {
  return (await s.answer("codex_chat", {
    cwd: s.project,
    prompt: "needs approval",
  })).reply;
}

/** Starts the asking script as a task; the task. */
function askingTask({ wire, project }: Wired): Promise<TaskWire> {
  return wire.callAsTask("codex_chat", {
    cwd: project,
    prompt: "needs approval",
  });
}

/** Waits until the task asks; the task then. */
function asked({ wire }: Wired, task: TaskWire): Promise<TaskWire> {
  return wire.pollTask(task.taskId, (t) => t.status === "input_required");
}

/** Waits until the task completes; the reply it carries. */
async function settledReply({ wire }: Wired, task: TaskWire): Promise<unknown> {
  const done = await wire.pollTask(
    task.taskId,
    (t) => t.status === "completed",
  );
  assertEquals(done.inputRequests, undefined);
  return done.result?.structuredContent?.reply;
}

for (const action of ["accept", "decline", "cancel"] as const) {
  askingTest(
    `in a task, Codex's question is an input request; the human's ${action} is what Codex gets`,
    async (w) => {
      const { wire } = w;
      const task = await askingTask(w);
      const asking = await asked(w, task);
      const requests = Object.entries(asking.inputRequests ?? {});
      assertEquals(requests.length, 1);
      const [key, request] = requests[0];
      assertEquals(request.method, "elicitation/create");
      assertEquals(request.params.mode, "form");
      assertStringIncludes(
        request.params.message,
        "Command: touch /outside/marker",
      );
      const updated = await wire.modern("tasks/update", {
        taskId: task.taskId,
        inputResponses: { [key]: { action, content: {} } },
      });
      assertEquals(updated.result?.resultType, "complete");
      assertEquals(await settledReply(w, task), `answer: ${action}`);
    },
  );
}

askingTest(
  "the calling AI cannot answer for the human: no tool input, no other call settles the question",
  async (w) => {
    const { wire, project } = w;
    const task = await askingTask(w);
    const asking = await asked(w, task);
    const key = Object.keys(asking.inputRequests ?? {})[0];
    const listed = await wire.modern("tools/call", {
      name: "codex_sessions",
      arguments: {},
    });
    const { sessions } = listed.result?.structuredContent as {
      sessions: { session_id: string }[];
    };
    const sessionId = sessions[0].session_id;
    // What an AI could try: the answer as tool input, waiting, asking again.
    const attempts = [
      {
        name: "codex_chat",
        arguments: {
          session_id: sessionId,
          prompt: "approve",
          inputResponses: { [key]: { action: "accept" } },
        },
      },
      { name: "codex_wait", arguments: { session_id: sessionId, wait_ms: 50 } },
      {
        name: "codex_chat",
        arguments: {
          cwd: project,
          prompt: `tasks/update ${task.taskId} ${key} accept`,
        },
      },
    ];
    for (const attempt of attempts) {
      await wire.modern("tools/call", attempt);
    }
    const still = await wire.task("tasks/get", task.taskId);
    assertEquals(still.status, "input_required");
    // The only answer that counts is the client's own: here, decline.
    await wire.modern("tasks/update", {
      taskId: task.taskId,
      inputResponses: { [key]: { action: "decline" } },
    });
    assertEquals(await settledReply(w, task), "answer: decline");
  },
);

askingTest(
  "with approvals off (the default) no call can ask, even as a task",
  async (w) => {
    const task = await askingTask(w);
    assertEquals(await settledReply(w, task), "no one to ask");
  },
  {},
);

/** A 2025-era client that takes forms, answering with `answer`. */
const elicitingTest = (
  name: string,
  answer: (message: string) => Promise<Record<string, unknown>>,
  body: (s: InProcess) => Promise<void>,
  env: Record<string, string> = ASK,
  capabilities: Record<string, unknown> = { elicitation: { form: {} } },
): void =>
  fixtureTest(`[in process] ${name}`, {}, async () => {
    const s = await startInProcess(ASKS, env, undefined, { capabilities });
    // The SDK's client takes the handler only with the capability.
    if (capabilities.elicitation !== undefined) {
      s.client.setRequestHandler(
        "elicitation/create",
        (request) => answer(request.params.message) as never,
      );
    }
    return s;
  }, body);

for (const action of ["accept", "decline", "cancel"] as const) {
  const asked: string[] = [];
  elicitingTest(
    `a 2025-era client is asked with elicitation/create; ${action} is what Codex gets`,
    (message) => {
      asked.push(message);
      return Promise.resolve(
        action === "accept" ? { action, content: { approve: true } } : {
          action,
        },
      );
    },
    async (s) => {
      assertEquals(await askedReply(s), `answer: ${action}`);
      assertEquals(asked.length, 1);
      assertStringIncludes(asked[0], "Command: touch /outside/marker");
      assertStringIncludes(asked[0], "Where: /repo");
    },
  );
}

elicitingTest(
  "no answer within CODEX_PERSISTENT_MCP_APPROVAL_TIMEOUT_MS declines, and the turn goes on",
  () => new Promise(() => {}),
  async (s) => {
    const started = Date.now();
    assertEquals(await askedReply(s), "answer: decline");
    assert(Date.now() - started >= 1_000);
  },
  { ...ASK, CODEX_PERSISTENT_MCP_APPROVAL_TIMEOUT_MS: "1000" },
);

elicitingTest(
  "a client without elicitation is never asked: Codex may not ask",
  () => Promise.reject(new Error("no handler without the capability")),
  async (s) => {
    assertEquals(await askedReply(s), "no one to ask");
  },
  ASK,
  {},
);

elicitingTest(
  "with approvals off a client that takes forms is never asked",
  () => Promise.reject(new Error("must not be asked")),
  async (s) => {
    assertEquals(await askedReply(s), "no one to ask");
  },
  {},
);
