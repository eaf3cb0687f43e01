/** The intent of a call, decided once: which session, and what it sends. */

import { turnIntent } from "../../src/codex/session_intent.ts";
import { assertEquals } from "../support/assert.ts";

const ROLLOUT = "/home/.codex/sessions/r.jsonl";

Deno.test("a call's intent: new, resume or fork; a prompt, a review or a copy", () => {
  assertEquals(turnIntent({ prompt: "hi" }, undefined), {
    session: { kind: "new" },
    input: { kind: "prompt", text: "hi" },
  });
  assertEquals(turnIntent({ sessionId: "s1", prompt: "hi" }, ROLLOUT), {
    session: { kind: "resume", sessionId: "s1", rolloutPath: ROLLOUT },
    input: { kind: "prompt", text: "hi" },
  });
  assertEquals(
    turnIntent({ sessionId: "s1", fork: true, prompt: "" }, ROLLOUT),
    {
      session: { kind: "fork", from: "s1", rolloutPath: ROLLOUT },
      input: { kind: "copy" },
    },
  );
  assertEquals(
    turnIntent({ sessionId: "s1", fork: true, prompt: "go" }, ROLLOUT).input,
    { kind: "prompt", text: "go" },
  );
  // An empty prompt only copies on a fork; a review ignores the prompt.
  assertEquals(turnIntent({ prompt: "" }, undefined).input, {
    kind: "prompt",
    text: "",
  });
  assertEquals(
    turnIntent({ prompt: "", review: { type: "uncommitted" } }, undefined)
      .input,
    { kind: "review", target: { type: "uncommitted" } },
  );
});

Deno.test("a named session without its rollout file is never taken for a new one", () => {
  let thrown = "";
  try {
    turnIntent({ sessionId: "s1", prompt: "hi" }, undefined);
  } catch (error) {
    thrown = String(error);
  }
  assertEquals(thrown.includes("without its rollout file"), true);
});
