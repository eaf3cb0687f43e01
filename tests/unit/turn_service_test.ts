/**
 * The turn service in process, on a scripted backend: what it refuses
 * before any backend runs, what it hands the backend, shutdown, and the
 * fallback between backends.
 */

import {
  BackendUnavailableError,
  FallbackBackend,
  type TurnBackend,
} from "../../src/codex/backend.ts";
import type { TurnRequest } from "../../src/codex/turn_request.ts";
import { loadConfig } from "../../src/config.ts";
import { CodexError } from "../../src/errors.ts";
import { TurnService } from "../../src/turns/service.ts";
import { assert, assertEquals } from "../support/assert.ts";
import {
  Gate,
  ScriptedBackend,
  type TurnScript,
} from "../support/scripted_backend.ts";

interface Setup {
  turns: TurnService;
  backend: ScriptedBackend;
  project: string;
  close(): Promise<void>;
}

async function setup(
  script: TurnScript,
  env: Record<string, string> = {},
  capabilities?: ConstructorParameters<typeof ScriptedBackend>[2],
): Promise<Setup> {
  const root = await Deno.realPath(
    await Deno.makeTempDir({ prefix: "cpm-service-" }),
  );
  const project = `${root}/work/project`;
  await Deno.mkdir(project, { recursive: true });
  await Deno.mkdir(`${root}/home/.codex`, { recursive: true });
  const config = loadConfig({
    HOME: `${root}/home`,
    CODEX_HOME: `${root}/home/.codex`,
    CODEX_PERSISTENT_MCP_ROOTS: `${root}/work`,
    ...env,
  }, `${root}/work`);
  const backend = new ScriptedBackend(config.codexHome, script, capabilities);
  const turns = new TurnService(config, { backend });
  return {
    turns,
    backend,
    project,
    async close() {
      await turns.close();
      await Deno.remove(root, { recursive: true });
    },
  };
}

async function kindOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return "resolved";
  } catch (error) {
    return error instanceof CodexError ? error.kind : String(error);
  }
}

Deno.test("[turn service] refuses what the backend cannot do before it runs", async () => {
  const s = await setup(() => "ok", {}, {
    codexVersion: "0.77.0",
    reviewsInSession: false,
  });
  try {
    const first = await s.turns.start({
      tool: "t",
      prompt: "hi",
      cwd: s.project,
    }).result;
    const fork = s.turns.start({
      tool: "t",
      prompt: "more",
      sessionId: first.sessionId,
      fork: true,
    });
    assertEquals(await kindOf(fork.result), "not_supported");
    const review = s.turns.start({
      tool: "t",
      prompt: "",
      sessionId: first.sessionId,
      review: { type: "uncommitted" },
    });
    assertEquals(await kindOf(review.result), "not_supported");
    const above = s.turns.start({
      tool: "t",
      prompt: "x",
      cwd: s.project,
      sandbox: "danger-full-access",
    });
    assertEquals(await kindOf(above.result), "not_allowed");
    assertEquals(s.backend.requests.length, 1);
  } finally {
    await s.close();
  }
});

Deno.test("[turn service] hands the backend one explicit policy, and ids in order", async () => {
  const s = await setup(() => "ok");
  try {
    const a = s.turns.start({
      tool: "t",
      prompt: "a",
      cwd: s.project,
      sandbox: "workspace-write",
    });
    // No sandbox asked, none in the user's config: Codex's own default.
    const b = s.turns.start({ tool: "t", prompt: "b", cwd: s.project });
    await Promise.all([a.result, b.result]);
    assertEquals(
      s.backend.requests.map((request) => request.policy.sandbox).sort(),
      ["read-only", "workspace-write"],
    );
    const [n, m] = [a, b].map((turn) => Number(turn.id.split("-").at(-1)));
    assertEquals(m, n + 1);
    assert(a.id !== b.id);
  } finally {
    await s.close();
  }
});

Deno.test("[turn service] past the per-session queue bound a call is busy at once", async () => {
  const gate = new Gate();
  const s = await setup(async ({ prompt, stopped }) => {
    if (prompt !== "start") await Promise.race([gate.opened, stopped]);
    return "ok";
  }, { CODEX_PERSISTENT_MCP_MAX_QUEUED_PER_SESSION: "2" });
  try {
    const { sessionId } = await s.turns.start({
      tool: "t",
      prompt: "start",
      cwd: s.project,
    }).result;
    const held = [1, 2].map((i) =>
      s.turns.start({ tool: "t", prompt: `q${i}`, sessionId })
    );
    const refused = s.turns.start({ tool: "t", prompt: "q3", sessionId });
    assertEquals(await kindOf(refused.result), "busy");
    gate.open();
    await Promise.all(held.map((turn) => turn.result));
  } finally {
    await s.close();
  }
});

Deno.test("[turn service] close() stops running turns, closes the backend, and stops later calls", async () => {
  const s = await setup(async ({ stopped }) => {
    await stopped;
    return "never";
  });
  try {
    const running = s.turns.start({ tool: "t", prompt: "x", cwd: s.project });
    await running.named;
    await s.turns.close();
    assertEquals(await kindOf(running.result), "cancelled");
    assert(s.backend.closed);
    const late = s.turns.start({ tool: "t", prompt: "y", cwd: s.project });
    assertEquals(await kindOf(late.result), "cancelled");
    assertEquals(s.backend.requests.length, 1);
  } finally {
    await s.close();
  }
});

Deno.test("[fallback backend] the fallback serves only what the primary cannot", async () => {
  const served: string[] = [];
  const heard: string[] = [];
  const backend = (
    name: string,
    run: (request: TurnRequest) => Promise<string>,
  ): TurnBackend => ({
    runTurn: async (request) => {
      const reply = await run(request);
      served.push(name);
      return { sessionId: "s", reply };
    },
    capabilities: () =>
      Promise.resolve({ codexVersion: name, reviewsInSession: true }),
    close: () => Promise.resolve(),
  });
  const both = new FallbackBackend(
    backend("primary", ({ input }) => {
      const prompt = input.kind === "prompt" ? input.text : "";
      if (prompt === "cannot") {
        throw new BackendUnavailableError("no app-server");
      }
      if (prompt === "fails") {
        throw new CodexError("codex_failed", "the turn failed");
      }
      return Promise.resolve("p");
    }),
    backend("fallback", () => Promise.resolve("f")),
    (why) => heard.push(why.message),
  );
  const request = (text: string) =>
    ({ input: { kind: "prompt", text } }) as TurnRequest;
  assertEquals((await both.runTurn(request("ok"))).reply, "p");
  assertEquals((await both.runTurn(request("cannot"))).reply, "f");
  assertEquals(await kindOf(both.runTurn(request("fails"))), "codex_failed");
  assertEquals(served, ["primary", "fallback"]);
  assertEquals(heard, ["no app-server"]);
  assertEquals((await both.capabilities()).codexVersion, "primary");
});
