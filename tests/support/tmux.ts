/** Real terminal programs (Codex's TUI, Claude Code) driven in tmux. */

/** A tmux server of our own, so tests never touch the user's sessions. */
const TMUX_SOCKET = "codex-persistent-mcp-tests";

/** Whether tmux is installed (.ci/run installs it). */
export function hasTmux(): boolean {
  try {
    new Deno.Command("tmux", { args: ["-V"], stdout: "null", stderr: "null" })
      .outputSync();
    return true;
  } catch {
    return false;
  }
}

/** Runs one tmux command on our server; its output. */
export async function tmux(...args: string[]): Promise<string> {
  const output = await new Deno.Command("tmux", {
    args: ["-L", TMUX_SOCKET, ...args],
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    throw new Error(
      `tmux ${args[0]} failed: ${new TextDecoder().decode(output.stderr)}`,
    );
  }
  return new TextDecoder().decode(output.stdout);
}

/** One program in its own tmux session. */
export interface Terminal {
  /** What the screen shows now. */
  screen(): Promise<string>;
  /**
   * Waits until `check` holds for the screen (each look may answer a
   * prompt on the way with `onScreen`); the screen then.
   */
  waitFor(
    what: string,
    check: (screen: string) => boolean,
    withinMs: number,
    onScreen?: (screen: string) => Promise<void>,
  ): Promise<string>;
  /** Sends keys (tmux key names, or text). */
  keys(...keys: string[]): Promise<void>;
  close(): Promise<void>;
}

/** Starts `command` in a new tmux session `name`, in `cwd`, with `env`. */
export async function startTerminal(
  name: string,
  command: string[],
  cwd: string,
  env: Record<string, string>,
): Promise<Terminal> {
  await tmux(
    "new-session",
    "-d",
    "-s",
    name,
    "-x",
    "200",
    "-y",
    "50",
    "-c",
    cwd,
    ...Object.entries(env).flatMap(([key, value]) => ["-e", `${key}=${value}`]),
    ...command,
  );
  const screen = () => tmux("capture-pane", "-p", "-t", name);
  return {
    screen,
    async waitFor(what, check, withinMs, onScreen) {
      let shown = "";
      const deadline = Date.now() + withinMs;
      while (Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 300));
        shown = await screen();
        if (check(shown)) return shown;
        await onScreen?.(shown);
      }
      throw new Error(`the screen never showed ${what}:\n${shown}`);
    },
    async keys(...keys) {
      await tmux("send-keys", "-t", name, ...keys);
    },
    async close() {
      await tmux("kill-session", "-t", name).catch(() => {});
    },
  };
}
