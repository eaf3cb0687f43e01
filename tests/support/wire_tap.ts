/**
 * Runs a server command between a client and the server, copying every
 * line each way to a log (`> ` client to server, `< ` back), so a test
 * can check what a real client sent. No shell: the command runs as given.
 *
 * Usage: `deno run -A wire_tap.ts <log> <command> [args…]`
 */

const [log, command, ...args] = Deno.args;
const child = new Deno.Command(command, {
  args,
  stdin: "piped",
  stdout: "piped",
  stderr: "inherit",
}).spawn();
const file = await Deno.open(log, { create: true, append: true });
const encoder = new TextEncoder();

/** Copies `from` to `to`, logging each line with `mark`. */
async function copy(
  from: ReadableStream<Uint8Array>,
  to: WritableStream<Uint8Array>,
  mark: string,
): Promise<void> {
  const writer = to.getWriter();
  const decoder = new TextDecoder();
  let pending = "";
  for await (const chunk of from) {
    await writer.write(chunk).catch(() => {});
    pending += decoder.decode(chunk, { stream: true });
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) {
      await file.write(encoder.encode(`${mark}${line}\n`));
    }
  }
  await writer.close().catch(() => {});
}

copy(Deno.stdin.readable, child.stdin, "> ");
await copy(child.stdout, Deno.stdout.writable, "< ");
Deno.exit((await child.status).code);
