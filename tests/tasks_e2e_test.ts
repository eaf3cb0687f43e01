/**
 * End to end with the real Codex CLI: a client that speaks 2026-07-28 and
 * takes tasks, and answers nothing it has to wait for longer than its own
 * limit. A turn longer than that limit runs as a task, completes, and its
 * Codex session is a real one: it resumes by hand.
 */

import { assert, assertEquals, assertMatch } from "./support/assert.ts";
import { e2eTests, eventually, TARGETS } from "./support/harness.ts";
import { DENO_SERVER_COMMAND } from "./support/mcp.ts";
import { modernMeta, WireClient } from "./support/wire_client.ts";

/** The client's limit on any one request; the turn takes twice as long. */
const CLIENT_LIMIT_MS = 2_000;

e2eTests(
  "a turn longer than the client's limit runs as a task, completes, and its session resumes by hand",
  async (h) => {
    const wire = await WireClient.overStdio(
      DENO_SERVER_COMMAND,
      h.env,
      CLIENT_LIMIT_MS,
    );
    try {
      const discover = await wire.request("server/discover", {
        _meta: modernMeta({ tasks: true }),
      });
      assertEquals(discover.result?.supportedVersions, ["2026-07-28"]);
      const started = Date.now();
      const task = await wire.callAsTask("codex_chat", {
        cwd: h.project,
        prompt: `FAKE_SLEEP_MS=${2 * CLIENT_LIMIT_MS} a long task`,
      });
      assertEquals(task.status, "working");
      const done = await wire.pollTask(
        task.taskId,
        (t) => t.status === "completed",
        60_000,
      );
      assert(Date.now() - started >= 2 * CLIENT_LIMIT_MS);
      const structured = done.result?.structuredContent as {
        session_id: string;
        reply: string;
        turn_id: string;
      };
      assertMatch(
        structured.reply,
        /^ECHO turns=1 .*: FAKE_SLEEP_MS=\d+ a long task/,
      );
      assertEquals(structured.turn_id, task.taskId);
      await wire.close();
      const byHand = await h.resumeByHand(structured.session_id, "by hand");
      assertEquals(byHand.code, 0, byHand.stderr);
      assertMatch(h.fake.lastPrompt(), /by hand/);
      assertMatch(byHand.stdout, /ECHO turns=2 /);
    } finally {
      await wire.close();
    }
  },
);

e2eTests(
  "tasks/cancel, sent twice, stops Codex; the session goes on",
  async (h) => {
    const wire = await WireClient.overStdio(
      DENO_SERVER_COMMAND,
      h.env,
      CLIENT_LIMIT_MS * 5,
    );
    try {
      // One server for the session: another would wait for Codex's lock.
      const call = async (args: Record<string, unknown>) => {
        const answer = await wire.modern("tools/call", {
          name: "codex_chat",
          arguments: args,
        });
        return answer.result?.structuredContent as {
          session_id: string;
          reply: string;
        };
      };
      const sessionId = (await call({ cwd: h.project, prompt: "start" }))
        .session_id;
      const task = await wire.callAsTask("codex_chat", {
        session_id: sessionId,
        prompt: "FAKE_SLEEP_MS=60000 never finishes",
      });
      await wire.pollTask(
        task.taskId,
        () => h.fake.lastPrompt().includes("never finishes"),
      );
      const [first, second] = await Promise.all([
        wire.task("tasks/cancel", task.taskId),
        wire.task("tasks/cancel", task.taskId),
      ]);
      assertEquals([first.status, second.status], ["cancelled", "cancelled"]);
      // Codex itself stopped: it hung up on the model mid-answer.
      const hungUp = await eventually(
        () =>
          h.fake.requests.some((request) =>
            request.userMessages.at(-1)?.includes("never finishes") &&
            request.dropped === true
          ),
        5_000,
      );
      assert(hungUp, "Codex went on after tasks/cancel");
      const { reply } = await call({ session_id: sessionId, prompt: "next" });
      assertMatch(reply, /: next$/);
    } finally {
      await wire.close();
    }
  },
  {},
  TARGETS.filter((target) => target.version === "0.171.0"),
);
