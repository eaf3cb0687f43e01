/**
 * End to end with the real Codex CLI: with CODEX_PERSISTENT_MCP_APPROVALS=ask
 * on the app-server backend, a command Codex asks to run outside its
 * sandbox reaches the client's user as a form (2025 era: an
 * `elicitation/create`; 2026-07-28: an `input_required` result the client
 * retries with the answer), and the answer decides whether it ran. Judged
 * by outcome: was the file outside written?
 */

import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./support/assert.ts";
import { exists, homeOf, shell } from "./support/attack.ts";
import { fixtureTest } from "./support/fixture_test.ts";
import {
  E2E,
  type Harness,
  startHarness,
  type Target,
  TARGETS,
} from "./support/harness.ts";
import { DENO_SERVER_COMMAND } from "./support/mcp.ts";
import { WireClient } from "./support/wire_client.ts";

const APP_SERVER = TARGETS.filter((target) => target.backend === "app-server");
const ASK = { CODEX_PERSISTENT_MCP_APPROVALS: "ask" };

for (const target of APP_SERVER) {
  for (const answer of ["accept", "decline"] as const) {
    const asked: string[] = [];
    fixtureTest(
      `${target.label} an approval Codex asks for reaches the client as a form, and ${answer} decides whether the command ran`,
      E2E,
      () => formTaker(target, ASK, asked, answer),
      async (h) => {
        const marker = `${homeOf(h)}/approved-${answer}`;
        const { reply } = await h.turn({
          cwd: h.project,
          prompt: `${shell(`touch ${marker}`)} FAKE_ESCALATE`,
        });
        assertEquals(
          asked.length,
          1,
          `asked: ${JSON.stringify(asked)}; reply ${reply}`,
        );
        assertStringIncludes(asked[0], `touch ${marker}`);
        assertEquals(exists(marker), answer === "accept");
        assert(reply.startsWith("ECHO shell output"), reply);
      },
    );
  }
}

/** What an `input_required` answer carries, as the tests read it. */
interface InputRequiredWire {
  resultType: string;
  inputRequests?: Record<string, { params: { message: string } }>;
  requestState?: string;
  structuredContent?: { session_id: string; reply: string };
  isError?: boolean;
}

for (const target of APP_SERVER) {
  for (const answer of ["accept", "decline"] as const) {
    fixtureTest(
      `${target.label} a 2026-07-28 call that is no task: Codex's approval comes back as input_required, and the retry's ${answer} decides whether the command ran`,
      E2E,
      () => wiredHarness(target),
      async (h) => {
        const { wire } = h;
        const marker = `${homeOf(h)}/retried-${answer}`;
        const call = {
          name: "codex_chat",
          arguments: {
            cwd: h.project,
            prompt: `${shell(`touch ${marker}`)} FAKE_ESCALATE`,
          },
        };
        const asked = (await wire.modern("tools/call", call))
          .result as unknown as InputRequiredWire;
        assertEquals(asked.resultType, "input_required");
        const [key, request] = Object.entries(asked.inputRequests ?? {})[0];
        assertStringIncludes(request.params.message, `touch ${marker}`);
        assert(!exists(marker), "the command ran before the answer");
        const done = await wire.modern("tools/call", {
          ...call,
          inputResponses: {
            [key]: answer === "accept"
              ? { action: "accept", content: { approve: true } }
              : { action: "decline" },
          },
          requestState: asked.requestState,
        });
        assertEquals(done.result?.resultType, "complete");
        const { reply } = done.result?.structuredContent as {
          reply: string;
        };
        assertEquals(exists(marker), answer === "accept");
        assert(reply.startsWith("ECHO shell output"), reply);
      },
    );
  }
}

for (const target of APP_SERVER) {
  for (const answer of ["accept", "decline"] as const) {
    fixtureTest(
      `${target.label} in a task, Codex's approval is an input request, and the human's ${answer} in tasks/update decides whether the command ran`,
      E2E,
      () => wiredHarness(target),
      async (h) => {
        const { wire } = h;
        const marker = `${homeOf(h)}/task-${answer}`;
        const task = await wire.callAsTask("codex_chat", {
          cwd: h.project,
          prompt: `${shell(`touch ${marker}`)} FAKE_ESCALATE`,
        });
        const asking = await wire.pollTask(
          task.taskId,
          (t) => t.status === "input_required",
          30_000,
        );
        const [key, request] = Object.entries(asking.inputRequests ?? {})[0];
        assertStringIncludes(request.params.message, `touch ${marker}`);
        assert(!exists(marker), "the command ran before the answer");
        await wire.modern("tasks/update", {
          taskId: task.taskId,
          inputResponses: {
            [key]: answer === "accept"
              ? { action: "accept", content: { approve: true } }
              : { action: "decline" },
          },
        });
        const done = await wire.pollTask(
          task.taskId,
          (t) => t.status === "completed",
          30_000,
        );
        assertEquals(exists(marker), answer === "accept");
        const { reply } = done.result?.structuredContent as { reply: string };
        assert(reply.startsWith("ECHO shell output"), reply);
      },
    );
  }
}

/** A harness with approvals on and a raw 2026-07-28 client over stdio. */
async function wiredHarness(
  target: Target,
): Promise<Harness & { wire: WireClient }> {
  const h = await startHarness(target, ASK);
  const wire = await WireClient.overStdio(DENO_SERVER_COMMAND, h.env, 60_000);
  return {
    ...h,
    wire,
    async close() {
      await wire.close();
      await h.close();
    },
  };
}

/** A harness whose client takes forms, recording what it is asked. */
async function formTaker(
  target: Target,
  env: Record<string, string>,
  asked: string[],
  answer: "accept" | "decline" | "accept once" = "accept",
): Promise<Harness> {
  const h = await startHarness(target, env, undefined, {
    capabilities: { elicitation: { form: {} } },
  });
  h.server.client.setRequestHandler("elicitation/create", (request) => {
    asked.push(request.params.message);
    const accepts = answer === "accept" ||
      (answer === "accept once" && asked.length === 1);
    return accepts
      ? { action: "accept", content: { approve: true } }
      : { action: "decline" };
  });
  return h;
}

for (const target of APP_SERVER) {
  const asked: string[] = [];
  fixtureTest(
    `${target.label} an approval covers that one command: the next call on the session asks again, and declined, its command does not run`,
    E2E,
    () => formTaker(target, ASK, asked, "accept once"),
    async (h) => {
      const first = `${homeOf(h)}/first-approved`;
      const next = `${homeOf(h)}/next-unapproved`;
      const { sessionId } = await h.turn({
        cwd: h.project,
        prompt: `${shell(`touch ${first}`)} FAKE_ESCALATE`,
      });
      assert(exists(first), "the approved command did not run");
      await h.turn({
        session_id: sessionId,
        prompt: `${shell(`touch ${next}`)} FAKE_ESCALATE`,
      });
      assertEquals(asked.length, 2, JSON.stringify(asked));
      assertStringIncludes(asked[1], `touch ${next}`);
      assert(!exists(next), "the first approval let a later command run");
    },
  );
}

for (const target of TARGETS) {
  const asked: string[] = [];
  const env: Record<string, string> = target.backend === "exec" ? ASK : {};
  fixtureTest(
    `${target.label} ${
      target.backend === "exec"
        ? "with exec, approvals=ask warns at start and nothing is asked"
        : "with approvals off (the default) nothing is asked"
    }: the command stays in the sandbox`,
    E2E,
    () => formTaker(target, env, asked),
    async (h) => {
      const marker = `${homeOf(h)}/never-asked`;
      await h.turn({
        cwd: h.project,
        prompt: `${shell(`touch ${marker}`)} FAKE_ESCALATE`,
      });
      assertEquals(asked, []);
      assert(!exists(marker), "a command ran outside the sandbox unasked");
      if (target.backend === "exec") {
        assertStringIncludes(
          h.server.stderr(),
          "CODEX_PERSISTENT_MCP_APPROVALS=ask needs the app-server backend",
        );
      }
    },
  );
}

for (const target of TARGETS) {
  fixtureTest(
    `${target.label} as an attacker over 2026-07-28: ${
      target.backend === "exec"
        ? "with exec, approvals=ask asks nothing and the command stays in the sandbox"
        : "retry fields as tool input and forged states run nothing, the human's accept covers one command, and the next call on the session asks again"
    }`,
    E2E,
    () => wiredHarness(target),
    async (h) => {
      const { wire } = h;
      const escalating = (marker: string, more: Record<string, unknown>) => ({
        name: "codex_chat",
        arguments: {
          prompt: `${shell(`touch ${marker}`)} FAKE_ESCALATE`,
          ...more,
        },
      });
      const call = async (params: Record<string, unknown>) =>
        (await wire.modern("tools/call", params))
          .result as unknown as InputRequiredWire;
      const markers = {
        asked: `${homeOf(h)}/attack-asked`,
        asInput: `${homeOf(h)}/attack-as-input`,
        next: `${homeOf(h)}/attack-next-call`,
      };
      const first = escalating(markers.asked, { cwd: h.project });
      const asked = await call(first);
      if (target.backend === "exec") {
        // exec cannot ask: the command stays in the sandbox, unasked.
        assertEquals(asked.resultType, "complete");
        assertEquals(asked.inputRequests, undefined);
        assert(!exists(markers.asked), "exec ran a command outside");
        return;
      }
      assertEquals(asked.resultType, "input_required");
      const [key] = Object.keys(asked.inputRequests ?? {});
      const accept = {
        [key]: { action: "accept", content: { approve: true } },
      };
      // What the calling AI controls is the tool input: a call of its own.
      const asInput = await call(
        escalating(markers.asInput, {
          cwd: h.project,
          requestState: asked.requestState,
          inputResponses: accept,
        }),
      );
      assertEquals(asInput.resultType, "input_required");
      assert(asInput.requestState !== asked.requestState);
      // A state the SDK's codec did not seal is refused before any tool runs.
      const forged = await wire.modern("tools/call", {
        ...first,
        requestState: crypto.randomUUID(),
        inputResponses: accept,
      });
      assertEquals(forged.error?.code, -32602);
      assert(!exists(markers.asked), "ran before the human answered");
      assert(!exists(markers.asInput), "tool input approved a command");
      // The human's own answers: decline the second, accept the first.
      const [otherKey] = Object.keys(asInput.inputRequests ?? {});
      const declined = await call({
        ...escalating(markers.asInput, { cwd: h.project }),
        requestState: asInput.requestState,
        inputResponses: { [otherKey]: { action: "decline" } },
      });
      assertEquals(declined.resultType, "complete");
      const done = await call({
        ...first,
        requestState: asked.requestState,
        inputResponses: accept,
      });
      assertEquals(done.resultType, "complete");
      assert(exists(markers.asked), "the accepted command did not run");
      assert(!exists(markers.asInput), "a declined command ran");
      // The approval covered one command: the next call asks again.
      const sessionId = done.structuredContent!.session_id;
      const next = escalating(markers.next, { session_id: sessionId });
      const again = await call(next);
      assertEquals(again.resultType, "input_required");
      const [nextKey] = Object.keys(again.inputRequests ?? {});
      const nextDone = await call({
        ...next,
        requestState: again.requestState,
        inputResponses: { [nextKey]: { action: "decline" } },
      });
      assertEquals(nextDone.resultType, "complete");
      assertStringIncludes(nextDone.structuredContent!.reply, "ECHO");
      assert(
        !exists(markers.next),
        "the first approval let a later command run",
      );
    },
  );
}
