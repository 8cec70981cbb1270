/**
 * NDJSON (newline-delimited JSON, https://github.com/ndjson/ndjson-spec): one JSON value a line.
 * Lines end with LF or CRLF; blank lines are skipped but still counted, so that line numbers are the
 * ones an editor shows; a byte order mark before the first line is ignored.
 */

export const NDJSON_MEDIA_TYPE = 'application/x-ndjson';

export interface NdjsonLine {
  /** 1-based, counting blank lines too. */
  line: number;
  text: string;
}

const isBlank = (s: string) => s.trim() === '';

/** The non-blank lines of a whole NDJSON text. */
export function* ndjsonLines(text: string): Generator<NdjsonLine> {
  let at = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 0;
  while (at <= text.length) {
    const newline = text.indexOf('\n', at);
    const end = newline === -1 ? text.length : newline;
    line++;
    let content = text.slice(at, end);
    if (content.endsWith('\r')) content = content.slice(0, -1);
    if (!isBlank(content)) yield { line, text: content };
    if (newline === -1) break;
    at = newline + 1;
  }
}

export class NotUtf8Error extends Error {
  constructor(readonly byteOffset: number) {
    super(`not UTF-8 text (an invalid byte sequence near byte ${byteOffset})`);
    this.name = 'NotUtf8Error';
  }
}

/**
 * The non-blank lines of an NDJSON byte stream, decoded as strict UTF-8 (an invalid byte sequence is a
 * NotUtf8Error, never a silent U+FFFD). Only the current line is held in memory. `onBytes` is told how
 * many bytes have been read so far, for progress reports.
 */
export async function* readNdjsonLines(
  chunks: AsyncIterable<Uint8Array>,
  onBytes?: (total: number) => void,
): AsyncGenerator<NdjsonLine> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });
  let bytes = 0;
  let pending = '';
  let line = 0;
  const decode = (chunk?: Uint8Array) => {
    try {
      return chunk ? decoder.decode(chunk, { stream: true }) : decoder.decode();
    } catch {
      throw new NotUtf8Error(bytes);
    }
  };
  const complete = (raw: string): NdjsonLine | null => {
    line++;
    const content = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    return isBlank(content) ? null : { line, text: content };
  };
  for await (const chunk of chunks) {
    pending += decode(chunk);
    bytes += chunk.byteLength;
    onBytes?.(bytes);
    let newline = pending.indexOf('\n');
    let from = 0;
    while (newline !== -1) {
      const done = complete(pending.slice(from, newline));
      if (done) yield done;
      from = newline + 1;
      newline = pending.indexOf('\n', from);
    }
    pending = pending.slice(from);
  }
  pending += decode();
  if (pending.length > 0) {
    const done = complete(pending);
    if (done) yield done;
  }
}

/**
 * Groups lines into chunks of about `size` UTF-16 units, so that a stream writes a few large chunks
 * rather than one small write per line.
 */
export function* chunkLines(lines: Iterable<string>, size = 64 * 1024): Generator<string> {
  let chunk = '';
  for (const line of lines) {
    chunk += line;
    if (chunk.length >= size) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk.length > 0) yield chunk;
}
