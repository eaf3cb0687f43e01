/**
 * The native Codex binary behind the npm launcher. `@openai/codex`'s
 * `bin/codex.js` is a Node script that finds the platform's binary and runs
 * it; spawning the binary ourselves saves that Node process (about 43 MiB
 * per warm session, measured) and a process per call, and avoids Node's
 * refusal to spawn the `.cmd` shim npm installs on Windows. Found the way
 * the launcher finds it, for both layouts Codex has shipped:
 *
 * - 0.77.0: `<package>/vendor/<triple>/codex/codex`, with
 *   `<package>/vendor/<triple>/path` (ripgrep) put first on PATH;
 * - 0.169.0 and newer: `<platform package>/vendor/<triple>/bin/codex`
 *   (`@openai/codex-linux-x64` and its kin, beside or inside the package),
 *   with `CODEX_MANAGED_PACKAGE_ROOT` naming the package.
 *
 * Anything else (a native binary already, a wrapper script, no package
 * around it) runs as given.
 *
 * @module
 */

import process from "node:process";
import { pathInfo, realPath } from "../runtime/fs.ts";
import { probeCodexVersion } from "./version.ts";

/** How to start Codex: the executable and what its environment adds. */
export interface CodexCommand {
  /** The executable to spawn. */
  path: string;
  /** Variables the launcher would have set. */
  env: Record<string, string>;
}

/** Platform packages by target triple, as the launcher names them. */
const PLATFORM_PACKAGES: Record<string, string> = {
  "x86_64-unknown-linux-musl": "@openai/codex-linux-x64",
  "aarch64-unknown-linux-musl": "@openai/codex-linux-arm64",
  "x86_64-apple-darwin": "@openai/codex-darwin-x64",
  "aarch64-apple-darwin": "@openai/codex-darwin-arm64",
  "x86_64-pc-windows-msvc": "@openai/codex-win32-x64",
  "aarch64-pc-windows-msvc": "@openai/codex-win32-arm64",
};

/**
 * The target triple of this machine as Codex's packages name it.
 *
 * @example
 * ```ts
 * import { targetTriple } from "./native_binary.ts";
 * targetTriple("linux", "x64"); // "x86_64-unknown-linux-musl"
 * ```
 */
export function targetTriple(
  platform: string,
  arch: string,
): string | undefined {
  const cpu = arch === "x64" ? "x86_64" : arch === "arm64" ? "aarch64" : "";
  if (cpu === "") return undefined;
  switch (platform) {
    case "linux":
    case "android":
      return `${cpu}-unknown-linux-musl`;
    case "darwin":
      return `${cpu}-apple-darwin`;
    case "win32":
      return `${cpu}-pc-windows-msvc`;
  }
  return undefined;
}

/**
 * The `@openai/codex` package a launcher belongs to: `bin/codex.js` itself
 * (through any symlink, as `node_modules/.bin/codex` is), or an npm shim on
 * Windows (`codex.cmd`, `codex.ps1`, `codex`) beside `node_modules`.
 */
async function launcherPackage(launcher: string): Promise<string | undefined> {
  const real = await realPath(launcher) ?? launcher;
  const normal = real.replaceAll("\\", "/");
  if (normal.endsWith("/@openai/codex/bin/codex.js")) {
    return real.slice(0, -"/bin/codex.js".length);
  }
  const shimDir = normal.slice(0, normal.lastIndexOf("/"));
  const beside = `${shimDir}/node_modules/@openai/codex`;
  return (await pathInfo(`${beside}/bin/codex.js`)) === undefined
    ? undefined
    : beside;
}

/** The executable a name on PATH stands for (with PATHEXT on Windows). */
async function onPath(name: string): Promise<string | undefined> {
  const windows = process.platform === "win32";
  const dirs = (process.env.PATH ?? "").split(windows ? ";" : ":");
  const extensions = windows
    ? ["", ...(process.env.PATHEXT ?? ".EXE;.CMD;.PS1").split(";")]
    : [""];
  for (const dir of dirs.filter(Boolean)) {
    for (const extension of extensions) {
      const candidate = `${dir}/${name}${extension.toLowerCase()}`;
      if ((await pathInfo(candidate))?.isDirectory === false) return candidate;
    }
  }
  return undefined;
}

/** Where Node's `require.resolve` would find `name` from `dir`. */
async function resolvePackage(
  dir: string,
  name: string,
): Promise<string | undefined> {
  for (let current = dir;;) {
    const candidate = `${current}/node_modules/${name}`;
    if ((await pathInfo(`${candidate}/package.json`)) !== undefined) {
      return candidate;
    }
    const parent = current.slice(0, current.lastIndexOf("/"));
    if (parent === current || parent === "") return undefined;
    current = parent;
  }
}

/**
 * How to start the Codex that `codexBin` names: its native binary when it
 * is the npm launcher, else `codexBin` as given.
 *
 * @example
 * ```ts ignore
 * await resolveCodexCommand("codex");
 * // { path: "/usr/lib/node_modules/@openai/codex-linux-x64/vendor/x86_64-unknown-linux-musl/bin/codex",
 * //   env: { CODEX_MANAGED_BY_NPM: "1", CODEX_MANAGED_PACKAGE_ROOT: "/usr/lib/node_modules/@openai/codex" } }
 * ```
 */
export async function resolveCodexCommand(
  codexBin: string,
): Promise<CodexCommand> {
  const asGiven = { path: codexBin, env: {} };
  const triple = targetTriple(process.platform, process.arch);
  const launcher = /[\\/]/.test(codexBin) ? codexBin : await onPath(codexBin);
  if (triple === undefined || launcher === undefined) return asGiven;
  const pkg = await launcherPackage(launcher);
  if (pkg === undefined) return asGiven;
  const exe = process.platform === "win32" ? "codex.exe" : "codex";
  const managed = { CODEX_MANAGED_BY_NPM: "1" };
  const platformPackage = await resolvePackage(pkg, PLATFORM_PACKAGES[triple]);
  for (const vendor of [platformPackage, pkg]) {
    if (vendor === undefined) continue;
    const path = `${vendor}/vendor/${triple}/bin/${exe}`;
    if ((await pathInfo(path)) !== undefined) {
      return {
        path,
        env: { ...managed, CODEX_MANAGED_PACKAGE_ROOT: pkg },
      };
    }
  }
  const archRoot = `${pkg}/vendor/${triple}`;
  const legacy = `${archRoot}/codex/${exe}`;
  if ((await pathInfo(legacy)) === undefined) return asGiven;
  const pathDir = `${archRoot}/path`;
  const separator = process.platform === "win32" ? ";" : ":";
  return {
    path: legacy,
    env: (await pathInfo(pathDir)) === undefined ? managed : {
      ...managed,
      PATH: [pathDir, process.env.PATH].filter(Boolean).join(separator),
    },
  };
}

/**
 * The Codex that `CODEX_BIN` names, as every backend of one server starts
 * it: its native binary and its version, each found once when first
 * needed (nothing is read at start-up).
 *
 * @example
 * ```ts ignore
 * const codex = new CodexInstall("codex");
 * (await codex.command()).path; // ".../vendor/x86_64-unknown-linux-musl/bin/codex"
 * await codex.version(); // "0.169.0"
 * ```
 */
export class CodexInstall {
  readonly #codexBin: string;
  #command?: Promise<CodexCommand>;
  #version?: Promise<string | undefined>;

  /** The Codex `codexBin` names (a path, or a name on PATH). */
  constructor(codexBin: string) {
    this.#codexBin = codexBin;
  }

  /** How to start it (see {@linkcode resolveCodexCommand}). */
  command(): Promise<CodexCommand> {
    this.#command ??= resolveCodexCommand(this.#codexBin);
    return this.#command;
  }

  /** Its version, from `codex --version` (`undefined`: unknown). */
  version(): Promise<string | undefined> {
    this.#version ??= this.command().then((command) =>
      probeCodexVersion(command.path, command.env)
    );
    return this.#version;
  }
}
