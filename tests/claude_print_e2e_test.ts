/**
 * End to end with a real headless client: `claude -p` (Claude Code pinned,
 * offline, its model faked on loopback). It speaks 2026-07-28 without
 * tasks. A turn longer than its MCP_TOOL_TIMEOUT is handed off and
 * collected with codex_wait; and when Codex asks to run a command outside
 * its sandbox, the call answers `input_required`, which headless Claude
 * Code answers itself (cancel: it has no one to show a form) by retrying
 * the call, so the command does not run and the reply reaches the model.
 * A tap between client and server records what was sent.
 */

import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./support/assert.ts";
import { exists, homeOf, shell } from "./support/attack.ts";
import { claudeEnv, claudeHome, serverEnv } from "./support/claude_code.ts";
import { type ClaudeStep, startClaudeModel } from "./support/claude_model.ts";
import { CLAUDE_CODE } from "./support/codex.ts";
import { E2E, type Harness, startHarness, TARGETS } from "./support/harness.ts";
import {
  readTap,
  type Tapped,
  tappedServerCommand,
  toolCalls,
} from "./support/tapped.ts";

const target = TARGETS.find((t) =>
  t.version === "0.171.0" && t.backend === "app-server"
)!;
/**
 * Runs `claude -p prompt` with our server (`env` added) behind the tap,
 * the model stepping with `next`; its stdout and what the tap saw.
 */
async function claudePrint(
  h: Harness,
  prompt: string,
  env: Record<string, string>,
  next: (messages: string) => ClaudeStep,
  clientEnv: Record<string, string> = {},
): Promise<{ stdout: string; tapped: Tapped[] }> {
  const model = startClaudeModel(({ messages }) => next(messages));
  const home = await h.tempDir("claude-home-");
  const log = `${home}/wire.log`;
  const [command, ...args] = tappedServerCommand(log);
  await claudeHome(home, h.project, {
    type: "stdio",
    command,
    args,
    env: serverEnv({ ...h.env, ...env }),
  });
  try {
    const run = await new Deno.Command(CLAUDE_CODE, {
      args: ["-p", prompt, "--output-format", "text"],
      cwd: h.project,
      env: claudeEnv(home, model, clientEnv),
      clearEnv: true,
      stdout: "piped",
      stderr: "piped",
    }).output();
    const stdout = new TextDecoder().decode(run.stdout);
    assertEquals(
      run.code,
      0,
      `claude -p failed: ${stdout}${new TextDecoder().decode(run.stderr)}`,
    );
    return { stdout, tapped: await readTap(log) };
  } finally {
    await model.close();
  }
}

Deno.test({
  name:
    `[claude -p · ${target.label}] Codex's approval comes back as input_required; headless Claude Code retries with cancel, the command does not run and the reply reaches the model`,
  ...E2E,
  async fn() {
    const h = await startHarness(target);
    try {
      const marker = `${homeOf(h)}/asked-headless`;
      const { stdout, tapped } = await claudePrint(
        h,
        "GO_ASK",
        { CODEX_PERSISTENT_MCP_APPROVALS: "ask" },
        (messages) =>
          messages.includes("tool_result")
            ? { say: `MODEL SAW: ${messages.match(/ECHO[^"\\]*/)?.[0]}` }
            : {
              tool: "mcp__cp__codex_chat",
              input: {
                cwd: h.project,
                prompt: `${shell(`touch ${marker}`)} FAKE_ESCALATE`,
              },
            },
      );
      const [asked, retried] = toolCalls(tapped);
      assertEquals(asked.result.resultType, "input_required");
      const requestState = asked.result.requestState;
      assertEquals(typeof requestState, "string");
      const [[key, request]] = Object.entries(
        asked.result.inputRequests as Record<
          string,
          { params: { message: string } }
        >,
      );
      assertStringIncludes(request.params.message, `touch ${marker}`);
      // The client's own retry: the same call, its state echoed, its answer.
      assertEquals(retried.params.name, "codex_chat");
      assertEquals(retried.params.requestState, requestState);
      assertEquals(retried.params.inputResponses, {
        [key]: { action: "cancel" },
      });
      assertEquals(retried.result.resultType, "complete");
      assert(!exists(marker), "a cancelled command ran outside the sandbox");
      assertStringIncludes(stdout, "MODEL SAW: ECHO shell output");
    } finally {
      await h.close();
    }
  },
});

/** Claude Code's limit on a tool call; the hand-off, and the longer turn. */
const TOOL_TIMEOUT_MS = 3_000;
const HANDOFF_MS = 1_500;
const TURN_MS = 7_000;

Deno.test({
  name:
    `[claude -p · ${target.label}] a turn longer than MCP_TOOL_TIMEOUT is handed off and collected with codex_wait`,
  ...E2E,
  async fn() {
    const h = await startHarness(target);
    try {
      const { stdout, tapped } = await claudePrint(
        h,
        "GO_LONG",
        { CODEX_PERSISTENT_MCP_HANDOFF_MS: String(HANDOFF_MS) },
        (messages) => {
          if (!messages.includes("tool_result")) {
            return {
              tool: "mcp__cp__codex_chat",
              input: {
                cwd: h.project,
                prompt: `FAKE_SLEEP_MS=${TURN_MS} a long turn for claude -p`,
              },
            };
          }
          const last = messages.slice(messages.lastIndexOf("tool_result"));
          const sessionId = last.match(
            /session_id\\*":\\*"([0-9a-f-]{36})/,
          )?.[1];
          if (
            sessionId !== undefined &&
            /status\\*":\\*"running/.test(last)
          ) {
            return {
              tool: "mcp__cp__codex_wait",
              input: { session_id: sessionId },
            };
          }
          return { say: `FINAL ${messages.match(/ECHO turns[^"\\]*/)?.[0]}` };
        },
        { MCP_TOOL_TIMEOUT: String(TOOL_TIMEOUT_MS) },
      );
      const calls = toolCalls(tapped);
      const statuses = calls.map(({ result }) =>
        (result.structuredContent as { status: string }).status
      );
      // Handed off, waited for, collected: one turn, no new one.
      assertEquals(statuses.at(-1), "completed");
      assert(statuses.slice(0, -1).every((status) => status === "running"));
      assert(statuses.length >= 3, statuses.join(" "));
      assertEquals(calls[0].params.name, "codex_chat");
      assert(
        calls.slice(1).every(({ params }) => params.name === "codex_wait"),
      );
      assertStringIncludes(stdout, "FINAL ECHO turns=1");
      assertStringIncludes(stdout, "a long turn for claude -p");
      assert(!stdout.includes("timed out"), stdout);
    } finally {
      await h.close();
    }
  },
});
