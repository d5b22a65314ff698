/** @module Server-Sent Events reading: `data:` lines of each event, as an async iterable of strings. */

/** Incremental SSE parser: feed text chunks, get the data of every completed event. */
export class SseParser {
  #buffer = '';
  #data: string[] = [];

  /** Consumes a chunk and returns the data of the events it completed. */
  push(chunk: string): string[] {
    this.#buffer += chunk;
    const events: string[] = [];
    let newline: number;
    while ((newline = this.#buffer.search(/\r\n|\n|\r/)) >= 0) {
      const line = this.#buffer.slice(0, newline);
      const width = this.#buffer.startsWith('\r\n', newline) ? 2 : 1;
      this.#buffer = this.#buffer.slice(newline + width);
      if (line === '') {
        if (this.#data.length > 0) events.push(this.#data.join('\n'));
        this.#data = [];
      } else if (line.startsWith('data:')) {
        const value = line.slice(5);
        this.#data.push(value.startsWith(' ') ? value.slice(1) : value);
      }
      // Comments (":keepalive"), event, id and retry fields carry nothing a log follower needs.
    }
    return events;
  }
}

/** Yields the data of every event of an SSE response body until it ends. */
export async function* readSseData(body: ReadableStream<Uint8Array>): AsyncGenerator<string> {
  const parser = new SseParser();
  const decoder = new TextDecoder();
  for await (const chunk of body) yield* parser.push(decoder.decode(chunk, { stream: true }));
  yield* parser.push(decoder.decode() + '\n\n');
}
