/** Codex's session store: finding a session by id, reading its first line, scanning and paging its messages. */

import {
  findRolloutFile,
  readConversationPage,
  readSessionMeta,
  scanRollout,
} from "../../src/store/rollout_files.ts";
import { originInstructions, splitOriginHeader } from "../../src/header.ts";
import { assertEquals } from "../support/assert.ts";

async function storeWith(files: Record<string, string>): Promise<string> {
  const home = await Deno.makeTempDir();
  for (const [path, text] of Object.entries(files)) {
    await Deno.mkdir(`${home}/${path.slice(0, path.lastIndexOf("/"))}`, {
      recursive: true,
    });
    await Deno.writeTextFile(`${home}/${path}`, text);
  }
  return home;
}

for (const version of ["0.77.0", "0.169.0"]) {
  Deno.test(`[${version}] a recorded rollout is found by id in its own day folder, and its cwd read from the first line`, async () => {
    const rollout = Deno.readTextFileSync(
      new URL(
        `../fixtures/${version}/session_rollout_ok_plus_resume.jsonl`,
        import.meta.url,
      ),
    );
    const id = JSON.parse(rollout.split("\n")[0]).payload.id as string;
    // The day folder is local time of the id's timestamp; put it where Codex would.
    const created = new Date(parseInt(id.slice(0, 8) + id.slice(9, 13), 16));
    const day = `${created.getFullYear()}/${
      String(created.getMonth() + 1).padStart(2, "0")
    }/${String(created.getDate()).padStart(2, "0")}`;
    const home = await storeWith({
      [`sessions/${day}/rollout-2026-11-23T23-53-30-${id}.jsonl`]: rollout,
      // A scan of every day folder, newest first, would find this one: only
      // the id's own day folder (from its UUIDv7 time) leads to the right file.
      [`sessions/2099/12/31/rollout-2099-12-31T00-00-00-${id}.jsonl`]: "decoy",
    });
    try {
      const path = await findRolloutFile(home, id);
      assertEquals(
        path,
        `${home}/sessions/${day}/rollout-2026-11-23T23-53-30-${id}.jsonl`,
      );
      const meta = await readSessionMeta(path!);
      assertEquals(meta?.cwd, "/home/dev/proj");
      assertEquals(meta?.cliVersion, version);
    } finally {
      await Deno.remove(home, { recursive: true });
    }
  });
}

Deno.test("a session in an unexpected day folder, or with a non-v7 id, is still found", async () => {
  const v4 = "3f2b8c1e-9d4a-4b6e-8f00-123456789abc";
  const v7 = "01a20ad4-3b48-7682-848b-3b8e5878fb23";
  const meta = (id: string) =>
    JSON.stringify({ type: "session_meta", payload: { id, cwd: "/p" } }) + "\n";
  const home = await storeWith({
    [`sessions/2020/01/01/rollout-2020-01-01T00-00-00-${v7}.jsonl`]: meta(v7),
    [`sessions/2024/05/06/rollout-2024-05-06T00-00-00-${v4}.jsonl`]: meta(v4),
  });
  try {
    assertEquals(
      await findRolloutFile(home, v7),
      `${home}/sessions/2020/01/01/rollout-2020-01-01T00-00-00-${v7}.jsonl`,
    );
    assertEquals(
      await findRolloutFile(home, v4.toUpperCase()),
      `${home}/sessions/2024/05/06/rollout-2024-05-06T00-00-00-${v4}.jsonl`,
    );
    assertEquals(
      await findRolloutFile(home, "01a20ad4-0000-7000-8000-000000000000"),
      undefined,
    );
    assertEquals(await findRolloutFile(`${home}/missing`, v7), undefined);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

Deno.test("readSessionMeta reads a 40 KB first line and rejects files that are not rollouts", async () => {
  const big = JSON.stringify({
    type: "session_meta",
    payload: { id: "x", cwd: "/big", base_instructions: "b".repeat(40_000) },
  });
  const home = await storeWith({
    "a.jsonl": `${big}\n${"tail".repeat(100_000)}`,
    "b.jsonl": "not json\n",
    "c.jsonl": "",
  });
  try {
    assertEquals((await readSessionMeta(`${home}/a.jsonl`))?.cwd, "/big");
    assertEquals(await readSessionMeta(`${home}/b.jsonl`), undefined);
    assertEquals(await readSessionMeta(`${home}/c.jsonl`), undefined);
  } finally {
    await Deno.remove(home, { recursive: true });
  }
});

/** A rollout as the app-server backend leaves it: the origin in developer instructions. */
function appServerRollout(): string[] {
  const item = (role: string, text: string) =>
    JSON.stringify({
      timestamp: "2026-11-24T10:00:00Z",
      type: "response_item",
      payload: {
        type: "message",
        role,
        content: [{
          type: role === "assistant" ? "output_text" : "input_text",
          text,
        }],
      },
    }) + "\n";
  return [
    // Long enough that the next line straddles the scanner's 1 MiB reads.
    JSON.stringify({
      type: "session_meta",
      payload: {
        id: "x",
        cwd: "/p",
        instructions: "i".repeat(1024 * 1024 - 100),
      },
    }) + "\n",
    item(
      "developer",
      originInstructions({ origin: "agent A", tool: "codex_plan" }),
    ),
    item(
      "user",
      "<environment_context>\n  <cwd>/p</cwd>\n</environment_context>",
    ),
    item("user", "first"),
    item("assistant", "reply 1"),
    // Codex may repeat developer instructions later; only the leading one counts.
    item(
      "developer",
      originInstructions({ origin: "agent B", tool: "codex_chat" }),
    ),
    item("user", "second, typed by hand"),
    item("assistant", "reply 2"),
  ];
}

Deno.test("an origin kept in developer instructions goes back onto the first message only", async () => {
  const lines = appServerRollout();
  const path = await Deno.makeTempFile();
  try {
    // Codex has written the note but not yet the message it belongs to.
    await Deno.writeTextFile(path, lines.slice(0, 3).join(""));
    const partial = await scanRollout(path, 0);
    assertEquals(partial.userMessages, 0);
    assertEquals(partial.scannedTo, lines[0].length, "the note is rescanned");

    await Deno.writeTextFile(path, lines.join(""));
    const rest = await scanRollout(path, partial.scannedTo);
    assertEquals(rest.userMessages, 2);
    assertEquals(splitOriginHeader(rest.firstUserMessage!), {
      text: "first",
      header: { origin: "agent A", tool: "codex_plan" },
    });

    const size = (await Deno.stat(path)).size;
    const newest = await readConversationPage(path, { turns: 1, size });
    assertEquals(newest.messages.map((m) => m.text), [
      "second, typed by hand",
      "reply 2",
    ]);
    const oldest = await readConversationPage(path, {
      turns: 1,
      size,
      before: newest.nextBefore,
    });
    assertEquals(oldest.nextBefore, undefined, "nothing older than turn 1");
    assertEquals(splitOriginHeader(oldest.messages[0].text).header, {
      origin: "agent A",
      tool: "codex_plan",
    });
    const whole = await readConversationPage(path, { turns: 10, size });
    assertEquals(
      whole.messages.map((m) => splitOriginHeader(m.text).header?.origin),
      ["agent A", undefined, undefined, undefined],
    );
  } finally {
    await Deno.remove(path);
  }
});
