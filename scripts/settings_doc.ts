/**
 * Rewrites README.md's settings table from `src/settings.ts` (between the
 * `settings:begin` and `settings:end` markers), then formats README.md.
 *
 *   deno task docs:settings
 */

import { settingsTable } from "../src/settings.ts";

const README = new URL("../README.md", import.meta.url);
const BEGIN = "<!-- settings:begin -->";
const END = "<!-- settings:end -->";

const text = await Deno.readTextFile(README);
const start = text.indexOf(BEGIN);
const end = text.indexOf(END);
if (start < 0 || end < start) {
  throw new Error(`README.md has no ${BEGIN} … ${END} block`);
}
await Deno.writeTextFile(
  README,
  `${text.slice(0, start + BEGIN.length)}\n\n${settingsTable()}\n\n${
    text.slice(end)
  }`,
);
const fmt = await new Deno.Command(Deno.execPath(), {
  args: ["fmt", README.pathname],
}).output();
if (!fmt.success) throw new Error(new TextDecoder().decode(fmt.stderr));
console.log("README.md: settings table rewritten");
