/**
 * The runner's verdicts on recorded Codex output, through the spawn seam
 * (the end-to-end tests cover the same paths with the real CLI).
 */

import { runCodexTurn } from "../../src/codex/exec/runner.ts";
import { CodexError } from "../../src/errors.ts";
import type { SpawnedChild, SpawnProcess } from "../../src/runtime/types.ts";
import { assert, assertEquals } from "../support/assert.ts";

/** A spawn that replays a recorded stdout, then exits with `code`. */
function replaying(version: string, name: string, code: number): SpawnProcess {
  const stdout = fixture(version, name);
  const exit = { code, signal: null };
  return (): SpawnedChild => ({
    pid: 0,
    stdin: new WritableStream(),
    stdout: ReadableStream.from([new TextEncoder().encode(stdout)]),
    stderr: ReadableStream.from([
      new TextEncoder().encode(
        "Error: something\n\nStack backtrace:\n  0: <unknown>\n",
      ),
    ]),
    exited: Promise.resolve(exit),
  });
}

function fixture(version: string, name: string): string {
  return Deno.readTextFileSync(
    new URL(`../fixtures/${version}/${name}.jsonl`, import.meta.url),
  );
}

const base = {
  cwd: "/p",
  session: { kind: "new" } as const,
  input: { kind: "prompt", text: "hi" } as const,
  origin: { origin: "test", tool: "codex_chat" },
  timeoutMs: 10_000,
  idleTimeoutMs: 10_000,
  policy: {
    sandbox: "read-only" as const,
    workspaceWrite: {
      writableRoots: [],
      networkAccess: false,
      excludeTmpdirEnvVar: false,
      excludeSlashTmp: false,
    },
    configOverrides: [],
    hiddenFromCodex: [],
    unreadable: [],
  },
};

async function failure(
  request: Parameters<typeof runCodexTurn>[0],
): Promise<CodexError> {
  try {
    await runCodexTurn(request);
  } catch (error) {
    assert(error instanceof CodexError, String(error));
    return error;
  }
  throw new Error("expected the turn to fail");
}

Deno.test("[0.77.0] a resume that comes back as a different thread is an error naming both ids", async () => {
  const requested = "01a20000-0000-7000-8000-000000000000";
  const error = await failure({
    ...base,
    session: { kind: "resume", sessionId: requested, rolloutPath: "/r.jsonl" },
    spawn: replaying("0.77.0", "resume_unknown_id", 0),
  });
  assertEquals(error.kind, "session_mismatch");
  assertEquals(error.sessionId, requested);
  assert(
    error.message.includes(`did not resume session ${requested}`),
    error.message,
  );
});

Deno.test("an exit without a turn result quotes stderr without its backtrace", async () => {
  const error = await failure({
    ...base,
    spawn: replaying("0.169.0", "signal_TERM", 143),
  });
  assertEquals(error.kind, "codex_exited");
  assert(error.message.includes("exited with code 143"), error.message);
  assert(error.message.includes("Error: something"));
  assert(!error.message.includes("Stack backtrace"));
  assert(error.sessionId?.startsWith("01a20ae2"));
});

Deno.test("a completed turn returns the last agent message", async () => {
  const result = await runCodexTurn({
    ...base,
    spawn: replaying("0.169.0", "command_execution", 0),
  });
  assertEquals(result.reply, "command done");
  assertEquals(result.sessionId, "01a20ad5-41c7-71e1-8014-9408287e9b69");
});

Deno.test("a call cancelled before it starts never spawns Codex", async () => {
  let spawned = false;
  const controller = new AbortController();
  controller.abort();
  const error = await failure({
    ...base,
    signal: controller.signal,
    spawn: () => {
      spawned = true;
      throw new Error("spawned");
    },
  });
  assertEquals(error.kind, "cancelled");
  assertEquals(spawned, false);
});
