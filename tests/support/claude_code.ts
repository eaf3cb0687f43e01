/**
 * Running the pinned Claude Code against our server offline: a HOME in
 * which it starts without questions, with our server as its MCP server
 * `cp`, and the environment that points it at a fake model.
 */

import type { ClaudeModel } from "./claude_model.ts";

/** The fake API key Claude Code is told was approved. */
const API_KEY = "sk-ant-fake-0123456789abcdefghijklmn";

/** Writes a HOME in `dir` in which Claude Code starts without questions. */
export async function claudeHome(
  dir: string,
  project: string,
  server: Record<string, unknown>,
): Promise<void> {
  await Deno.mkdir(`${dir}/.claude`, { recursive: true });
  await Deno.writeTextFile(
    `${dir}/.claude.json`,
    JSON.stringify({
      hasCompletedOnboarding: true,
      theme: "dark",
      customApiKeyResponses: { approved: [API_KEY.slice(-20)], rejected: [] },
      projects: {
        [project]: {
          hasTrustDialogAccepted: true,
          hasCompletedProjectOnboarding: true,
        },
      },
      mcpServers: { cp: server },
    }),
  );
  await Deno.writeTextFile(
    `${dir}/.claude/settings.json`,
    JSON.stringify({ permissions: { allow: ["mcp__cp"] } }),
  );
}

/** Claude Code's environment: `home`, the fake `model`, and `extra`. */
export function claudeEnv(
  home: string,
  model: ClaudeModel,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    HOME: home,
    PATH: Deno.env.get("PATH") ?? "",
    ANTHROPIC_BASE_URL: model.baseUrl,
    ANTHROPIC_API_KEY: API_KEY,
    ENABLE_TOOL_SEARCH: "false",
    DISABLE_AUTOUPDATER: "1",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    ...extra,
  };
}

/** The server entry's environment: `env` and the test user's module cache. */
export function serverEnv(env: Record<string, string>): Record<string, string> {
  return {
    ...env,
    DENO_DIR: Deno.env.get("DENO_DIR") ||
      `${Deno.env.get("HOME")}/.cache/deno`,
  };
}
