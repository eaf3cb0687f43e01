/**
 * The native Codex binary is found behind the npm launcher the way the
 * launcher finds it, in both package layouts Codex has shipped; anything
 * else runs as given.
 */

import process from "node:process";
import {
  resolveCodexCommand,
  targetTriple,
} from "../../src/codex/native_binary.ts";
import { assertEquals } from "../support/assert.ts";

const TRIPLE = targetTriple(process.platform, process.arch)!;

/** A fake install: `node_modules/.bin/codex` → the launcher, plus files. */
async function install(files: string[]): Promise<string> {
  const root = await Deno.realPath(await Deno.makeTempDir());
  const pkg = `${root}/node_modules/@openai/codex`;
  for (const file of ["bin/codex.js", ...files.map((f) => `../../${f}`)]) {
    const path = `${pkg}/${file}`;
    await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
    await Deno.writeTextFile(path, "");
  }
  await Deno.mkdir(`${root}/node_modules/.bin`);
  await Deno.symlink(
    "../@openai/codex/bin/codex.js",
    `${root}/node_modules/.bin/codex`,
  );
  return root;
}

Deno.test("the launcher of 0.169.0 and newer leads to the platform package's binary", async () => {
  const root = await install([
    `@openai/codex-linux-x64/package.json`,
    `@openai/codex-linux-x64/vendor/${TRIPLE}/bin/codex`,
  ]);
  try {
    const command = await resolveCodexCommand(
      `${root}/node_modules/.bin/codex`,
    );
    if (TRIPLE !== "x86_64-unknown-linux-musl") return;
    assertEquals(command, {
      path:
        `${root}/node_modules/@openai/codex-linux-x64/vendor/${TRIPLE}/bin/codex`,
      env: {
        CODEX_MANAGED_BY_NPM: "1",
        CODEX_MANAGED_PACKAGE_ROOT: `${root}/node_modules/@openai/codex`,
      },
    });
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("the launcher of 0.77.0 leads to its vendored binary, with its tools first on PATH", async () => {
  const root = await install([
    `@openai/codex/vendor/${TRIPLE}/codex/codex`,
    `@openai/codex/vendor/${TRIPLE}/path/rg`,
  ]);
  try {
    const command = await resolveCodexCommand(
      `${root}/node_modules/.bin/codex`,
    );
    const vendor = `${root}/node_modules/@openai/codex/vendor/${TRIPLE}`;
    assertEquals(command.path, `${vendor}/codex/codex`);
    assertEquals(command.env.PATH?.split(":")[0], `${vendor}/path`);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a binary, a wrapper script, or a launcher without its binary runs as given", async () => {
  const root = await install([]);
  try {
    const launcher = `${root}/node_modules/.bin/codex`;
    assertEquals(await resolveCodexCommand(launcher), {
      path: launcher,
      env: {},
    });
    assertEquals(await resolveCodexCommand("/bin/sh"), {
      path: "/bin/sh",
      env: {},
    });
    assertEquals(
      await resolveCodexCommand("no-such-codex-anywhere"),
      { path: "no-such-codex-anywhere", env: {} },
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("target triples as Codex's packages name them", () => {
  assertEquals(targetTriple("linux", "arm64"), "aarch64-unknown-linux-musl");
  assertEquals(targetTriple("darwin", "x64"), "x86_64-apple-darwin");
  assertEquals(targetTriple("win32", "x64"), "x86_64-pc-windows-msvc");
  assertEquals(targetTriple("freebsd", "x64"), undefined);
});

Deno.test("npm's Windows shim (codex.cmd beside node_modules) leads to the same binary", async () => {
  const root = await install([`@openai/codex/vendor/${TRIPLE}/codex/codex`]);
  try {
    await Deno.writeTextFile(`${root}/codex.cmd`, "@node …\\codex.js %*");
    const command = await resolveCodexCommand(`${root}/codex.cmd`);
    assertEquals(
      command.path,
      `${root}/node_modules/@openai/codex/vendor/${TRIPLE}/codex/codex`,
    );
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
