/**
 * What a user sees in Codex's own `codex resume` picker: sessions made through
 * the app-server backend are listed in their cwd, previewed by the user's
 * text, never by our header. Drives the real TUI in tmux and reads the screen.
 */

import { assert } from "./support/assert.ts";
import { CODEX_VERSIONS, codexProcesses } from "./support/codex.ts";
import { E2E, eventually, startHarness } from "./support/harness.ts";
import { hasTmux, startTerminal, tmux } from "./support/tmux.ts";

/**
 * Opens the picker and returns its screen once `expected` shows. Codex 0.77.0
 * first asks whether to trust the folder: Enter accepts its default.
 */
async function pickerScreen(
  name: string,
  command: string[],
  env: { codexHome: string; cwd: string },
  expected: string,
): Promise<string> {
  const terminal = await startTerminal(name, command, env.cwd, {
    CODEX_HOME: env.codexHome,
  });
  return await terminal.waitFor(
    `the picker with "${expected}"`,
    (screen) =>
      screen.includes("Resume a previous session") && screen.includes(expected),
    30_000,
    async (screen) => {
      if (screen.includes("Press enter to continue")) {
        await terminal.keys("Enter");
      }
    },
  );
}

async function closePicker(name: string, codexHome: string): Promise<void> {
  await tmux("kill-session", "-t", name).catch(() => {});
  await eventually(() => codexProcesses(codexHome).length === 0, 5_000);
}

for (const version of CODEX_VERSIONS) {
  Deno.test({
    name:
      `[codex ${version} · app-server] the codex resume picker lists the session in its cwd, previewed by the user's text`,
    ...E2E,
    // .ci/run installs tmux and counts its absence as a failure.
    ignore: !hasTmux(),
    async fn() {
      const h = await startHarness({
        version,
        backend: "app-server",
        label: "",
      });
      const name = `picker-${version.replaceAll(".", "-")}-${Deno.pid}`;
      try {
        await h.newSession("Refactor the parser please\nand keep the API");
        await h.releaseSessions();
        // 0.169.0 would otherwise attach the picker to a shared daemon.
        const args = version === "0.77.0"
          ? ["resume"]
          : ["resume", "--no-daemon"];
        const screen = await pickerScreen(
          name,
          [h.bin, ...args],
          { codexHome: h.codexHome, cwd: h.project },
          "Refactor the parser please",
        );
        assert(
          !screen.includes("MCP_CONTEXT") && !screen.includes("origin="),
          `our header shows in the picker:\n${screen}`,
        );
      } finally {
        await closePicker(name, h.codexHome);
        await h.close();
      }
    },
  });
}
