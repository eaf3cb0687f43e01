import { TextLineStream } from "../../src/text_line_stream.ts";
import { assertEquals } from "../support/assert.ts";

async function split(chunks: string[]): Promise<string[]> {
  return await Array.fromAsync(
    ReadableStream.from(chunks).pipeThrough(new TextLineStream()),
  );
}

Deno.test("TextLineStream splits on \\n and \\r\\n, across chunks", async () => {
  assertEquals(await split(["a\nb", "c\r\nd"]), ["a", "bc", "d"]);
  assertEquals(await split(["a\r", "\nb\n"]), ["a", "b"]);
  assertEquals(await split(["\n\n"]), ["", ""]);
});

Deno.test("TextLineStream emits the tail without a final newline, and nothing for empty input", async () => {
  assertEquals(await split(["x", "y"]), ["xy"]);
  assertEquals(await split([]), []);
  assertEquals(await split([""]), []);
});

Deno.test("TextLineStream keeps a 20 MB line whole when it arrives in 64 KiB chunks", async () => {
  const line = "z".repeat(20 * 1024 * 1024);
  const chunks: string[] = [];
  for (let i = 0; i < line.length; i += 65536) {
    chunks.push(line.slice(i, i + 65536));
  }
  chunks.push("\nnext");
  const lines = await split(chunks);
  assertEquals(lines.length, 2);
  assertEquals(lines[0].length, line.length);
  assertEquals(lines[1], "next");
});
