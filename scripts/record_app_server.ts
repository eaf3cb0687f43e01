/**
 * Records what `codex app-server` sends during a few turns, for the unit
 * tests of the notification → event mapping (tests/app_server_events_test.ts):
 * for each pinned Codex version, against the fake model, one file per case
 * in tests/fixtures/<version>/app_server_<case>.jsonl with every line the
 * app-server wrote (answers and notifications), paths replaced by
 * /home/dev/…. Rerun it after pinning another Codex version:
 *
 *   deno task setup && deno run -A scripts/record_app_server.ts
 */

import {
  CODEX_VERSIONS,
  codexBin,
  makeCodexHome,
  makeProjectDir,
} from "../tests/support/codex.ts";
import { startFakeModel } from "../tests/support/fake_model.ts";
import { startProcess } from "../src/runtime/process_tree.ts";
import { TextLineStream } from "../src/text_line_stream.ts";

/** Case name → the prompt that steers the fake model. */
const CASES: Record<string, string> = {
  ok: "hello",
  stream: "FAKE_STREAM_MS=30 streamed",
  shell: "FAKE_SHELL run it",
  failed: "FAKE_FAIL",
};

const root = new URL("../", import.meta.url).pathname;

async function record(version: string, prompt: string): Promise<string[]> {
  const fake = startFakeModel();
  const home = await makeCodexHome(fake.baseUrl);
  const project = await makeProjectDir();
  const child = startProcess(codexBin(version), ["app-server"], {
    env: { CODEX_HOME: home },
  });
  // Drained, not closed: a closed pipe would end Codex on its first warning.
  child.stderr.pipeTo(new WritableStream()).catch(() => {});
  const writer = child.stdin.getWriter();
  const send = (message: unknown) =>
    writer.write(new TextEncoder().encode(`${JSON.stringify(message)}\n`));
  const lines: string[] = [];
  const reader = child.stdout.pipeThrough(new TextDecoderStream())
    .pipeThrough(new TextLineStream()).getReader();
  /** Reads lines until one satisfies `done`; returns that line, parsed. */
  const until = async (
    done: (message: Record<string, unknown>) => boolean,
  ): Promise<Record<string, unknown>> => {
    for (;;) {
      const { value, done: ended } = await reader.read();
      if (ended) throw new Error(`codex ${version} app-server ended early`);
      lines.push(value);
      const message = JSON.parse(value);
      if (done(message)) return message;
    }
  };
  try {
    await send({
      id: 1,
      method: "initialize",
      params: { clientInfo: { name: "recorder", title: null, version: "0" } },
    });
    await until((m) => m.id === 1);
    await send({ method: "initialized" });
    await send({
      id: 2,
      method: "thread/start",
      params: { cwd: project, approvalPolicy: "never", sandbox: "read-only" },
    });
    const started = await until((m) => m.id === 2);
    const threadId = (started.result as { thread: { id: string } }).thread.id;
    await send({
      id: 3,
      method: "turn/start",
      params: { threadId, input: [{ type: "text", text: prompt }] },
    });
    await until((m) => m.method === "turn/completed");
  } finally {
    await writer.close().catch(() => {});
    await child.exited;
    child.killTree("SIGKILL");
    await fake.close();
    await Deno.remove(home, { recursive: true });
    await Deno.remove(project, { recursive: true });
  }
  return lines.map((line) =>
    line.replaceAll(home, "/home/dev/.codex").replaceAll(
      project,
      "/home/dev/proj",
    )
  );
}

for (const version of CODEX_VERSIONS) {
  for (const [name, prompt] of Object.entries(CASES)) {
    const lines = await record(version, prompt);
    const path = `${root}tests/fixtures/${version}/app_server_${name}.jsonl`;
    await Deno.writeTextFile(path, lines.join("\n") + "\n");
    console.error(`${path}: ${lines.length} lines`);
  }
}
