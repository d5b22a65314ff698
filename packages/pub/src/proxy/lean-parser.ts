/** @module HTTP/1.1 response parsing for the lean upstream client: the head, then the body's framing. */

export type Framing = 'none' | 'length' | 'chunked' | 'close';

/** A parsed status line and header block. */
export interface ResponseHead {
  status: number;
  statusText: string;
  /** Lowercase names; repeated headers as arrays; connection-level headers left out. */
  headers: Record<string, string | string[]>;
  /** Bytes the head took, blank line included. */
  size: number;
  /** 1xx (other than 101): skip it and read the real answer that follows. */
  informational: boolean;
  keepAlive: boolean;
  framing: Framing;
  contentLength: number;
}

function invalid(message: string): Error {
  return Object.assign(new Error(`invalid response from the job: ${message}`), { code: 'UND_ERR_INVALID_RESPONSE' });
}

/** Headers about this connection, read here and never handed on (the proxy would only delete them). */
const connectionLevel = new Set(['connection', 'keep-alive', 'transfer-encoding', 'proxy-connection', 'trailer', 'upgrade']);

const statusLine = /^HTTP\/1\.([01]) (\d{3})(?: (.*))?$/;

/** Parses the head at the start of `data`; undefined until the blank line has arrived. */
export function parseResponseHead(data: Buffer, method: string): ResponseHead | undefined {
  const end = data.indexOf('\r\n\r\n');
  if (end < 0) return undefined;
  const lines = data.toString('latin1', 0, end).split('\r\n');
  const match = statusLine.exec(lines[0] ?? '');
  if (!match) throw invalid(`bad status line "${(lines[0] ?? '').slice(0, 80)}"`);
  const minor = match[1];
  const status = Number(match[2]);
  if (status === 101) throw invalid('protocol upgrades are not supported');
  const headers: Record<string, string | string[]> = {};
  let contentLength = -1;
  let connection = '';
  let chunked = false;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    const colon = line.indexOf(':');
    if (colon <= 0 || line.charCodeAt(colon - 1) === 32 || line.charCodeAt(0) === 32 || line.charCodeAt(0) === 9) {
      throw invalid(`bad header line "${line.slice(0, 80)}"`);
    }
    const name = line.slice(0, colon).toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (!connectionLevel.has(name)) {
      const existing = headers[name];
      if (existing === undefined) headers[name] = value;
      else if (Array.isArray(existing)) existing.push(value);
      else headers[name] = [existing, value];
    }
    if (name === 'content-length') {
      if (!/^\d+$/.test(value) || (contentLength >= 0 && contentLength !== Number(value))) throw invalid('bad Content-Length');
      contentLength = Number(value);
    } else if (name === 'connection') {
      connection += `${value.toLowerCase()},`;
    } else if (name === 'transfer-encoding') {
      chunked = value.toLowerCase().split(',').some((v) => v.trim() === 'chunked');
    }
  }
  const keepAlive = minor === '1' ? !connection.includes('close') : connection.includes('keep-alive');
  let framing: Framing;
  if (method === 'HEAD' || status === 204 || status === 304 || (status >= 100 && status < 200)) framing = 'none';
  else if (chunked) framing = 'chunked';
  else if (contentLength >= 0) framing = contentLength === 0 ? 'none' : 'length';
  else framing = 'close';
  return {
    status,
    statusText: match[3] ?? '',
    headers,
    size: end + 4,
    informational: status >= 100 && status < 200,
    keepAlive,
    framing,
    contentLength: Math.max(contentLength, 0),
  };
}

const chunkStates = { size: 0, data: 1, dataEnd: 2, trailer: 3 } as const;
type ChunkState = (typeof chunkStates)[keyof typeof chunkStates];

/** Cuts a response body out of the bytes that follow the head, whatever its framing. */
export class ResponseBodyParser {
  readonly framing: Framing;
  done: boolean;
  /** Bytes arrived after the end of the body (the connection must not be reused). */
  leftover = false;
  #remaining: number;
  #state: ChunkState = chunkStates.size;
  #line = '';
  #crlfSeen = 0;

  constructor(framing: Framing, contentLength: number) {
    this.framing = framing;
    this.#remaining = contentLength;
    this.done = framing === 'none';
  }

  /** Feeds bytes; `emit` receives body data (chunked framing removed). */
  push(chunk: Buffer, emit: (data: Buffer) => void): void {
    if (this.framing === 'close') return emit(chunk);
    if (this.framing === 'length') {
      const piece = chunk.length <= this.#remaining ? chunk : chunk.subarray(0, this.#remaining);
      this.#remaining -= piece.length;
      if (this.#remaining === 0) {
        this.done = true;
        this.leftover = chunk.length > piece.length;
      }
      return emit(piece);
    }
    this.#pushChunked(chunk, emit);
  }

  #pushChunked(chunk: Buffer, emit: (data: Buffer) => void): void {
    let i = 0;
    while (i < chunk.length && !this.done) {
      if (this.#state === chunkStates.data) {
        const take = Math.min(this.#remaining, chunk.length - i);
        emit(chunk.subarray(i, i + take));
        i += take;
        this.#remaining -= take;
        if (this.#remaining === 0) {
          this.#state = chunkStates.dataEnd;
          this.#crlfSeen = 0;
        }
        continue;
      }
      const byte = chunk[i++] as number;
      if (this.#state === chunkStates.dataEnd) {
        if (byte !== (this.#crlfSeen === 0 ? 13 : 10)) throw invalid('chunk not followed by CRLF');
        if (++this.#crlfSeen === 2) this.#state = chunkStates.size;
        continue;
      }
      // Size and trailer lines: collect up to LF.
      if (byte !== 10) {
        if (this.#line.length > 4096) throw invalid('chunk header line too long');
        this.#line += String.fromCharCode(byte);
        continue;
      }
      const line = this.#line.endsWith('\r') ? this.#line.slice(0, -1) : this.#line;
      this.#line = '';
      if (this.#state === chunkStates.trailer) {
        if (line === '') this.done = true;
        continue;
      }
      const hex = (line.split(';')[0] ?? '').trim();
      if (!/^[0-9a-fA-F]+$/.test(hex)) throw invalid(`bad chunk size "${hex.slice(0, 20)}"`);
      this.#remaining = parseInt(hex, 16);
      this.#state = this.#remaining === 0 ? chunkStates.trailer : chunkStates.data;
    }
    if (this.done && i < chunk.length) this.leftover = true;
  }
}
