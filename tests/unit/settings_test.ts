/**
 * The settings have one source: README's table and `--help` are made from
 * `src/settings.ts`, and every variable the configuration reads is in it.
 */

import { SETTINGS, settingsHelp, settingsTable } from "../../src/settings.ts";
import { assert, assertEquals } from "../support/assert.ts";

/** A Markdown table's rows as trimmed cells (alignment ignored). */
function rows(table: string): string[][] {
  return table.split("\n").filter((line) => line.startsWith("|"))
    .filter((line) => !/^\|[\s|:-]+\|$/.test(line))
    .map((line) => line.slice(1, -1).split(" | ").map((cell) => cell.trim()));
}

Deno.test("README's settings table is the one settings.ts makes (deno task docs:settings)", async () => {
  const readme = await Deno.readTextFile(
    new URL("../../README.md", import.meta.url),
  );
  const block = readme.split("<!-- settings:begin -->")[1]?.split(
    "<!-- settings:end -->",
  )[0];
  assert(block !== undefined, "README.md has no settings block");
  assertEquals(rows(block), rows(settingsTable()));
});

Deno.test("every variable the configuration reads is a documented setting, listed by --help", async () => {
  const sources = await Promise.all(
    ["../../src/config.ts", "../../src/store/rollout_files.ts"].map((path) =>
      Deno.readTextFile(new URL(path, import.meta.url))
    ),
  );
  const read = new Set(
    sources.join("\n").match(/\b(CODEX_[A-Z_]+)\b/g)!.filter((name) =>
      name !== "CODEX_PERSISTENT_MCP_TREE"
    ),
  );
  const documented = SETTINGS.map((setting) => setting.name);
  assertEquals([...read].filter((name) => !documented.includes(name)), []);
  const help = settingsHelp();
  for (const name of documented) assert(help.includes(`  ${name}  `), name);
});
