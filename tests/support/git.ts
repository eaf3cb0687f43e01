/** Git repositories for end-to-end tests, made in a harness's project. */

import { assert } from "./assert.ts";
import type { Harness } from "./harness.ts";

/** Runs git in the project; its trimmed stdout. */
export async function git(h: Harness, ...args: string[]): Promise<string> {
  const output = await new Deno.Command("git", {
    args,
    cwd: h.project,
    env: {
      GIT_AUTHOR_NAME: "t",
      GIT_AUTHOR_EMAIL: "t@example.com",
      GIT_COMMITTER_NAME: "t",
      GIT_COMMITTER_EMAIL: "t@example.com",
    },
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert(output.success, new TextDecoder().decode(output.stderr));
  return new TextDecoder().decode(output.stdout).trim();
}

/**
 * A repository on `main` with app.ts committed, then changed to `change`
 * (uncommitted) when given.
 */
export async function repository(h: Harness, change?: string): Promise<void> {
  await git(h, "init", "-q", "-b", "main");
  await Deno.writeTextFile(`${h.project}/app.ts`, "export const a = 1;\n");
  await git(h, "add", ".");
  await git(h, "commit", "-qm", "first");
  if (change !== undefined) {
    await Deno.writeTextFile(`${h.project}/app.ts`, change);
  }
}
