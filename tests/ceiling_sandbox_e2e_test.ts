/**
 * End to end, as an attacker: what Codex may do. One effective sandbox per
 * call, the lower of what the call asks (else the user's own default, as
 * Codex resolves it) and the user's ceiling, given to every Codex process,
 * turn and review; the user's workspace-write settings kept; the server's
 * secrets out of Codex's shell. Judged by outcome.
 */

import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "./support/assert.ts";
import { editCodexConfig, exists, homeOf, shell } from "./support/attack.ts";
import { git, repository } from "./support/git.ts";
import { e2eTests, TARGETS } from "./support/harness.ts";

e2eTests(
  "the user's default sandbox is read as Codex reads it: an inactive profile and single quotes change nothing",
  async (h) => {
    await editCodexConfig(h, {
      top: "sandbox_mode = 'read-only'",
      tables: '[profiles.wild]\nsandbox_mode = "danger-full-access"',
    });
    await h.turn({
      cwd: h.project,
      prompt: shell(`touch ${h.project}/inside ${homeOf(h)}/outside`),
    });
    assert(!exists(`${h.project}/inside`), "read-only let Codex write");
    assert(!exists(`${homeOf(h)}/outside`), "the inactive profile applied");
  },
);

e2eTests(
  "the ceiling bounds what a call gets: the user's workspace-write default runs read-only under a read-only ceiling",
  async (h) => {
    await editCodexConfig(h, { top: 'sandbox_mode = "workspace-write"' });
    const sessionId = await h.newSession();
    await h.turn({
      session_id: sessionId,
      prompt: shell(`touch ${h.project}/written`),
    });
    assert(!exists(`${h.project}/written`), "a call above the ceiling wrote");
    await h.toolError(
      "codex_chat",
      { session_id: sessionId, sandbox: "workspace-write", prompt: "x" },
      "failed (not_allowed)",
      '("read-only", CODEX_PERSISTENT_MCP_MAX_SANDBOX)',
    );
  },
  { CODEX_PERSISTENT_MCP_MAX_SANDBOX: "read-only" },
);

e2eTests(
  "Codex 0.77.0's active profile cannot lift a call's sandbox: read-only stays read-only, no sandbox stays under the ceiling",
  async (h) => {
    await editCodexConfig(h, {
      top: 'profile = "wild"',
      tables: '[profiles.wild]\nsandbox_mode = "danger-full-access"',
    });
    const sessionId = await h.newSession();
    await h.turn({
      session_id: sessionId,
      sandbox: "read-only",
      prompt: shell(`touch ${h.project}/read-only`),
    });
    await h.turn({
      session_id: sessionId,
      prompt: shell(`touch ${homeOf(h)}/outside ${h.project}/default`),
    });
    assert(!exists(`${h.project}/read-only`), "the profile lifted read-only");
    assert(!exists(`${homeOf(h)}/outside`), "the profile lifted the ceiling");
    // Held to workspace-write, the profile's default still writes inside.
    assert(exists(`${h.project}/default`), "the default was not the profile's");
  },
  {},
  TARGETS.filter((target) => target.version === "0.77.0"),
);

e2eTests(
  "the user's [sandbox_workspace_write] settings hold on every backend: an excluded /tmp stays shut, an extra root opens",
  async (h) => {
    const extra = await h.tempDir("extra-root-");
    const tmpMarker = await Deno.makeTempFile({ prefix: "excluded-" });
    await Deno.remove(tmpMarker);
    await editCodexConfig(h, {
      tables:
        `[sandbox_workspace_write]\nexclude_slash_tmp = true\nwritable_roots = [${
          JSON.stringify(extra)
        }]`,
    });
    const sessionId = await h.newSession();
    await h.turn({
      session_id: sessionId,
      sandbox: "workspace-write",
      prompt: shell(`touch ${tmpMarker} ${extra}/opened ${h.project}/inside`),
    });
    assert(exists(`${h.project}/inside`), "the project was not writable");
    assert(exists(`${extra}/opened`), "writable_roots was dropped");
    assert(!exists(tmpMarker), "exclude_slash_tmp was dropped");
  },
);

e2eTests(
  "a review runs in the call's sandbox and directory: read-only writes nothing, even on a thread that last ran workspace-write",
  async (h) => {
    await repository(h);
    const sha = await git(h, "rev-parse", "HEAD");
    // The reviewer's prompt quotes the commit title: the fake acts on it
    // (the space ends the directive before the quote).
    const review = (args: Record<string, unknown>, file: string) =>
      h.turn({
        target: "commit",
        commit: sha,
        commit_title: `${shell(`touch ${file}`)} please`,
        ...args,
      }, { tool: "codex_review", replyField: "review" });
    await review({ cwd: h.project, sandbox: "read-only" }, "new-review");
    assert(!exists(`${h.project}/new-review`), "a read-only review wrote");
    await review({ cwd: h.project, sandbox: "workspace-write" }, "written");
    assert(exists(`${h.project}/written`), "the reviewer ran no command");
    if (h.backend === "app-server") {
      const sessionId = await h.newSession();
      await h.turn({
        session_id: sessionId,
        sandbox: "workspace-write",
        prompt: shell("touch warm"),
      });
      assert(exists(`${h.project}/warm`));
      await review(
        { session_id: sessionId, sandbox: "read-only" },
        "in-session",
      );
      assert(!exists(`${h.project}/in-session`), "the warm sandbox stuck");
      // Cold, in the session's own directory, with the sandbox asked for.
      await h.releaseSessions();
      await review(
        { session_id: sessionId, sandbox: "workspace-write" },
        "cold-review",
      );
      assert(exists(`${h.project}/cold-review`), "the review ran elsewhere");
    }
    await h.toolError(
      "codex_review",
      { cwd: h.project, target: "commit", commit: sha, commit_title: "a\nb" },
      "commit_title must be one line without control characters",
    );
  },
);

/** Secrets in the server's environment that Codex does not read itself. */
const SERVER_SECRETS = {
  AWS_SECRET_ACCESS_KEY: "aws-secret",
  DB_PASSWORD: "hunter2",
  DATABASE_URL: "postgres://app:pg-secret@db.internal/app",
  GH_PAT: "gh-pat-secret",
  NPM_AUTH: "npm-auth-secret",
  PGPASS: "pgpass-secret",
  SESSION_COOKIE: "cookie-secret",
  SLACK_WEBHOOK_URL: "https://hooks.slack.example/webhook-secret",
  BUILD_HELPER: "ghp_valueshapedsecret",
  MIRROR: "https://bot:mirror-secret@git.example/x.git",
};

/** Walks up from the shell to Codex's own process and copies its environment. */
const CODEX_ENVIRON_SCRIPT = `p=$$
while [ "$p" -gt 1 ]; do
  if tr '\\0' ' ' < /proc/$p/cmdline | grep -q codex; then
    tr '\\0' '\\n' < /proc/$p/environ > codex-environ.txt
    break
  fi
  p=$(awk '/^PPid/ {print $2}' /proc/$p/status)
done
`;

e2eTests(
  "the server's secrets (named, database URLs, token-shaped values) stay out of Codex's shell and, unless Codex reads them, out of Codex's own process; Codex still authenticates; the user can let one through",
  async (h) => {
    await editCodexConfig(h, { provider: 'env_key = "FAKE_MODEL_API_KEY"' });
    await Deno.writeTextFile(`${h.project}/walk.sh`, CODEX_ENVIRON_SCRIPT);
    await h.turn({
      cwd: h.project,
      sandbox: "workspace-write",
      prompt: shell("env > env.txt"),
    });
    const seen = await Deno.readTextFile(`${h.project}/env.txt`);
    assertStringIncludes(seen, "PROJECT_COLOR=blue");
    assertStringIncludes(seen, "GITHUB_TOKEN=ghp-allowed");
    for (
      const secret of [
        "model-secret",
        "sk-server",
        ...Object.values(SERVER_SECRETS),
      ]
    ) {
      assert(!seen.includes(secret), `${secret} reached Codex's shell`);
    }
    assertEquals(h.fake.requests[0].authorization, "Bearer model-secret");
    // Codex 0.77.0's sandbox shares /proc: a command can read Codex's own
    // environment. Only what Codex reads itself is there.
    if (h.version === "0.77.0") {
      await h.turn({
        cwd: h.project,
        sandbox: "workspace-write",
        prompt: shell("sh walk.sh"),
      });
      const environ = await Deno.readTextFile(`${h.project}/codex-environ.txt`);
      assertStringIncludes(environ, "PROJECT_COLOR=blue");
      for (const secret of Object.values(SERVER_SECRETS)) {
        assert(
          !environ.includes(secret),
          `${secret} is in Codex's environment`,
        );
      }
    }
  },
  {
    FAKE_MODEL_API_KEY: "model-secret",
    OPENAI_API_KEY: "sk-server",
    ...SERVER_SECRETS,
    GITHUB_TOKEN: "ghp-allowed",
    PROJECT_COLOR: "blue",
    CODEX_PERSISTENT_MCP_SHELL_ENV_ALLOW: "GITHUB_TOKEN",
  },
);
