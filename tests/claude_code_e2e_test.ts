/**
 * End to end with a real interactive client: Claude Code (pinned, offline,
 * its model faked on loopback) in tmux, with MCP_TOOL_TIMEOUT shorter than
 * the turn. It speaks 2026-07-28 and takes tasks: the call becomes a task
 * and the model gets the reply later in the task notification. Then Codex
 * asks to run a command outside its sandbox, the form shows in Claude
 * Code's UI, and the keys pressed there decide whether the command ran.
 */

import { assert, assertStringIncludes } from "./support/assert.ts";
import { exists, homeOf, shell } from "./support/attack.ts";
import { claudeEnv, claudeHome, serverEnv } from "./support/claude_code.ts";
import { startClaudeModel } from "./support/claude_model.ts";
import { CLAUDE_CODE } from "./support/codex.ts";
import { E2E, eventually, startHarness, TARGETS } from "./support/harness.ts";
import { DENO_SERVER_COMMAND } from "./support/mcp.ts";
import { hasTmux, startTerminal, type Terminal } from "./support/tmux.ts";

/** Claude Code's hard limit on a tool call, and the longer turn. */
const TOOL_TIMEOUT_MS = 3_000;
const TURN_MS = 8_000;

const target = TARGETS.find((t) =>
  t.version === "0.171.0" && t.backend === "app-server"
)!;

/** Answers the prompts a fresh Claude Code may show before its input. */
async function pastPrompts(terminal: Terminal, screen: string): Promise<void> {
  if (screen.includes("Try the new fullscreen renderer")) {
    await terminal.keys("Down", "Enter");
  }
}

Deno.test({
  name:
    `[claude code, interactive · ${target.label}] a turn longer than MCP_TOOL_TIMEOUT becomes a task whose reply reaches the model; an approval form answered with keys decides whether the command ran`,
  ...E2E,
  ignore: !hasTmux(),
  async fn() {
    const h = await startHarness(target);
    const markers = {
      accept: `${homeOf(h)}/accepted-with-keys`,
      decline: `${homeOf(h)}/declined-with-keys`,
    };
    const model = startClaudeModel(({ lastMessage, tools }) => {
      const go = (prompt: string) =>
        tools.includes("mcp__cp__codex_chat")
          ? { tool: "mcp__cp__codex_chat", input: { cwd: h.project, prompt } }
          : { say: "NO CODEX TOOL YET" };
      if (lastMessage.includes("GO_LONG")) {
        return go(`FAKE_SLEEP_MS=${TURN_MS} a long task for claude`);
      }
      for (const [answer, marker] of Object.entries(markers)) {
        if (lastMessage.includes(`GO_${answer.toUpperCase()}`)) {
          return go(`${shell(`touch ${marker}`)} FAKE_ESCALATE`);
        }
      }
      const seen = lastMessage.match(/ECHO[^"\\]*/)?.[0] ?? "nothing";
      return { say: `MODEL SAW: ${seen}` };
    });
    const home = await h.tempDir("claude-home-");
    await claudeHome(home, h.project, {
      type: "stdio",
      command: DENO_SERVER_COMMAND[0],
      args: DENO_SERVER_COMMAND.slice(1),
      env: serverEnv({ ...h.env, CODEX_PERSISTENT_MCP_APPROVALS: "ask" }),
    });
    const terminal = await startTerminal(
      `claude-${Deno.pid}`,
      [CLAUDE_CODE],
      h.project,
      claudeEnv(home, model, { MCP_TOOL_TIMEOUT: String(TOOL_TIMEOUT_MS) }),
    );
    /** Sends `prompt` until the model answers with a call of our tool. */
    const ask = async (prompt: string): Promise<void> => {
      const called = await eventually(async () => {
        const before = model.seen.length;
        await terminal.keys(prompt, "Enter");
        await eventually(() => model.seen.length > before, 10_000);
        await new Promise((resolve) => setTimeout(resolve, 500));
        return model.seen.some((seen) => seen.includes('"tool_result"'));
      }, 30_000);
      assert(called, `Claude Code never called codex_chat for ${prompt}`);
    };
    try {
      await terminal.waitFor(
        "Claude Code's input",
        (screen) => screen.includes("❯") && screen.includes("auto mode"),
        60_000,
        (screen) => pastPrompts(terminal, screen),
      );
      await ask("GO_LONG");
      // The call went to the background at once, not through the timeout.
      const started = model.seen.find((seen) => seen.includes("tool_result"));
      assertStringIncludes(started ?? "", "started server-side task turn-");
      const notified = await eventually(
        () =>
          model.seen.some((seen) =>
            seen.includes("task-notification") &&
            seen.includes("a long task for claude")
          ),
        TURN_MS + 30_000,
      );
      assert(notified, "the task's reply never reached the model");
      await terminal.waitFor(
        "the model's answer to the task notification",
        (screen) => screen.includes("MODEL SAW: ECHO turns=1"),
        10_000,
      );
      assert(!model.seen.some((seen) => seen.includes("timed out")));

      for (const [answer, marker] of Object.entries(markers)) {
        const from = model.seen.length;
        await terminal.keys(`GO_${answer.toUpperCase()}`, "Enter");
        await terminal.waitFor(
          "the approval form",
          (screen) =>
            screen.includes("requests your input") &&
            screen.includes(`touch ${marker}`),
          30_000,
        );
        // The form's one field, then its buttons: Accept, then Decline.
        await terminal.keys("Down");
        if (answer === "decline") await terminal.keys("Right");
        const button = answer === "accept" ? "❯ Accept" : "❯ Decline";
        await terminal.waitFor(
          button,
          (screen) => screen.includes(button),
          5_000,
        );
        await terminal.keys("Enter");
        const settled = await eventually(
          () =>
            model.seen.slice(from).some((seen) =>
              seen.includes("task-notification") &&
              seen.includes("ECHO shell output")
            ),
          30_000,
        );
        assert(
          settled,
          `the ${answer}ed turn's reply never reached the model; screen:\n${await terminal
            .screen()}`,
        );
        assert(
          exists(marker) === (answer === "accept"),
          `${answer}: the command ${
            exists(marker) ? "ran" : "did not run"
          } outside the sandbox`,
        );
      }
    } finally {
      await terminal.close();
      await model.close();
      await h.close();
    }
  },
});
