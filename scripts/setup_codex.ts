/**
 * Installs the pinned Codex CLI versions the tests run against into .tools/
 * (from npm; each is ~400 MB with its native binary). Skips versions already
 * there.
 */

import { CODEX_VERSIONS } from "../tests/support/codex.ts";

const root = new URL("../", import.meta.url).pathname;
const npm = Deno.build.os === "windows" ? "npm.cmd" : "npm";

for (const version of CODEX_VERSIONS) {
  const prefix = `${root}.tools/codex-${version}`;
  try {
    Deno.statSync(`${prefix}/node_modules/.bin/codex`);
    continue;
  } catch {
    // Not installed yet.
  }
  console.error(`Installing @openai/codex@${version} into ${prefix} …`);
  const { code } = await new Deno.Command(npm, {
    args: [
      "install",
      "--prefix",
      prefix,
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      `@openai/codex@${version}`,
    ],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) {
    console.error(
      `npm install @openai/codex@${version} failed (exit ${code}).`,
    );
    Deno.exit(1);
  }
}
