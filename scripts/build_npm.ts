/**
 * Builds the npm package into npm/: one bundled, minified ESM bin for Node 20+
 * with the MCP SDK and zod inside (start-up is dominated by loading them, and
 * one bundled file loads about twice as fast), plus package.json, README.md
 * and LICENSE. Then smoke-tests the bin under Node.
 *
 * The product design names dnt for this step; dnt lives on JSR, which our
 * registries cannot reach, and its Deno shim lacks Deno.Command anyway. So
 * esbuild bundles src/ as it is, and a plugin swaps each `src/runtime/*.deno.ts`
 * for its `*.node.ts` twin. This script is the one place to change to move to
 * dnt.
 *
 *   deno task build:npm
 */

import * as esbuild from "esbuild";
import denoJson from "../deno.json" with { type: "json" };

const root = new URL("../", import.meta.url).pathname;
const out = `${root}npm`;
const binName = "codex-persistent-mcp";
const binPath = `bin/${binName}.mjs`;
/** The oldest Node the package runs on (18 has been unsupported since 2025-04). */
const MIN_NODE = 20;

/** `npm:/name@version/` or `npm:name@version` from the import map → version. */
function importMapVersion(name: string): string {
  for (const [key, target] of Object.entries(denoJson.imports)) {
    if (key.replace(/\/$/, "") !== name) continue;
    const match = target.match(/@([^@/]+)\/?$/);
    if (match) return match[1];
  }
  throw new Error(`deno.json imports has no version for ${name}`);
}

async function run(
  command: string,
  args: string[],
  cwd: string,
): Promise<string> {
  const output = await new Deno.Command(command, {
    args,
    cwd,
    stderr: "inherit",
  }).output();
  if (!output.success) {
    throw new Error(
      `${command} ${args.join(" ")} failed (exit ${output.code})`,
    );
  }
  return new TextDecoder().decode(output.stdout);
}

const dependencies = {
  "@modelcontextprotocol/server": importMapVersion(
    "@modelcontextprotocol/server",
  ),
  "smol-toml": importMapVersion("smol-toml"),
  zod: importMapVersion("zod"),
};

/** Installs the import map's dependency versions for esbuild; returns node_modules. */
export async function installBuildDependencies(): Promise<string> {
  const depsDir = `${root}.tools/npm-build-deps`;
  await Deno.mkdir(depsDir, { recursive: true });
  await Deno.writeTextFile(
    `${depsDir}/package.json`,
    JSON.stringify({ private: true, dependencies }, null, 2),
  );
  await run(
    "npm",
    ["install", "--no-audit", "--no-fund", "--loglevel=error"],
    depsDir,
  );
  return `${depsDir}/node_modules`;
}

const swapRuntime: esbuild.Plugin = {
  name: "swap-runtime",
  setup(build) {
    // Matched on the resolved file, however the import spells its path.
    build.onResolve({ filter: /\.deno\.ts$/ }, (args) => {
      const resolved = new URL(args.path, `file://${args.resolveDir}/`)
        .pathname;
      if (!resolved.startsWith(`${root}src/runtime/`)) return undefined;
      return { path: resolved.replace(/\.deno\.ts$/, ".node.ts") };
    });
  },
};

/**
 * Bundles the bin for Node into `outfile`. With `externalPackages` the SDK and
 * zod stay imports resolved from node_modules at run time (how an unbundled
 * Node build loads them; the start-up benchmark compares the two).
 */
export async function bundleBin(
  outfile: string,
  nodeModules: string,
  options: { externalPackages?: boolean } = {},
): Promise<void> {
  await esbuild.build({
    stdin: {
      contents: `import process from "node:process";
import { main } from "./src/cli.ts";
process.exit(await main(process.argv.slice(2)));`,
      resolveDir: root,
      loader: "ts",
      sourcefile: "bin.ts",
    },
    outfile,
    bundle: true,
    minify: !options.externalPackages,
    packages: options.externalPackages ? "external" : undefined,
    platform: "node",
    format: "esm",
    target: "node18",
    nodePaths: [nodeModules],
    plugins: [swapRuntime],
    legalComments: "none",
    // Bundled CommonJS dependencies (ajv) call require(). The Node check
    // comes first, and the bundle keeps Node 18's syntax, so that an older
    // Node says in one line what it needs instead of a stack trace.
    banner: {
      js: `#!/usr/bin/env node
import { createRequire as __createRequire } from "node:module";
if (Number(process.versions.node.split(".")[0]) < ${MIN_NODE}) {
  console.error(\`codex-persistent-mcp needs Node.js ${MIN_NODE} or newer; this is Node.js \${process.versions.node}. Install a current Node.js (https://nodejs.org) and run it again.\`);
  process.exit(1);
}
const require = __createRequire(import.meta.url);`,
    },
    logLevel: "warning",
  });
  await esbuild.stop();
  // A Deno API left in the bundle means a runtime file was not swapped.
  const leftover = (await Deno.readTextFile(outfile)).match(/\bDeno\.\w+/);
  if (leftover !== null) {
    throw new Error(`the Node bundle still uses ${leftover[0]}`);
  }
  await Deno.chmod(outfile, 0o755);
}

async function buildPackage(): Promise<void> {
  await Deno.remove(out, { recursive: true }).catch(() => {});
  await Deno.mkdir(`${out}/bin`, { recursive: true });
  await bundleBin(`${out}/${binPath}`, await installBuildDependencies());
  await Deno.writeTextFile(
    `${out}/package.json`,
    JSON.stringify(
      {
        name: binName,
        version: denoJson.version,
        description:
          "MCP stdio server whose tools run your local Codex CLI, so every call creates or continues a real Codex session (codex resume <session_id>).",
        type: "module",
        bin: { [binName]: binPath },
        files: ["bin/", "README.md", "LICENSE"],
        engines: { node: `>=${MIN_NODE}` },
        license: denoJson.license,
        repository: {
          type: "git",
          url:
            "git+https://github.com/codex-persistent/codex-persistent-mcp.git",
        },
        keywords: [
          "mcp",
          "model-context-protocol",
          "codex",
          "codex-cli",
          "ai-agents",
          "claude-code",
        ],
        // The SDK and zod are bundled into the bin; these are their versions.
        bundledDependencyVersions: dependencies,
      },
      null,
      2,
    ) + "\n",
  );
  await Deno.copyFile(`${root}README.md`, `${out}/README.md`);
  await Deno.copyFile(`${root}LICENSE`, `${out}/LICENSE`);

  // Smoke test under Node.
  const version = (await run("node", [`${out}/${binPath}`, "--version"], out))
    .trim();
  if (version !== denoJson.version) {
    throw new Error(
      `bin --version printed ${version}, expected ${denoJson.version}`,
    );
  }
  if (
    !(await run("node", [`${out}/${binPath}`, "--help"], out)).includes(
      "Usage:",
    )
  ) {
    throw new Error("bin --help printed no usage");
  }
  const bad = await new Deno.Command("node", {
    args: [`${out}/${binPath}`, "--bogus"],
    stderr: "piped",
  }).output();
  if (bad.success) throw new Error("bin accepted an unknown flag");
  const size = (await Deno.stat(`${out}/${binPath}`)).size;
  console.log(
    `Built ${out}/${binPath} (${
      (size / 1024).toFixed(0)
    } KiB), smoke-tested with Node: ok`,
  );
}

if (import.meta.main) await buildPackage();
