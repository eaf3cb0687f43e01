/**
 * End to end: calls on one session run one at a time in arrival order; calls
 * on different sessions run side by side.
 */

import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./support/assert.ts";
import type { RecordedRequest } from "./support/fake_model.ts";
import { e2eTests } from "./support/harness.ts";

function overlap(a: RecordedRequest, b: RecordedRequest): boolean {
  return a.startedAt < (b.endedAt ?? Infinity) &&
    b.startedAt < (a.endedAt ?? Infinity);
}

e2eTests(
  "concurrent calls on one session are serialized in order, none lost",
  async (h) => {
    const sessionId = await h.newSession();
    const answers = await Promise.all(
      ["a", "b", "c"].map((label) =>
        h.turn({
          session_id: sessionId,
          prompt: `call ${label} FAKE_SLEEP_MS=400`,
        })
      ),
    );
    answers.forEach(({ reply }, index) => {
      // Each call saw every earlier call's turn: order kept, nothing lost.
      assertStringIncludes(reply, `ECHO turns=${index + 2} `);
      assertStringIncludes(reply, `call ${"abc"[index]}`);
    });
    const turns = h.fake.requests.slice(1);
    assertEquals(turns.length, 3);
    for (let i = 1; i < turns.length; i++) {
      assert(
        !overlap(turns[i - 1], turns[i]),
        "two turns of one session overlapped",
      );
    }
  },
);

e2eTests("different sessions run in parallel", async (h) => {
  const [one, two] = await Promise.all(
    ["one", "two"].map((label) =>
      h.turn({
        cwd: h.project,
        prompt: `session ${label} FAKE_SLEEP_MS=1500`,
      })
    ),
  );
  assert(one.sessionId !== two.sessionId);
  assertEquals(h.fake.requests.length, 2);
  assert(
    overlap(h.fake.requests[0], h.fake.requests[1]),
    "the two sessions did not run at the same time",
  );
});
