/**
 * Unit tests for the pure parts of the ceiling: reading the user's Codex
 * config, the effective policy, the input checks, and the stdio reader.
 */

import { EventEmitter } from "node:events";
import { forCodexVersion } from "../../src/codex/permission_profile.ts";
import { parseUserCodexConfig } from "../../src/codex/user_config.ts";
import { LineStdioTransport } from "../../src/mcp/wire/line_stdio_transport.ts";
import { checkCallInput } from "../../src/turns/call_checks.ts";
import { loadConfig } from "../../src/config.ts";
import {
  codexPolicy,
  type PolicyBounds,
  policyBounds,
} from "../../src/turns/codex_policy.ts";
import { assert, assertEquals } from "../support/assert.ts";

const BOUNDS: PolicyBounds = {
  ceiling: "workspace-write",
  codexHome: "/home/me/.codex",
  hiddenEnv: ["DB_PASSWORD"],
  loadProjectConfig: false,
  ownDirs: ["/home/me/.config/codex-persistent-mcp"],
};
const PLACES = { codexHome: "/home/me/.codex", writableRoots: [] };

Deno.test("the user's config is read as Codex reads it: active legacy profile first, other profiles ignored, any quoting", () => {
  const text = `profile = "careful"
sandbox_mode = 'workspace-write'
[profiles.wild]
sandbox_mode = "danger-full-access"
[profiles.careful]
sandbox_mode = "read-only"
[sandbox_workspace_write]
writable_roots = ["/data"]
exclude_slash_tmp = true
[projects."/repo"]
trust_level = "trusted"
[shell_environment_policy]
exclude = ["MY_*"]
`;
  const config = parseUserCodexConfig(text);
  assertEquals(config.sandboxMode, "read-only");
  assertEquals(config.workspaceWrite, {
    writableRoots: ["/data"],
    networkAccess: false,
    excludeTmpdirEnvVar: false,
    excludeSlashTmp: true,
  });
  assertEquals(config.projects, ["/repo"]);
  assertEquals(config.shellEnvironmentExclude, ["MY_*"]);
  assertEquals(
    parseUserCodexConfig('[profiles.x]\nsandbox_mode = "danger-full-access"')
      .sandboxMode,
    undefined,
  );
  assert(parseUserCodexConfig("model = [broken").problem !== undefined);
});

Deno.test("the policy is the lower of the call (or the user's default) and the ceiling, and keeps Codex's home shut", () => {
  const user = parseUserCodexConfig('sandbox_mode = "danger-full-access"');
  assertEquals(
    codexPolicy(undefined, user, BOUNDS, PLACES).sandbox,
    "workspace-write",
  );
  assertEquals(
    codexPolicy("read-only", user, BOUNDS, PLACES).sandbox,
    "read-only",
  );
  let refused = false;
  try {
    codexPolicy("danger-full-access", user, BOUNDS, PLACES);
  } catch {
    refused = true;
  }
  assert(refused, "a call above the ceiling was accepted");
  // An unreadable config decides nothing: read-only.
  assertEquals(
    codexPolicy(undefined, parseUserCodexConfig("x = ["), BOUNDS, PLACES)
      .sandbox,
    "read-only",
  );
  const inTmp = codexPolicy(undefined, user, BOUNDS, {
    codexHome: "/tmp/h/.codex",
    slashTmp: "/tmp",
    writableRoots: [],
  });
  assertEquals(inTmp.workspaceWrite.excludeSlashTmp, true);
  const roots = codexPolicy(undefined, parseUserCodexConfig(""), BOUNDS, {
    ...PLACES,
    writableRoots: ["/home/me"],
  });
  assertEquals(roots.sandbox, "read-only");
  let opened = false;
  try {
    codexPolicy("workspace-write", user, BOUNDS, {
      ...PLACES,
      writableRoots: ["/home/me"],
    });
  } catch {
    opened = true;
  }
  assert(opened, "a writable root holding Codex's home was accepted");
  const trusted = codexPolicy(
    undefined,
    parseUserCodexConfig('[projects."/repo"]\ntrust_level = "trusted"'),
    BOUNDS,
    PLACES,
  );
  assertEquals(trusted.configOverrides.slice(2), [
    ["shell_environment_policy.exclude", ["DB_PASSWORD"]],
    ["projects", { "/repo": { trust_level: "untrusted" } }],
  ]);
});

Deno.test("the input checks find lone surrogates and depth at any depth, without recursion", () => {
  let deep: Record<string, unknown> = {};
  for (let level = 0; level < 100_000; level++) deep = { a: deep };
  const problems: string[] = [];
  for (
    const input of [
      { prompt: "\ud800" },
      { prompt: "x", outputSchema: deep },
      { prompt: "x", outputSchema: { a: [{ b: "\udc00" }] } },
    ]
  ) {
    try {
      checkCallInput(input);
    } catch (error) {
      problems.push((error as Error).message);
    }
  }
  assertEquals(problems.length, 3, problems.join(" | "));
  checkCallInput({ prompt: "pair 😀", outputSchema: { type: "string" } });
});

Deno.test("the stdio reader splits lines across chunks, and answers an oversized request by its id", async () => {
  const written: string[] = [];
  const input = Object.assign(new EventEmitter(), { pause: () => {} });
  const transport = new LineStdioTransport({
    input,
    output: { write: (text) => (written.push(text), true), once: () => {} },
  }, 64);
  const messages: unknown[] = [];
  transport.onmessage = (message) => messages.push(message);
  await transport.start();
  const feed = (text: string) =>
    input.emit("data", new TextEncoder().encode(text));
  feed('{"jsonrpc":"2.0","me');
  feed('thod":"ping","id":1}\n{"jsonrpc":"2.0","method":"ping","id":2}\n');
  feed(`{"method":"tools/call","params":{"p":"${"x".repeat(200)}"},`);
  feed('"jsonrpc":"2.0","id":7}\n');
  assertEquals(messages.length, 2);
  assertEquals(written.length, 1);
  const answer = JSON.parse(written[0]);
  assertEquals(answer.id, 7);
  assertEquals(answer.error.code, -32600);
});

Deno.test("secrets Codex reads itself (its key, a provider's env_key, an MCP server's variables, a proxy with a password) reach Codex's process but never its shell; other secrets reach neither", () => {
  const config = loadConfig({
    HOME: "/home/me",
    OPENAI_API_KEY: "sk-x",
    MY_PROVIDER_KEY: "k",
    GH_PAT: "ghp_y",
    HTTPS_PROXY: "http://me:secret@proxy:8080",
    DATABASE_URL: "postgres://app:pw@db/app",
    HELPER: "xoxb-123",
    PATH: "/usr/bin",
  });
  const user = parseUserCodexConfig(`
[model_providers.mine]
env_key = "MY_PROVIDER_KEY"
[mcp_servers.gh]
command = "gh-mcp"
env_vars = ["GH_PAT"]
`);
  const policy = codexPolicy(undefined, user, policyBounds(config), {
    codexHome: "/home/me/.codex",
    writableRoots: [],
  });
  assertEquals(
    [...policy.hiddenFromCodex].sort(),
    ["DATABASE_URL", "HELPER"],
  );
  const excluded = policy.configOverrides.find(([key]) =>
    key === "shell_environment_policy.exclude"
  )?.[1] as string[];
  assertEquals(
    [...excluded].sort(),
    [
      "DATABASE_URL",
      "GH_PAT",
      "HELPER",
      "HTTPS_PROXY",
      "MY_PROVIDER_KEY",
      "OPENAI_API_KEY",
    ],
  );
});

Deno.test("from Codex 0.171.0 a sandboxed policy becomes a permission profile that denies Codex's home and keeps the user's workspace-write settings", () => {
  const base = {
    workspaceWrite: {
      writableRoots: ["/data"],
      networkAccess: true,
      excludeTmpdirEnvVar: true,
      excludeSlashTmp: false,
    },
    configOverrides: [["features.undo", false]] as const,
    hiddenFromCodex: [],
    unreadable: ["/home/me/.codex"],
  };
  const write = { ...base, sandbox: "workspace-write" as const };
  // Older versions, and no sandbox at all, keep the sandbox mode.
  assertEquals(forCodexVersion(write, "/repo", "0.169.0", false), write);
  // Nor may a turn that can ask the human: approvals must still decide.
  assertEquals(forCodexVersion(write, "/repo", "0.171.0", true), write);
  const full = { ...base, sandbox: "danger-full-access" as const };
  assertEquals(forCodexVersion(full, "/repo", "0.171.0", false), full);
  const profiled = forCodexVersion(write, "/repo", "0.171.0", false);
  assert(profiled.byProfile === true);
  assertEquals(profiled.configOverrides, [
    ["features.undo", false],
    ["default_permissions", "codex-persistent-mcp"],
    ["permissions.codex-persistent-mcp.extends", ":workspace"],
    ["permissions.codex-persistent-mcp.filesystem", {
      "/repo": "write",
      "/data": "write",
      ":slash_tmp": "write",
      ":tmpdir": "read",
      "/home/me/.codex": "none",
    }],
    ["permissions.codex-persistent-mcp.network.enabled", true],
  ]);
  const read = forCodexVersion(
    { ...base, sandbox: "read-only" },
    "/repo",
    "0.171.0",
    false,
  );
  assertEquals(read.configOverrides.slice(2), [
    ["permissions.codex-persistent-mcp.extends", ":read-only"],
    ["permissions.codex-persistent-mcp.filesystem", {
      "/home/me/.codex": "none",
    }],
    ["permissions.codex-persistent-mcp.network.enabled", false],
  ]);
});
