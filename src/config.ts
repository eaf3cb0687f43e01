/**
 * The server's settings, read from the environment once at start-up.
 *
 * @module
 */

import { posix } from "node:path";
import process from "node:process";
import { SANDBOX_MODES, type SandboxMode } from "./codex/turn_options.ts";
import { codexHomeFrom } from "./store/rollout_files.ts";

/** The server's settings. */
export interface Config {
  /** The Codex executable (`CODEX_BIN`, default `codex` on PATH). */
  codexBin: string;
  /** Written into every prompt's header (`CODEX_PERSISTENT_MCP_ORIGIN`). */
  origin: string;
  /** Codex's home, where its session store lives (`CODEX_HOME`, default `~/.codex`). */
  codexHome: string;
  /** `timeout_ms` when a call gives none (`CODEX_PERSISTENT_MCP_TIMEOUT_MS`). */
  defaultTimeoutMs: number;
  /** End a turn when Codex is silent this long (`CODEX_PERSISTENT_MCP_IDLE_TIMEOUT_MS`). */
  idleTimeoutMs: number;
  /** Progress heartbeat while Codex is silent (`CODEX_PERSISTENT_MCP_HEARTBEAT_MS`). */
  heartbeatMs: number;
  /** Codex processes allowed at once (`CODEX_PERSISTENT_MCP_MAX_CONCURRENT`). */
  maxConcurrent: number;
  /**
   * Our cache of session summaries, outside Codex's files
   * (`CODEX_PERSISTENT_MCP_CACHE_DIR`, default `$XDG_CACHE_HOME` or
   * `~/.cache`, then `codex-persistent-mcp/`).
   */
  sessionCachePath: string;
  /**
   * Where the server keeps its own settings, the HTTP token among them
   * (`$XDG_CONFIG_HOME` or `~/.config`, then `codex-persistent-mcp/`).
   */
  configDir: string;
  /** How turns run (`CODEX_PERSISTENT_MCP_BACKEND`): `app-server` (default) or `exec`. */
  backend: "exec" | "app-server";
  /** Close a session's app-server this long after its last call (`CODEX_PERSISTENT_MCP_APP_SERVER_IDLE_MS`). */
  appServerIdleMs: number;
  /** At most this many warm app-servers (`CODEX_PERSISTENT_MCP_APP_SERVER_MAX_WARM`). */
  appServerMaxWarm: number;
  /** Largest reply returned whole, in UTF-8 bytes (`CODEX_PERSISTENT_MCP_MAX_REPLY_BYTES`). */
  maxReplyBytes: number;
  /**
   * A turn call still running after this long returns `status: "running"`
   * and the turn goes on (`CODEX_PERSISTENT_MCP_HANDOFF_MS`; unset: wait for
   * the end).
   */
  handoffMs?: number;
  /** How long a finished turn's uncollected result is kept (`CODEX_PERSISTENT_MCP_RESULT_RETENTION_MS`). */
  resultRetentionMs: number;
  /** At most this many uncollected results are kept (`CODEX_PERSISTENT_MCP_MAX_RETAINED_RESULTS`). */
  maxRetainedResults: number;
  /**
   * The most a call may ask for with `sandbox` (`CODEX_PERSISTENT_MCP_MAX_SANDBOX`,
   * default `workspace-write`); above it a call is refused before Codex runs.
   */
  maxSandbox: SandboxMode;
  /**
   * Directories a call's `cwd` must lie inside (`CODEX_PERSISTENT_MCP_ROOTS`,
   * `:`-separated; default the directory the server was started in, unless
   * that is `/`).
   */
  roots: string[];
  /** The user's home (`HOME`): never a working directory itself. */
  home?: string;
  /** `$TMPDIR` as Codex inherits it. */
  tmpdir?: string;
  /**
   * Variables of the server's environment kept out of Codex's shell (and,
   * unless Codex reads them itself, out of Codex's process): names holding
   * KEY, SECRET, TOKEN, PASS, CREDENTIAL, PRIVATE, AUTH, COOKIE, SESSION,
   * WEBHOOK, DSN or PAT, database URLs, and values that are URLs with a
   * password or look like tokens or private keys; less
   * `CODEX_PERSISTENT_MCP_SHELL_ENV_ALLOW` (a comma-separated list).
   */
  hiddenEnv: string[];
  /** Load project `.codex/` configs (`CODEX_PERSISTENT_MCP_PROJECT_CONFIG=on`; default off). */
  loadProjectConfig: boolean;
  /** Turns accepted and not yet finished, per session (`CODEX_PERSISTENT_MCP_MAX_QUEUED_PER_SESSION`). */
  maxQueuedPerSession: number;
  /** Turns accepted and not yet finished, in all (`CODEX_PERSISTENT_MCP_MAX_QUEUED`). */
  maxQueued: number;
  /**
   * Whether Codex may ask the human to approve what its sandbox refuses
   * (`CODEX_PERSISTENT_MCP_APPROVALS`: `never`, the default, or `ask`; only
   * the app-server backend can ask).
   */
  approvals: "never" | "ask";
  /** An approval unanswered this long is declined (`CODEX_PERSISTENT_MCP_APPROVAL_TIMEOUT_MS`). */
  approvalTimeoutMs: number;
}

/** Names of variables that look like secrets (case-insensitive). */
const SECRET_NAME =
  /KEY|SECRET|TOKEN|PASS|CREDENTIAL|PRIVATE|AUTH(?!OR)|COOKIE|SESSION|WEBHOOK|DSN|(^|_)PAT(_|$)|(DATABASE|DB|REDIS|MONGO|AMQP|POSTGRES|MYSQL)\w*_UR[LI]$/i;

/**
 * Values that are secrets whatever their name: URLs with a password, and
 * the shapes of common tokens and private keys.
 */
const SECRET_VALUE =
  /^[a-z][a-z0-9+.-]*:\/\/[^/\s@:]*:[^/\s@]+@|^(gh[pousr]_|github_pat_|glpat-|xox[abposr]-|sk-|AKIA|ASIA|npm_|AIza)|-----BEGIN [A-Z ]*PRIVATE KEY/;

/** Bounds of `timeout_ms`, per call and as the default. */
export const TIMEOUT_BOUNDS_MS = { min: 1_000, max: 86_400_000 } as const;

/** Bounds and defaults of the settings that take a number. */
export const NUMBER_SETTINGS = {
  CODEX_PERSISTENT_MCP_TIMEOUT_MS: {
    fallback: 1_800_000,
    ...TIMEOUT_BOUNDS_MS,
  },
  CODEX_PERSISTENT_MCP_IDLE_TIMEOUT_MS: {
    fallback: 300_000,
    min: 1_000,
    max: 86_400_000,
  },
  CODEX_PERSISTENT_MCP_HEARTBEAT_MS: {
    fallback: 10_000,
    min: 100,
    max: 600_000,
  },
  CODEX_PERSISTENT_MCP_MAX_CONCURRENT: { fallback: 4, min: 1, max: 64 },
  CODEX_PERSISTENT_MCP_APP_SERVER_IDLE_MS: {
    fallback: 30_000,
    min: 100,
    max: 3_600_000,
  },
  CODEX_PERSISTENT_MCP_APP_SERVER_MAX_WARM: { fallback: 4, min: 1, max: 64 },
  CODEX_PERSISTENT_MCP_MAX_REPLY_BYTES: {
    fallback: 4_000_000,
    min: 1_000,
    max: 100_000_000,
  },
  CODEX_PERSISTENT_MCP_HANDOFF_MS: {
    fallback: undefined,
    min: 100,
    max: 86_400_000,
  },
  CODEX_PERSISTENT_MCP_RESULT_RETENTION_MS: {
    fallback: 3_600_000,
    min: 1_000,
    max: 604_800_000,
  },
  CODEX_PERSISTENT_MCP_APPROVAL_TIMEOUT_MS: {
    fallback: 300_000,
    min: 1_000,
    max: 86_400_000,
  },
  CODEX_PERSISTENT_MCP_MAX_RETAINED_RESULTS: {
    fallback: 64,
    min: 1,
    max: 10_000,
  },
  CODEX_PERSISTENT_MCP_MAX_QUEUED_PER_SESSION: {
    fallback: 8,
    min: 1,
    max: 1_000,
  },
  CODEX_PERSISTENT_MCP_MAX_QUEUED: { fallback: 64, min: 1, max: 10_000 },
} as const;

/** The settings whose default is a number (the others are unset by default). */
type NumberSetting = {
  [K in keyof typeof NUMBER_SETTINGS]:
    typeof NUMBER_SETTINGS[K]["fallback"] extends number ? K : never;
}[keyof typeof NUMBER_SETTINGS];

/**
 * Reads the settings from environment variables, failing with a message that
 * names the variable when one is malformed.
 *
 * @example
 * ```ts
 * import { loadConfig } from "./config.ts";
 * const config = loadConfig({ CODEX_BIN: "/usr/local/bin/codex", HOME: "/home/me" });
 * config.codexHome; // "/home/me/.codex"
 * ```
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  startDir: string = process.cwd(),
): Config {
  const optionalNumber = (
    name: keyof typeof NUMBER_SETTINGS,
  ): number | undefined => {
    const { fallback, min, max } = NUMBER_SETTINGS[name];
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(
        `${name}=${raw} is not valid: use a whole number from ${min} to ${max} (default ${
          fallback ?? "unset"
        }).`,
      );
    }
    return value;
  };
  const number = (name: NumberSetting): number => optionalNumber(name)!;
  const codexHome = codexHomeFrom(env);
  // The measured winner (README "Backends"); exec stays the fallback.
  const backend = env.CODEX_PERSISTENT_MCP_BACKEND?.trim() || "app-server";
  if (backend !== "exec" && backend !== "app-server") {
    throw new Error(
      `CODEX_PERSISTENT_MCP_BACKEND=${backend} is not valid: use app-server or exec (default app-server).`,
    );
  }
  const maxSandbox = env.CODEX_PERSISTENT_MCP_MAX_SANDBOX?.trim() ||
    "workspace-write";
  if (!(SANDBOX_MODES as readonly string[]).includes(maxSandbox)) {
    throw new Error(
      `CODEX_PERSISTENT_MCP_MAX_SANDBOX=${maxSandbox} is not valid: use ${
        SANDBOX_MODES.join(", ")
      } (default workspace-write).`,
    );
  }
  const approvals = env.CODEX_PERSISTENT_MCP_APPROVALS?.trim() || "never";
  if (approvals !== "never" && approvals !== "ask") {
    throw new Error(
      `CODEX_PERSISTENT_MCP_APPROVALS=${approvals} is not valid: use never or ask (default never).`,
    );
  }
  const projectConfig = env.CODEX_PERSISTENT_MCP_PROJECT_CONFIG?.trim() ||
    "off";
  if (projectConfig !== "off" && projectConfig !== "on") {
    throw new Error(
      `CODEX_PERSISTENT_MCP_PROJECT_CONFIG=${projectConfig} is not valid: use off or on (default off).`,
    );
  }
  const allowed = new Set(
    (env.CODEX_PERSISTENT_MCP_SHELL_ENV_ALLOW ?? "").split(",").map((name) =>
      name.trim()
    ),
  );
  const cacheDir = env.CODEX_PERSISTENT_MCP_CACHE_DIR?.trim() ||
    `${
      env.XDG_CACHE_HOME?.trim() || `${env.HOME ?? "."}/.cache`
    }/codex-persistent-mcp`;
  return {
    codexBin: env.CODEX_BIN?.trim() || "codex",
    origin: env.CODEX_PERSISTENT_MCP_ORIGIN?.trim() || "codex-persistent-mcp",
    codexHome,
    // One cache per Codex home.
    sessionCachePath: `${cacheDir}/sessions-${fnv1a(codexHome)}.json`,
    configDir: `${
      env.XDG_CONFIG_HOME?.trim() || `${env.HOME?.trim() || "."}/.config`
    }/codex-persistent-mcp`,
    defaultTimeoutMs: number("CODEX_PERSISTENT_MCP_TIMEOUT_MS"),
    idleTimeoutMs: number("CODEX_PERSISTENT_MCP_IDLE_TIMEOUT_MS"),
    heartbeatMs: number("CODEX_PERSISTENT_MCP_HEARTBEAT_MS"),
    maxConcurrent: number("CODEX_PERSISTENT_MCP_MAX_CONCURRENT"),
    maxReplyBytes: number("CODEX_PERSISTENT_MCP_MAX_REPLY_BYTES"),
    backend,
    appServerIdleMs: number("CODEX_PERSISTENT_MCP_APP_SERVER_IDLE_MS"),
    appServerMaxWarm: number("CODEX_PERSISTENT_MCP_APP_SERVER_MAX_WARM"),
    handoffMs: optionalNumber("CODEX_PERSISTENT_MCP_HANDOFF_MS"),
    resultRetentionMs: number("CODEX_PERSISTENT_MCP_RESULT_RETENTION_MS"),
    maxRetainedResults: number("CODEX_PERSISTENT_MCP_MAX_RETAINED_RESULTS"),
    maxSandbox: maxSandbox as SandboxMode,
    roots: rootsFrom(env.CODEX_PERSISTENT_MCP_ROOTS, startDir),
    home: env.HOME?.trim() || undefined,
    tmpdir: env.TMPDIR?.trim() || undefined,
    hiddenEnv: Object.entries(env).filter(([name, value]) =>
      (SECRET_NAME.test(name) || SECRET_VALUE.test(value?.trim() ?? "")) &&
      !allowed.has(name)
    ).map(([name]) => name),
    loadProjectConfig: projectConfig === "on",
    maxQueuedPerSession: number("CODEX_PERSISTENT_MCP_MAX_QUEUED_PER_SESSION"),
    maxQueued: number("CODEX_PERSISTENT_MCP_MAX_QUEUED"),
    approvals,
    approvalTimeoutMs: number("CODEX_PERSISTENT_MCP_APPROVAL_TIMEOUT_MS"),
  };
}

/** `CODEX_PERSISTENT_MCP_ROOTS`, checked: absolute paths, never `/`. */
function rootsFrom(raw: string | undefined, startDir: string): string[] {
  if (!raw?.trim()) return startDir === "/" ? [] : [startDir];
  const given = raw.split(":").map((root) => root.trim()).filter(Boolean);
  for (const root of given) {
    // `/.`, `/tmp/..` and the like are `/` too (links: `realRoots`).
    if (!root.startsWith("/") || posix.resolve(root) === "/") {
      throw new Error(
        `CODEX_PERSISTENT_MCP_ROOTS=${raw} is not valid: ${
          root.startsWith("/")
            ? `${root} is / and would let Codex work anywhere`
            : `${root} is not an absolute path`
        }; give the absolute paths of the directories Codex may work in, separated by ':'.`,
      );
    }
  }
  return given.map((root) => posix.resolve(root));
}

/** A short stable hash (FNV-1a, 32 bits) for file names. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
