import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVER_NODE_FLAGS } from '../src/server-flags.js';

const read = (path: string) => readFileSync(new URL(`../${path}`, import.meta.url), 'utf8');

describe('the flags the service runs with', () => {
  it('are the same in npm start and in the Docker image', () => {
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const start = /(?:^|&& )node (.*?)dist\/src\/server\.js$/.exec(pkg.scripts.start ?? '');
    expect(start?.[1]?.trim().split(/\s+/).filter(Boolean)).toEqual([...SERVER_NODE_FLAGS]);

    const cmd = /^CMD (\[.*\])$/m.exec(read('Dockerfile'));
    expect(JSON.parse(cmd?.[1] ?? 'null')).toEqual(['node', ...SERVER_NODE_FLAGS, 'dist/src/server.js']);
  });

  it('bound the old generation well above what one view holds', () => {
    const bound = SERVER_NODE_FLAGS.map((f) => /^--max-old-space-size=(\d+)$/.exec(f)?.[1]).find(Boolean);
    expect(Number(bound)).toBeGreaterThanOrEqual(256);
  });
});
