import { describe, expect, it } from 'vitest';
import { chunkLines, NotUtf8Error, ndjsonLines, readNdjsonLines } from '../src/lib/ndjson.js';

async function collect(chunks: Uint8Array[]) {
  async function* source() {
    for (const c of chunks) yield c;
  }
  const lines = [];
  for await (const line of readNdjsonLines(source())) lines.push(line);
  return lines;
}

const bytes = (s: string) => new TextEncoder().encode(s);

describe('NDJSON lines', () => {
  it('numbers lines as an editor does: blank lines skipped but counted, CRLF and a leading BOM dropped', async () => {
    const text = '\ufeff{"a":1}\r\n\n   \n{"b":"x\\ny"}\r\n{"c":3}';
    const expected = [
      { line: 1, text: '{"a":1}' },
      { line: 4, text: '{"b":"x\\ny"}' },
      { line: 5, text: '{"c":3}' },
    ];
    expect([...ndjsonLines(text)]).toEqual(expected);
    expect(await collect([bytes(text)])).toEqual(expected);
    expect([...ndjsonLines(''), ...ndjsonLines('\n\n')]).toEqual([]);
    expect([...ndjsonLines('{"a":1}\n')]).toEqual([{ line: 1, text: '{"a":1}' }]);
  });

  it('reads a stream whose chunks split lines and multi-byte characters anywhere', async () => {
    const text = '{"name":"Hossein Amir‐Abdollahian 🇮🇷"}\n{"name":"“Iran”"}\n';
    const encoded = bytes(text);
    for (const size of [1, 2, 3, 5, 7, 64]) {
      const chunks: Uint8Array[] = [];
      for (let at = 0; at < encoded.length; at += size) chunks.push(encoded.subarray(at, at + size));
      expect(await collect(chunks), `chunks of ${size}`).toEqual([
        { line: 1, text: '{"name":"Hossein Amir‐Abdollahian 🇮🇷"}' },
        { line: 2, text: '{"name":"“Iran”"}' },
      ]);
    }
  });

  it('refuses bytes that are not UTF-8, with roughly where, instead of replacing them', async () => {
    const good = bytes('{"a":1}\n');
    const bad = new Uint8Array([0x7b, 0x22, 0xc3, 0x28, 0x22, 0x7d]);
    const error = await collect([good, bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NotUtf8Error);
    expect((error as NotUtf8Error).byteOffset).toBe(good.length);
    // A multi-byte character cut off by the end of the stream is invalid too.
    await expect(collect([bytes('{"a":"é'), new Uint8Array([0xe2, 0x80])])).rejects.toBeInstanceOf(
      NotUtf8Error,
    );
  });

  it('groups lines into chunks of about the size asked, losing none', () => {
    const lines = Array.from({ length: 100 }, (_, i) => `{"n":${i}}\n`);
    const chunks = [...chunkLines(lines, 100)];
    expect(chunks.join('')).toBe(lines.join(''));
    expect(chunks.length).toBeGreaterThan(5);
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk.length).toBeGreaterThanOrEqual(100);
      expect(chunk.endsWith('\n')).toBe(true);
    }
  });
});
