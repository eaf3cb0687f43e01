/** What Codex's approval requests become as questions, and answers as decisions. */

import {
  approvalQuestion,
  codexAnswer,
  humanAnswerOf,
} from "../../src/codex/approvals.ts";
import {
  assert,
  assertEquals,
  assertStringIncludes,
} from "../support/assert.ts";

const CONTEXT = {
  items: new Map([["c9", "rm -rf build"]]),
  cwd: "/repo",
};

Deno.test("a command approval shows the command, where and why; 0.77.0's from the started item", () => {
  const asked = approvalQuestion("item/commandExecution/requestApproval", {
    itemId: "c1",
    command: "touch /etc/marker",
    cwd: "/repo/sub",
    reason: "needs to write outside",
  }, CONTEXT);
  assertEquals(asked?.kind, "command");
  assertEquals(
    asked?.message,
    "Codex asks to run a command outside its sandbox:\nCommand: touch /etc/marker\nWhere: /repo/sub\nWhy: needs to write outside",
  );
  const old = approvalQuestion("item/commandExecution/requestApproval", {
    itemId: "c9",
    reason: null,
  }, CONTEXT);
  assertStringIncludes(old!.message, "Command: rm -rf build\nWhere: /repo");
  const legacy = approvalQuestion("execCommandApproval", {
    command: ["bash", "-lc", "make"],
    cwd: "/repo",
  }, CONTEXT);
  assertStringIncludes(legacy!.message, "Command: bash -lc make");
});

Deno.test("a command or reason with line breaks cannot forge the form's other lines", () => {
  const asked = approvalQuestion("item/commandExecution/requestApproval", {
    command: "rm -rf ~\nWhere: /repo/scratch",
    cwd: "/home/me",
    reason: "tidy up\rWhy: you asked for it",
  }, CONTEXT);
  assertEquals(asked?.message.split("\n"), [
    "Codex asks to run a command outside its sandbox:",
    "Command: rm -rf ~\\nWhere: /repo/scratch",
    "Where: /home/me",
    "Why: tidy up\\u000dWhy: you asked for it",
    "(2 control, direction or invisible characters are shown escaped as \\uXXXX.)",
  ]);
});

Deno.test("bidi, C1 and zero-width characters in what the AI steers are shown escaped, and the form says so", () => {
  const hidden = [
    "\u202e",
    "\u2066",
    "\u2067",
    "\u2068",
    "\u2069",
    "\u0085",
    "\u009b",
    "\u200b",
    "\u200d",
    "\ufeff",
    "\u2060",
    "\u{e0041}",
  ];
  const asked = approvalQuestion("item/commandExecution/requestApproval", {
    command: `rm -rf ~ ${hidden.join("")}#ls`,
    cwd: "/home/me",
    reason: "fine\u202e",
  }, CONTEXT)!;
  for (const char of hidden) {
    assert(
      !asked.message.includes(char),
      `U+${char.codePointAt(0)!.toString(16)} reached the form`,
    );
  }
  const [, command, , why, mark] = asked.message.split("\n");
  assertEquals(
    command,
    "Command: rm -rf ~ \\u202e\\u2066\\u2067\\u2068\\u2069\\u0085\\u009b\\u200b\\u200d\\ufeff\\u2060\\udb40\\udc41#ls",
  );
  assertEquals(why, "Why: fine\\u202e");
  assertStringIncludes(mark, "13 control, direction or invisible characters");
  // Plain text (accents, CJK, emoji) is shown as it is, with no mark.
  const plain = approvalQuestion("item/commandExecution/requestApproval", {
    command: "echo café 日本 🎉",
    cwd: "/home/me",
  }, CONTEXT)!;
  assertStringIncludes(plain.message, "Command: echo café 日本 🎉");
  assert(!plain.message.includes("escaped"));
});

Deno.test("file changes, permissions and MCP elicitations become questions; other requests do not", () => {
  assertStringIncludes(
    approvalQuestion("applyPatchApproval", {
      fileChanges: { "/etc/a": {}, "/etc/b": {} },
    }, CONTEXT)!.message,
    "Files: /etc/a, /etc/b",
  );
  assertStringIncludes(
    approvalQuestion("item/permissions/requestApproval", {
      permissions: { network: { enabled: true }, fileSystem: null },
    }, CONTEXT)!.message,
    '"network":{"enabled":true}',
  );
  const elicited = approvalQuestion("mcpServer/elicitation/request", {
    mode: "form",
    serverName: "docs",
    message: "Which branch?",
    requestedSchema: {
      type: "object",
      properties: { branch: { type: "string" } },
      required: ["branch"],
    },
  }, CONTEXT);
  assertEquals(elicited?.requestedSchema.required, ["branch"]);
  assertEquals(
    approvalQuestion("mcpServer/elicitation/request", {
      mode: "url",
      url: "https://x",
    }, CONTEXT),
    undefined,
  );
  assertEquals(
    approvalQuestion("item/tool/requestUserInput", {}, CONTEXT),
    undefined,
  );
});

Deno.test("only an accept approves, and only the one request", () => {
  const accept = { action: "accept" as const, content: {} };
  const v2 = "item/commandExecution/requestApproval";
  assertEquals(codexAnswer(v2, {}, accept), { decision: "accept" });
  for (const action of ["decline", "cancel"] as const) {
    assertEquals(codexAnswer(v2, {}, { action }), { decision: "decline" });
  }
  assertEquals(
    codexAnswer(v2, {}, { action: "accept", content: { approve: false } }),
    { decision: "decline" },
  );
  assertEquals(codexAnswer("execCommandApproval", {}, accept), {
    decision: "approved",
  });
  assertEquals(codexAnswer("applyPatchApproval", {}, { action: "cancel" }), {
    decision: "denied",
  });
  const permissions = { network: { enabled: true }, fileSystem: null };
  assertEquals(
    codexAnswer("item/permissions/requestApproval", { permissions }, accept),
    { permissions: { network: { enabled: true } }, scope: "turn" },
  );
  assertEquals(
    codexAnswer("item/permissions/requestApproval", { permissions }, {
      action: "decline",
    }),
    { permissions: {}, scope: "turn" },
  );
  assertEquals(
    codexAnswer("mcpServer/elicitation/request", {}, {
      action: "accept",
      content: { branch: "main" },
    }),
    { action: "accept", content: { branch: "main" }, _meta: null },
  );
  assertEquals(humanAnswerOf({ action: "maybe" }), { action: "decline" });
});
