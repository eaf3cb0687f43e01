/**
 * Every setting the server reads from its environment, in one list: its
 * name, default and meaning. `--help` and README's settings table are both
 * made from it (`deno task docs:settings` rewrites the table; a unit test
 * checks it is current).
 *
 * @module
 */

import { NUMBER_SETTINGS } from "./config.ts";

/** One environment variable the server reads. */
export interface Setting {
  name: string;
  /** Its default, in words. */
  default: string;
  /** One line for `--help`. */
  summary: string;
  /** The fuller meaning for README (the summary when absent). */
  meaning?: string;
}

/** Every setting, in the order users meet them. */
export const SETTINGS: readonly Setting[] = [
  {
    name: "CODEX_BIN",
    default: "`codex` (on PATH)",
    summary: "the Codex executable",
    meaning:
      "the Codex executable; the npm launcher is replaced by the native binary it would run",
  },
  {
    name: "CODEX_HOME",
    default: "`~/.codex`",
    summary: "Codex's home and session store",
    meaning: "Codex's home; sessions are looked up in its `sessions/`",
  },
  {
    name: "CODEX_PERSISTENT_MCP_ORIGIN",
    default: "`codex-persistent-mcp`",
    summary: "origin written into every prompt's header",
  },
  {
    name: "CODEX_PERSISTENT_MCP_TIMEOUT_MS",
    default: "`1800000`",
    summary: "`timeout_ms` when a call gives none",
  },
  {
    name: "CODEX_PERSISTENT_MCP_IDLE_TIMEOUT_MS",
    default: "`300000`",
    summary: "stop Codex when it prints no event for this long",
    meaning:
      "stop Codex when it prints no event for this long (a hanging model endpoint)",
  },
  {
    name: "CODEX_PERSISTENT_MCP_HEARTBEAT_MS",
    default: "`10000`",
    summary: "progress heartbeat while Codex is silent",
  },
  {
    name: "CODEX_PERSISTENT_MCP_MAX_CONCURRENT",
    default: "`4`",
    summary: "Codex processes at once",
  },
  {
    name: "CODEX_PERSISTENT_MCP_MAX_REPLY_BYTES",
    default: "`4000000`",
    summary: "longer replies are cut, with a note",
    meaning:
      "longer replies are cut, with a note (MCP SDK clients drop the connection on messages over 10 MiB, and the reply travels twice)",
  },
  {
    name: "CODEX_PERSISTENT_MCP_BACKEND",
    default: "`app-server`",
    summary: "`app-server` or `exec`",
    meaning: '`app-server` or `exec` (see "Backends")',
  },
  {
    name: "CODEX_PERSISTENT_MCP_APP_SERVER_IDLE_MS",
    default: "`30000`",
    summary: "how long a session's app-server stays warm after its last call",
  },
  {
    name: "CODEX_PERSISTENT_MCP_APP_SERVER_MAX_WARM",
    default: "`4`",
    summary:
      "at most this many sessions keep a warm app-server; the least recently used is released first",
  },
  {
    name: "CODEX_PERSISTENT_MCP_CACHE_DIR",
    default: "`~/.cache/codex-persistent-mcp`",
    summary: "where `codex_sessions` keeps its summaries",
  },
  {
    name: "CODEX_PERSISTENT_MCP_MAX_SANDBOX",
    default: "`workspace-write`",
    summary: "the most a call's sandbox may ask for or get",
    meaning:
      'the most a call may ask for with `sandbox` (`read-only`, `workspace-write`, `danger-full-access`); above it a call is refused before Codex runs, and a call without `sandbox` gets the lower of your Codex default and this (see "Security model")',
  },
  {
    name: "CODEX_PERSISTENT_MCP_ROOTS",
    default: "the directory the server starts in (none if that is `/`)",
    summary: "`:`-separated directories a call's `cwd` must lie inside",
    meaning:
      "`:`-separated directories a call's `cwd` must lie inside (never `/` itself)",
  },
  {
    name: "CODEX_PERSISTENT_MCP_SHELL_ENV_ALLOW",
    default: "unset",
    summary:
      "comma-separated names of secret-looking variables Codex's shell may still see",
  },
  {
    name: "CODEX_PERSISTENT_MCP_PROJECT_CONFIG",
    default: "`off`",
    summary: "`on` lets Codex load trusted projects' `.codex/` configs",
    meaning:
      '`on` lets Codex load project `.codex/` configs of projects you trust (see "Security model" before you do)',
  },
  {
    name: "CODEX_PERSISTENT_MCP_MAX_QUEUED_PER_SESSION",
    default: "`8`",
    summary:
      "turns accepted and not finished on one session; more are refused (`busy`)",
  },
  {
    name: "CODEX_PERSISTENT_MCP_MAX_QUEUED",
    default: "`64`",
    summary: "turns accepted and not finished in all",
  },
  {
    name: "CODEX_PERSISTENT_MCP_HANDOFF_MS",
    default: "unset",
    summary:
      'a call still running after this long returns `status: "running"`, and no `codex_wait` waits longer',
    meaning:
      'the longest any call takes: a turn call still running after this long returns `status: "running"`, and `codex_wait` never waits longer; set it below your client\'s tool time limit',
  },
  {
    name: "CODEX_PERSISTENT_MCP_RESULT_RETENTION_MS",
    default: "`3600000`",
    summary: "how long a finished turn's uncollected result is kept",
  },
  {
    name: "CODEX_PERSISTENT_MCP_MAX_RETAINED_RESULTS",
    default: "`64`",
    summary:
      "at most this many uncollected results are kept, the oldest dropped first",
  },
  {
    name: "CODEX_PERSISTENT_MCP_APPROVALS",
    default: "`never`",
    summary:
      "`never`, or `ask`: Codex may ask the human (never the calling AI) to approve what its sandbox refuses",
    meaning:
      '`never`, or `ask`: on the app-server backend Codex may ask to run what its sandbox refuses, and the server puts each request to the human through the client\'s forms (see "Approvals"); with `exec` it warns at start and behaves as `never`',
  },
  {
    name: "CODEX_PERSISTENT_MCP_APPROVAL_TIMEOUT_MS",
    default: "`300000`",
    summary:
      "an approval the human has not answered after this long is declined",
  },
  {
    name: "CODEX_PERSISTENT_MCP_TOKEN",
    default: "made once, kept in `$XDG_CONFIG_HOME/codex-persistent-mcp/token`",
    summary: "with --http: the bearer token every request must carry",
    meaning:
      "with `--http`: the bearer token every request must carry (at least 32 characters); unset, the server makes one and keeps it, mode 0600, in `$XDG_CONFIG_HOME` (default `~/.config`) `/codex-persistent-mcp/token`, reused on later starts",
  },
  {
    name: "CODEX_PERSISTENT_MCP_HTTP_HOSTS",
    default: "none (loopback names on a loopback bind)",
    summary:
      "with --http beyond loopback: the host names clients use (comma-separated)",
    meaning:
      "with `--http` on an address beyond loopback (required there): the host names clients reach the server by, comma-separated; requests naming any other `Host`, and browser pages of any other origin, are refused",
  },
  {
    name: "CODEX_PERSISTENT_MCP_LOG",
    default: "`info`",
    summary: "`debug`: with --http, one stderr line per request",
    meaning:
      "`debug`: with `--http`, one line per request on stderr (method, path, status, time)",
  },
];

/** A number setting's bounds, as README and `--help` say them. */
function bounds(name: string): string {
  const found = Object.entries(NUMBER_SETTINGS).find(([key]) => key === name);
  return found === undefined ? "" : ` (${found[1].min} to ${found[1].max})`;
}

/** The text without Markdown's code marks. */
function plain(text: string): string {
  return text.replaceAll("`", "");
}

/**
 * The settings as `--help` lists them.
 *
 * @example
 * ```ts
 * import { settingsHelp } from "./settings.ts";
 * settingsHelp().split("\n")[0];
 * // "  CODEX_BIN  the Codex executable (default: codex (on PATH))"
 * ```
 */
export function settingsHelp(): string {
  return SETTINGS.map((setting) =>
    `  ${setting.name}  ${plain(setting.summary)}${
      plain(bounds(setting.name))
    } (default: ${plain(setting.default)})`
  ).join("\n");
}

/**
 * The settings as README's table, one row per setting (before `deno fmt`
 * aligns its columns).
 *
 * @example
 * ```ts
 * import { settingsTable } from "./settings.ts";
 * settingsTable().split("\n")[0]; // "| variable | default | meaning |"
 * ```
 */
export function settingsTable(): string {
  return [
    "| variable | default | meaning |",
    "| --- | --- | --- |",
    ...SETTINGS.map((setting) =>
      `| \`${setting.name}\` | ${setting.default} | ${
        setting.meaning ?? setting.summary
      }${bounds(setting.name)} |`
    ),
  ].join("\n");
}
