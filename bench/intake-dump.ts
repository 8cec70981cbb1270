/** Prints the candidates the extractor finds in a text file, against the seed's actors: `npx tsx bench/intake-dump.ts FILE [--skip-lines 2]`. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { extractCandidates, type KnownActor } from '../src/domain/extraction/index.js';

const [file, ...rest] = process.argv.slice(2);
const skipLines = rest[0] === '--skip-lines' ? Number(rest[1]) : 0;
const seed = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'seeds', 'isfahan.json'), 'utf8')) as {
  actors: { key: string; name: string; kind: KnownActor['kind']; aliases: string[]; parent: string | null }[];
};
const ids = new Map(seed.actors.map((a, i) => [a.key, i + 1]));
const actors: KnownActor[] = seed.actors.map((a, i) => ({
  id: i + 1,
  name: a.name,
  kind: a.kind,
  aliases: a.aliases,
  parentId: a.parent ? (ids.get(a.parent) ?? null) : null,
}));
const text = readFileSync(file as string, 'utf8')
  .split('\n')
  .slice(skipLines)
  .join('\n');
for (const c of extractCandidates(text, actors)) {
  console.log(
    `[${c.rule}] ${c.speaker.actor?.name ?? `(${c.speaker.proposed?.kind}) ${c.speaker.proposed?.name}`} <${c.speaker.text}> ${c.speaker.score} | ${c.stance} ${c.modality} | cue "${c.cue.text}"` +
      `${c.reportedVia.length ? ` | via ${c.reportedVia.map((r) => r.actor?.name ?? r.proposed?.name).join(' > ')}` : ''}` +
      `${c.attributions.length ? ` | blames ${c.attributions.map((a) => `${a.actor?.name ?? a.actorText}:${a.position}`).join(', ')}` : ''}\n    ${c.quote.exact.replace(/\n/g, ' ')}`,
  );
}
