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
import { E2E, newSession, startHarness, TARGETS } from "./support/harness.ts";
import { callTool, resultText } from "./support/mcp.ts";

function overlap(a: RecordedRequest, b: RecordedRequest): boolean {
  return a.startedAt < (b.endedAt ?? Infinity) &&
    b.startedAt < (a.endedAt ?? Infinity);
}

for (const target of TARGETS) {
  Deno.test(
    `${target.label} concurrent calls on one session are serialized in order, none lost`,
    E2E,
    async () => {
      const h = await startHarness(target);
      try {
        const sessionId = await newSession(h);
        const results = await Promise.all(
          ["a", "b", "c"].map((label) =>
            callTool(h.server.client, "codex_chat", {
              session_id: sessionId,
              prompt: `call ${label} FAKE_SLEEP_MS=400`,
            })
          ),
        );
        results.forEach((result, index) => {
          assert(!result.isError, resultText(result));
          // Each call saw every earlier call's turn: order kept, nothing lost.
          assertStringIncludes(
            String(result.structuredContent?.reply),
            `ECHO turns=${index + 2} `,
          );
          assertStringIncludes(
            String(result.structuredContent?.reply),
            `call ${"abc"[index]}`,
          );
        });
        const turns = h.fake.requests.slice(1);
        assertEquals(turns.length, 3);
        for (let i = 1; i < turns.length; i++) {
          assert(
            !overlap(turns[i - 1], turns[i]),
            "two turns of one session overlapped",
          );
        }
      } finally {
        await h.close();
      }
    },
  );

  Deno.test(
    `${target.label} different sessions run in parallel`,
    E2E,
    async () => {
      const h = await startHarness(target);
      try {
        const results = await Promise.all(
          ["one", "two"].map((label) =>
            callTool(h.server.client, "codex_chat", {
              cwd: h.project,
              prompt: `session ${label} FAKE_SLEEP_MS=1500`,
            })
          ),
        );
        for (const result of results) {
          assert(!result.isError, resultText(result));
        }
        assert(
          results[0].structuredContent?.session_id !==
            results[1].structuredContent?.session_id,
        );
        assertEquals(h.fake.requests.length, 2);
        assert(
          overlap(h.fake.requests[0], h.fake.requests[1]),
          "the two sessions did not run at the same time",
        );
      } finally {
        await h.close();
      }
    },
  );
}
