/**
 * End to end, as an attacker who races the cwd check: one turn (workspace-
 * write in the root) keeps swapping a directory for a link to a place
 * outside the roots or to Codex's home, while other calls ask to work in
 * that directory. Codex resolves `cwd` again at every command, so a call
 * whose check passed could run its command through the link. Judged by
 * outcome: nothing is ever written outside the roots or in Codex's home,
 * on every Codex version and backend.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { exists, homeOf, shell } from "./support/attack.ts";
import { e2eTests } from "./support/harness.ts";
import { callTool, resultText, startServer } from "./support/mcp.ts";

/** Swaps `d` for a link to each target in turn, `rounds` times. */
const SWAP_SCRIPT = `i=0
while [ $i -lt $1 ]; do
  for target in "$2" "$3"; do
    mv d d.real && ln -s "$target" d
    sleep 0.05
    rm -f d && mv d.real d
    sleep 0.02
  done
  i=$((i+1))
done
`;

e2eTests(
  "a turn that swaps a checked directory for a link while other calls work there never moves them outside the roots or into Codex's home",
  async (h) => {
    const root = h.project;
    const outside = `${homeOf(h)}/outside`;
    await Deno.mkdir(outside);
    await Deno.mkdir(`${root}/d`);
    await Deno.writeTextFile(`${root}/swap.sh`, SWAP_SCRIPT);
    // Only the project is a root: the scratch home (and Codex's home in
    // it) lies outside.
    const server = await startServer({
      ...h.env,
      CODEX_PERSISTENT_MCP_ROOTS: root,
    });
    try {
      const swapping = await callTool(server.client, "codex_chat", {
        cwd: root,
        sandbox: "workspace-write",
        background: true,
        prompt: shell(`sh swap.sh 40 ${outside} ${h.codexHome}`),
      });
      assert(!swapping.isError, resultText(swapping));
      const { session_id, turn_id } = swapping.structuredContent as {
        session_id: string;
        turn_id: string;
      };
      let swapped = false;
      const done = callTool(server.client, "codex_wait", {
        session_id,
        turn_id,
      }).finally(() => swapped = true);
      const outcomes: string[] = [];
      let k = 0;
      // Three callers keep asking to work in d while the swap goes on.
      await Promise.all([0, 1, 2].map(async () => {
        while (!swapped) {
          const marker = `pwned${++k}`;
          const result = await callTool(server.client, "codex_chat", {
            cwd: `${root}/d`,
            sandbox: "workspace-write",
            prompt: shell(`touch ${marker}`),
          });
          outcomes.push(
            result.isError
              ? resultText(result).slice(0, 120)
              : `${marker}: ran`,
          );
        }
      }));
      const swap = await done;
      assert(!swap.isError, resultText(swap));
      const written = [...Deno.readDirSync(outside)].map((entry) => entry.name);
      const ran = outcomes.filter((outcome) => outcome.endsWith(": ran"));
      const summary = `${ran.length} of ${outcomes.length} calls ran`;
      assertEquals(written, [], `written outside the roots (${summary})`);
      const inHome = [...Deno.readDirSync(h.codexHome)]
        .map((entry) => entry.name).filter((name) => name.startsWith("pwned"));
      assertEquals(inHome, [], `written in Codex's home (${summary})`);
      // The calls that ran wrote where they were told.
      for (const outcome of ran) {
        const marker = outcome.split(":")[0];
        assert(exists(`${root}/d/${marker}`), `${marker} is not in d`);
      }
      assert(ran.length > 0, summary);
    } finally {
      await server.close();
    }
  },
);
