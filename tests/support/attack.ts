/**
 * Helpers for tests that try the server as an attacker would and judge it
 * by outcome: files written or not, commands run or not.
 */

import { assert } from "./assert.ts";
import type { Harness } from "./harness.ts";

/** Whether `path` exists. */
export function exists(path: string): boolean {
  try {
    Deno.lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * A prompt that makes the fake model have Codex run `command` in its shell
 * (the directive spells spaces as "_", so the command may hold none; write
 * "\137" inside a printf format instead).
 */
export function shell(command: string): string {
  assert(!command.includes("_"), `no "_" in a FAKE_SHELL command: ${command}`);
  return `FAKE_SHELL=${command.replaceAll(" ", "_")}`;
}

/** The scratch home that holds the harness's CODEX_HOME (`<home>/.codex`). */
export function homeOf(h: Harness): string {
  return h.codexHome.replace(/\/\.codex$/, "");
}

/**
 * Adds to the harness's Codex config: `top` (top-level keys) before
 * everything, `provider` inside `[model_providers.fake]` (the last table),
 * then `tables`.
 */
export async function editCodexConfig(
  h: Harness,
  { top = "", provider = "", tables = "" }: {
    top?: string;
    provider?: string;
    tables?: string;
  },
): Promise<void> {
  const path = `${h.codexHome}/config.toml`;
  const config = await Deno.readTextFile(path);
  await Deno.writeTextFile(
    path,
    `${top}\n${config}\n${provider}\n${tables}\n`,
  );
}

/**
 * A prompt that makes the fake model have Codex run `command` in its shell,
 * whatever it holds (lines, underscores, quotes).
 */
export function script(command: string): string {
  const bytes = new TextEncoder().encode(command);
  return `FAKE_SCRIPT=${btoa(String.fromCharCode(...bytes))}`;
}

/** A script that makes Codex apply `patch` (the body between Begin and End). */
export function applyPatch(patch: string): string {
  return script(
    `apply_patch <<'EOF'\n*** Begin Patch\n${patch}\n*** End Patch\nEOF\n`,
  );
}
