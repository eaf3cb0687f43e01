/**
 * Benchmark: one `--http` server for many clients. Prints the server's
 * resident memory at start, with N clients connected and idle, calls per
 * second of a cheap tool (`codex_sessions` on an empty store) from one and
 * from several clients, and whether N clients held at once are all still
 * served. No Codex runs.
 *
 *   deno task bench:http [clients=200]
 */

import { clientV2, startHttpServer } from "../tests/support/http_server.ts";

const clients = Number(Deno.args[0] ?? 200);
const home = await Deno.makeTempDir({ prefix: "bench-http-" });
await Deno.mkdir(`${home}/.codex`);
const server = await startHttpServer({
  HOME: home,
  CODEX_HOME: `${home}/.codex`,
  CODEX_BIN: "codex",
  CODEX_PERSISTENT_MCP_ROOTS: home,
  PATH: Deno.env.get("PATH") ?? "",
});

function rssMiB(): number {
  const status = Deno.readTextFileSync(`/proc/${server.process.pid}/status`);
  return Math.round(Number(status.match(/VmRSS:\s+(\d+)/)?.[1]) / 1024);
}

const call = { name: "codex_sessions", arguments: {} };
try {
  const first = await clientV2(server);
  await first.callTool(call);
  const idle = rssMiB();

  const calls = 500;
  let started = performance.now();
  for (let i = 0; i < calls; i++) await first.callTool(call);
  const sequential = calls / ((performance.now() - started) / 1000);

  const many = [first];
  for (let i = 1; i < clients; i++) many.push(await clientV2(server));
  await Promise.all(many.map((client) => client.callTool(call)));
  const connected = rssMiB();

  started = performance.now();
  await Promise.all(
    many.slice(0, 8).map(async (client) => {
      for (let i = 0; i < calls / 8; i++) await client.callTool(call);
    }),
  );
  const parallel = calls / ((performance.now() - started) / 1000);

  const answered = (await Promise.all(
    many.map((client) => client.callTool(call).then(() => 1, () => 0)),
  )).reduce((sum: number, one) => sum + one, 0);

  console.log(`HTTP server (${Deno.build.os}, deno run -A mod.ts --http):`);
  console.log(`  resident memory after start and one call   ${idle} MiB`);
  console.log(
    `  with ${clients} clients connected, idle          ${connected} MiB`,
  );
  console.log(
    `  codex_sessions calls/s, 1 client            ${Math.round(sequential)}`,
  );
  console.log(
    `  codex_sessions calls/s, 8 clients           ${Math.round(parallel)}`,
  );
  console.log(
    `  ${clients} clients held at once, all answered    ${answered}/${clients}`,
  );
  await Promise.all(many.map((client) => client.close()));
} finally {
  await server.stop();
  await Deno.remove(home, { recursive: true });
}
