/**
 * Prints every candidate the extractor finds in a text file (below the confidence threshold too), against the
 * seed's actors and, with --gold, the actors of a development set's gold.json:
 *
 *   npx tsx bench/intake-dump.ts FILE [--skip-lines 2] [--gold test/fixtures/intake-own/gold.json] [--title "..."]
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { extractCandidates, type KnownActor } from '../src/domain/extraction/index.js';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    'skip-lines': { type: 'string', default: '0' },
    gold: { type: 'string' },
    title: { type: 'string' },
  },
});
interface ActorSpec {
  key: string;
  name: string;
  kind: KnownActor['kind'];
  aliases: string[];
  parent: string | null;
}
const specs: ActorSpec[] = [
  ...(
    JSON.parse(readFileSync(join(import.meta.dirname, '..', 'seeds', 'isfahan.json'), 'utf8')) as {
      actors: ActorSpec[];
    }
  ).actors,
];
if (values.gold) {
  for (const a of (JSON.parse(readFileSync(values.gold, 'utf8')) as { actors: ActorSpec[] }).actors)
    if (!specs.some((s) => s.name.toLowerCase() === a.name.toLowerCase())) specs.push(a);
}
const ids = new Map(specs.map((a, i) => [a.key, i + 1]));
const actors: KnownActor[] = specs.map((a, i) => ({
  id: i + 1,
  name: a.name,
  kind: a.kind,
  aliases: a.aliases,
  parentId: a.parent ? (ids.get(a.parent) ?? null) : null,
}));
const text = readFileSync(positionals[0] as string, 'utf8')
  .split('\n')
  .slice(Number(values['skip-lines']))
  .join('\n');
for (const c of extractCandidates(text, actors, { title: values.title ?? null })) {
  console.log(
    `[${c.rule}] ${c.confidence} ${c.speaker.actor?.name ?? `(${c.speaker.proposed?.kind}) ${c.speaker.proposed?.name}`} <${c.speaker.text}> ${c.speaker.score} | ${c.stance} ${c.modality} | cue "${c.cue.text}"` +
      `${c.reportedVia.length ? ` | via ${c.reportedVia.map((r) => r.actor?.name ?? r.proposed?.name).join(' > ')}` : ''}` +
      `${c.attributions.length ? ` | blames ${c.attributions.map((a) => `${a.actor?.name ?? a.actorText}:${a.position}`).join(', ')}` : ''}\n    ${c.quote.exact.replace(/\n/g, ' ')}`,
  );
}
