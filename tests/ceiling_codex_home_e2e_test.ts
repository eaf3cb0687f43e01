/**
 * End to end, as an attacker: Codex's home (the user's key in `auth.json`,
 * every session's transcript) is unreadable to the sandboxed shell where
 * Codex can deny reads (0.171.0 on), whatever sandbox the call asks; older
 * versions cannot deny reads, as the README says, and the test pins that
 * down too. Judged by outcome: what a command could copy out.
 */

import { assert, assertEquals } from "./support/assert.ts";
import { exists, script } from "./support/attack.ts";
import { e2eTests } from "./support/harness.ts";
import { versionAtLeast } from "../src/codex/version.ts";
import { READ_DENIAL_SINCE } from "../src/codex/permission_profile.ts";

const KEY = "sk-proj-the-users-own-key-0123456789";

/**
 * A command that prints `LEAK:` and what it can read of Codex's home and
 * the server's cache: `o` for the key (`own-key`), `p` for the earlier
 * session's words, `c` for what the cache holds (short: the fake model
 * echoes 200 characters; `ke[y]`: a pattern must not match itself, which
 * the session transcripts record).
 */
function leakProbe(home: string, cache: string): string {
  return `echo LEAK:$(cat ${home}/auth.json ${home}/sessions/*/*/*/*.jsonl ${cache}/* 2>/dev/null | grep -o -e 'cached-previe[w]' -e 'own-ke[y]' -e 'private-word[s]' | sort -u | cut -c1 | tr -d '\\n')`;
}

e2eTests(
  "a sandboxed command cannot read Codex's home or the server's own cache, in read-only or workspace-write, and the sandbox still writes where it should",
  async (h) => {
    await Deno.writeTextFile(
      `${h.codexHome}/auth.json`,
      JSON.stringify({ OPENAI_API_KEY: KEY }),
    );
    await h.newSession("the earlier session's private-words");
    const cache = h.env.CODEX_PERSISTENT_MCP_CACHE_DIR;
    await Deno.writeTextFile(`${cache}/planted.json`, "a cached-preview");
    const found = { "workspace-write": "", "read-only": "" };
    for (const sandbox of ["workspace-write", "read-only"] as const) {
      const { reply } = await h.turn({
        cwd: h.project,
        sandbox,
        prompt: script(
          `{ echo ok > ${h.project}/in-cwd; echo ok > /tmp/cpm-probe-$$ && rm /tmp/cpm-probe-$$ && echo ok > ${h.project}/in-tmp; } 2>/dev/null; ${
            leakProbe(h.codexHome, cache)
          }`,
        ),
      });
      found[sandbox] = reply.match(/LEAK:([a-z]*)/)?.[1] ??
        `no probe: ${reply}`;
    }
    // The sandbox is still the sandbox: workspace-write writes its cwd and
    // /tmp (and read-only nothing, else the files would be there either way).
    assert(
      exists(`${h.project}/in-cwd`),
      "workspace-write could not write its cwd",
    );
    assert(
      exists(`${h.project}/in-tmp`),
      "workspace-write could not write /tmp",
    );
    const all = "cop";
    const expected = versionAtLeast(h.version, READ_DENIAL_SINCE)
      ? { "workspace-write": "", "read-only": "" }
      // What the README says remains on older versions.
      : { "workspace-write": all, "read-only": all };
    assertEquals(found, expected);
  },
);
