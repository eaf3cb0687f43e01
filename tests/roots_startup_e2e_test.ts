/**
 * Roots that mean `/` are refused at start-up, whatever their spelling or a
 * link in between: the server exits with one line naming the setting, so no
 * call can run Codex in `/etc`. Judged by outcome: the server process ends
 * before it answers anything.
 */

import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./support/assert.ts";
import { makeScratchDir } from "./support/codex.ts";
import { DENO_SERVER_COMMAND } from "./support/mcp.ts";

Deno.test("roots that are really / (/., /./, /tmp/.., /usr/../, a link to /) stop the server at start-up with one line", async () => {
  const scratch = await makeScratchDir("roots-");
  const link = `${scratch}/to-root`;
  await Deno.symlink("/", link);
  try {
    for (
      const roots of [
        "/.",
        "/./",
        "/tmp/..",
        "/usr/../",
        "//",
        link,
        `${scratch}:${link}/`,
      ]
    ) {
      const [command, ...args] = DENO_SERVER_COMMAND;
      const { code, stdout, stderr } = await new Deno.Command(command, {
        args,
        env: { CODEX_PERSISTENT_MCP_ROOTS: roots },
        stdin: "null",
        stdout: "piped",
        stderr: "piped",
      }).output();
      const text = new TextDecoder().decode(stderr).trim();
      assertEquals(code, 2, `server started with roots ${roots}: ${text}`);
      assertEquals(new TextDecoder().decode(stdout), "");
      assertStringIncludes(text, "CODEX_PERSISTENT_MCP_ROOTS");
      assertStringIncludes(text, "would let Codex work anywhere");
      assert(!text.includes("    at "), `a stack trace: ${text}`);
    }
  } finally {
    await Deno.remove(scratch, { recursive: true });
  }
});
