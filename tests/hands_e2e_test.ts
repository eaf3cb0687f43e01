/**
 * End to end: Codex's hands, not only its voice. Sandbox per call under the
 * user's ceiling, images, replies in a JSON shape, and all their bad inputs.
 */

import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./support/assert.ts";
import { e2eTests, type Harness } from "./support/harness.ts";
import { collectLogs } from "./support/mcp.ts";

/** A 1×1 PNG. */
const PNG = Uint8Array.from(
  atob(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  ),
  (char) => char.charCodeAt(0),
);

/** Whether Codex left `name` in the project. */
function exists(h: Harness, name: string): boolean {
  try {
    Deno.statSync(`${h.project}/${name}`);
    return true;
  } catch {
    return false;
  }
}

const SCHEMA = {
  type: "object",
  properties: { echo: { type: "string" } },
  required: ["echo"],
  additionalProperties: false,
};

e2eTests(
  "sandbox per call: a write fails read-only and succeeds with workspace-write on a resumed session, and never leaks into the next call",
  async (h) => {
    const sessionId = await h.newSession();
    await h.turn({
      session_id: sessionId,
      sandbox: "read-only",
      prompt: "FAKE_SHELL=touch_readonly.txt",
    });
    assert(!exists(h, "readonly.txt"), "read-only let Codex write");
    const written = await h.turn({
      session_id: sessionId,
      sandbox: "workspace-write",
      prompt: "FAKE_SHELL=touch_written.txt",
    });
    assertStringIncludes(written.reply, "ECHO shell output");
    assert(exists(h, "written.txt"), "workspace-write did not let it write");
    // Without sandbox the user's configuration (read-only here) decides,
    // even on an app-server that just ran workspace-write.
    await h.turn({
      session_id: sessionId,
      prompt: "FAKE_SHELL=touch_inherited.txt",
    });
    assert(!exists(h, "inherited.txt"), "the last call's sandbox leaked");
  },
);

e2eTests(
  "danger-full-access is refused under the default ceiling before Codex runs, naming the variable",
  async (h) => {
    const text = await h.toolError(
      "codex_chat",
      { cwd: h.project, prompt: "x", sandbox: "danger-full-access" },
      "failed (not_allowed)",
      'sandbox "danger-full-access" is above what this server allows ("workspace-write", CODEX_PERSISTENT_MCP_MAX_SANDBOX)',
    );
    assertStringIncludes(text, "Only the user can raise the ceiling");
    await h.toolError(
      "codex_chat",
      { cwd: h.project, prompt: "x", sandbox: "root" },
      "sandbox must be one of: read-only, workspace-write, danger-full-access",
    );
    assertEquals(h.fake.requests.length, 0, "Codex ran");
  },
);

e2eTests(
  "danger-full-access runs when the user's ceiling allows it",
  async (h) => {
    await h.turn({
      cwd: h.project,
      sandbox: "danger-full-access",
      prompt: "FAKE_SHELL=touch_free.txt",
    });
    assert(exists(h, "free.txt"));
  },
  { CODEX_PERSISTENT_MCP_MAX_SANDBOX: "danger-full-access" },
);

e2eTests(
  "an image reaches the model as an input image; bad images are refused before Codex runs, by name",
  async (h) => {
    const dir = await h.tempDir("images-");
    await Deno.writeFile(`${dir}/shot.png`, PNG);
    const { sessionId } = await h.turn({
      cwd: h.project,
      prompt: "what is in the picture?",
      images: [`${dir}/shot.png`],
    });
    const [image, ...more] = h.fake.requests.at(-1)!.images;
    assertEquals(more, []);
    assert(image.startsWith("data:image/png;base64,"), image.slice(0, 40));
    // On a resumed session too: the history's image and the new one.
    const resumed = await h.turn({
      session_id: sessionId,
      prompt: "and this one?",
      images: [`${dir}/shot.png`],
    });
    assertStringIncludes(resumed.reply, "ECHO turns=2");
    assertEquals(h.fake.requests.at(-1)!.images.length, 2);
    await Deno.writeTextFile(`${dir}/notes.txt`, "text");
    await Deno.writeFile(`${dir}/empty.png`, new Uint8Array());
    for (
      const [path, problem] of [
        ["shot.png", "is not an absolute path"],
        [`${dir}/missing.png`, "does not exist"],
        [`${dir}/notes.txt`, "is not a png, jpeg, gif or webp file"],
        [`${dir}/empty.png`, "is empty"],
        [`${dir}/a,b.png`, "has a comma in its path"],
      ]
    ) {
      await h.toolError(
        "codex_chat",
        { cwd: h.project, prompt: "x", images: [path] },
        `failed (bad_input): image ${JSON.stringify(path)} ${problem}.`,
      );
    }
    assertEquals(h.fake.requests.length, 2, "Codex ran for a bad image");
  },
);

e2eTests(
  "output_schema reaches the model as its text format and the reply comes back parsed",
  async (h) => {
    const logs = collectLogs(h.server.client);
    const { result, reply } = await h.turn({
      cwd: h.project,
      prompt: "answer in JSON",
      output_schema: SCHEMA,
    });
    const format = h.fake.requests.at(-1)!.textFormat as {
      type: string;
      schema: unknown;
    };
    assertEquals(format.type, "json_schema");
    assertEquals(format.schema, SCHEMA);
    assertEquals(result.structuredContent?.parsed, JSON.parse(reply));
    assertStringIncludes(
      (result.structuredContent?.parsed as { echo: string }).echo,
      "ECHO turns=1",
    );
    // 0.77.0's app-server takes no schema: that call ran with exec.
    assertEquals(
      logs.some((line) => line.includes("takes no output schema")),
      h.backend === "app-server" && h.version === "0.77.0",
      logs.join(" | "),
    );
    // A resumed call without a schema answers in prose again.
    const prose = await h.turn({
      session_id: result.structuredContent?.session_id,
      prompt: "and now in words",
    });
    assertEquals(prose.result.structuredContent?.parsed, undefined);
    assertStringIncludes(prose.reply, "ECHO turns=2");
    // A schema on a session whose app-server is warm still arrives.
    const again = await h.turn({
      session_id: prose.sessionId,
      prompt: "JSON again",
      output_schema: SCHEMA,
    });
    assertEquals(
      (h.fake.requests.at(-1)!.textFormat as { schema: unknown }).schema,
      SCHEMA,
    );
    assertStringIncludes(
      (again.result.structuredContent?.parsed as { echo: string }).echo,
      "ECHO turns=3",
    );
  },
);

e2eTests(
  "a reply that is not JSON is a clear error with the session and the raw reply; a schema that is no object is refused",
  async (h) => {
    const text = await h.toolError(
      "codex_chat",
      { cwd: h.project, prompt: "FAKE_NOT_JSON", output_schema: SCHEMA },
      "failed (reply_not_json)",
      "does not parse as JSON",
      "session_id: ",
      "ECHO turns=1",
    );
    assert(/session_id: [0-9a-f-]{36}/.test(text), text);
    for (const schema of ["string", [1, 2], 3]) {
      await h.toolError(
        "codex_chat",
        { cwd: h.project, prompt: "x", output_schema: schema },
        "output_schema must be a JSON Schema object",
      );
    }
    assertEquals(h.fake.requests.length, 1);
  },
);
