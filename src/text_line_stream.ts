/**
 * A `TransformStream` that splits text into lines, with the same name and
 * semantics as `TextLineStream` from `@std/streams` (which lives on JSR only,
 * out of reach of our registries). Swapping in the real one is an import change.
 *
 * @module
 */

/**
 * Splits a stream of text chunks into lines. `\n` and `\r\n` end a line; the
 * text after the last line break is emitted when the stream closes.
 *
 * Pending text is kept as a list of pieces and joined once per line, so a
 * single very long line (Codex can print a 20 MB `agent_message` on one line)
 * costs linear time, not quadratic.
 *
 * @example
 * ```ts
 * import { TextLineStream } from "./text_line_stream.ts";
 * const lines = ReadableStream.from(["a\nb", "c\r\nd"])
 *   .pipeThrough(new TextLineStream());
 * console.log(await Array.fromAsync(lines)); // ["a", "bc", "d"]
 * ```
 */
export class TextLineStream extends TransformStream<string, string> {
  /** Creates the transform. */
  constructor() {
    const pending: string[] = [];
    const takeLine = (lastPiece: string): string => {
      pending.push(lastPiece);
      const line = pending.join("");
      pending.length = 0;
      return line.endsWith("\r") ? line.slice(0, -1) : line;
    };
    super({
      transform(chunk, controller) {
        let start = 0;
        for (
          let end = chunk.indexOf("\n");
          end !== -1;
          end = chunk.indexOf("\n", start)
        ) {
          controller.enqueue(takeLine(chunk.slice(start, end)));
          start = end + 1;
        }
        if (start < chunk.length) pending.push(chunk.slice(start));
      },
      flush(controller) {
        if (pending.length > 0) controller.enqueue(takeLine(""));
      },
    });
  }
}
