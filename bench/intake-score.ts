/**
 * Scores the candidate extractor directly (no server) on a development set laid out like
 * ../shared/intake-dev (articles/, gold.json), with the same matching and figures as its score.mjs: only the
 * candidates at or above the confidence threshold count, as POST /sources/{id}/candidates returns by default.
 * Then checks the seed case: every statement seeds/isfahan.json records with a claimant must be found with
 * that claimant and stance (among all candidates stored, and how many of those are proposed by default).
 *
 * --margins lists every candidate (any confidence) with its confidence and whether it matches a curated statement:
 * how far the weakest right one and the strongest wrong one stand from the threshold.
 *
 *   npx tsx bench/intake-score.ts [--dir ../shared/intake-dev] [--only 02,05] [--skip 22,29] [--min 0.5] [--show] [--margins]
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type ExtractedCandidate,
  extractCandidates,
  type KnownActor,
  MIN_CONFIDENCE,
} from '../src/domain/extraction/index.js';
import { locate, overlaps } from './lib/quote-match.js';

const { values } = parseArgs({
  options: {
    dir: { type: 'string', default: join(import.meta.dirname, '..', '..', 'shared', 'intake-dev') },
    only: { type: 'string' },
    skip: { type: 'string' },
    min: { type: 'string', default: String(MIN_CONFIDENCE) },
    show: { type: 'boolean', default: false },
    margins: { type: 'boolean', default: false },
  },
});
const min = Number(values.min);
const dir = values.dir as string;
const only = values.only?.split(',');
const skip = values.skip?.split(',') ?? [];

interface SeedActor {
  key: string;
  name: string;
  kind: KnownActor['kind'];
  aliases: string[];
  parent: string | null;
}
const seed = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'seeds', 'isfahan.json'), 'utf8')) as {
  actors: SeedActor[];
  sources: { key: string; file: string; title: string }[];
  claims: {
    key: string;
    source: string;
    claimant: string | null;
    stance: string;
    quote: { exact: string; prefix?: string };
  }[];
};

// The actors a server would hold: the seed's, then the development set's that are not already there by name.
const actors: KnownActor[] = [];
const seedIds = new Map<string, number>();
for (const a of seed.actors) {
  seedIds.set(a.key, actors.length + 1);
  actors.push({ id: actors.length + 1, name: a.name, kind: a.kind, aliases: a.aliases, parentId: null });
}
seed.actors.forEach((a, i) => {
  (actors[i] as { parentId: number | null }).parentId = a.parent ? (seedIds.get(a.parent) ?? null) : null;
});

const describe = (c: ExtractedCandidate) =>
  `${c.speaker.actor?.name ?? `?${c.speaker.text}`} / ${c.stance} / ${c.rule} / ${c.confidence}: ${c.quote.exact.slice(0, 90).replace(/\n/g, ' ')}`;

// The development set.
const gold = JSON.parse(readFileSync(join(dir, 'gold.json'), 'utf8')) as {
  actors: SeedActor[];
  articles: {
    art: string;
    title: string;
    statements: {
      id: string;
      speaker: string | null;
      stance: string;
      quote: string;
      attributions: { actor: string; position: string }[];
    }[];
  }[];
};
const goldIds = new Map<string, number>();
const ensure = (key: string): number => {
  const known = goldIds.get(key);
  if (known) return known;
  const spec = gold.actors.find((a) => a.key === key);
  if (!spec) throw new Error(`unknown actor key ${key}`);
  const hit = actors.find((a) => a.name.toLowerCase() === spec.name.toLowerCase());
  if (hit) {
    goldIds.set(key, hit.id);
    return hit.id;
  }
  const parentId = spec.parent ? ensure(spec.parent) : null;
  const id = actors.length + 1;
  actors.push({ id, name: spec.name, kind: spec.kind, aliases: spec.aliases, parentId });
  goldIds.set(key, id);
  return id;
};
for (const a of gold.actors) ensure(a.key);

const t = {
  statements: 0,
  found: 0,
  speaker: 0,
  stance: 0,
  attributions: 0,
  attributionsFound: 0,
  candidates: 0,
  matched: 0,
};
const files = readdirSync(join(dir, 'articles'));
const margins: { ok: boolean; line: string }[] = [];
const started = performance.now();
for (const art of gold.articles) {
  if ((only && !only.includes(art.art)) || skip.includes(art.art)) continue;
  const file = files.find((f) => f.startsWith(`${art.art}_`)) as string;
  const text = readFileSync(join(dir, 'articles', file), 'utf8')
    .split('\n')
    .slice(2)
    .join('\n');
  const all = extractCandidates(text, actors, { title: art.title });
  const cands = all.filter((c) => c.confidence >= min);
  t.candidates += cands.length;
  const used = new Set<number>();
  for (const st of art.statements) {
    if (st.speaker === null) continue;
    t.statements++;
    t.attributions += st.attributions.length;
    const span = locate(text, st.quote);
    const i = span ? cands.findIndex((c) => overlaps(c.quote, span)) : -1;
    if (i < 0) {
      if (values.show) console.log(`miss ${st.id} (${st.speaker}, ${st.stance}): ${st.quote.slice(0, 90)}`);
      continue;
    }
    used.add(i);
    const c = cands[i] as ExtractedCandidate;
    t.found++;
    const speakerOk = c.speaker.actor?.id === goldIds.get(st.speaker);
    if (speakerOk) t.speaker++;
    if (c.stance === st.stance) t.stance++;
    for (const a of st.attributions) {
      if (c.attributions.some((x) => x.actor?.id === goldIds.get(a.actor) && x.position === a.position))
        t.attributionsFound++;
      else if (values.show)
        console.log(
          `attribution ${st.id}: want ${a.actor}/${a.position}, got ${JSON.stringify(c.attributions.map((x) => [x.actor?.name ?? x.actorText, x.position]))}`,
        );
    }
    if (values.show && (!speakerOk || c.stance !== st.stance)) {
      console.log(
        `found ${st.id}: speaker ${c.speaker.actor?.name ?? c.speaker.text} (want ${st.speaker}), stance ${c.stance} (want ${st.stance})`,
      );
    }
  }
  const curated = art.statements.map((st) => locate(text, st.quote)).filter((s) => s !== null);
  if (values.margins)
    for (const c of all)
      margins.push({ ok: curated.some((s) => overlaps(c.quote, s)), line: `${art.art} ${describe(c)}` });
  cands.forEach((c, i) => {
    if (used.has(i) || curated.some((s) => overlaps(c.quote, s))) t.matched++;
    else if (values.show) console.log(`extra ${art.art}: ${describe(c)}`);
  });
}
const ms = performance.now() - started;
const r = (a: number, b: number) => (b ? (a / b).toFixed(2) : '0.00');
const recall = t.statements ? t.found / t.statements : 0;
const precision = t.candidates ? t.matched / t.candidates : 0;
const f1 = recall + precision ? (2 * recall * precision) / (recall + precision) : 0;
console.log(
  `intake (local): recall ${r(t.found, t.statements)} (${t.found}/${t.statements}), speaker ${r(t.speaker, t.found)}, stance ${r(t.stance, t.found)}, ` +
    `attributions ${r(t.attributionsFound, t.attributions)} (${t.attributionsFound}/${t.attributions}), precision ${r(t.matched, t.candidates)} ` +
    `(${t.matched}/${t.candidates} candidates), F1 ${f1.toFixed(2)}; ${ms.toFixed(0)} ms`,
);

if (values.margins) {
  const conf = (l: string) => Number(/ \/ ([\d.]+): /.exec(l)?.[1] ?? 0);
  for (const m of margins.sort((a, b) => conf(b.line) - conf(a.line)))
    console.log(`${m.ok ? '+' : '-'} ${m.line}`);
}

// The seed case.
let seedTotal = 0;
let seedOk = 0;
let seedProposed = 0;
for (const src of seed.sources) {
  const text = readFileSync(join(import.meta.dirname, '..', 'seeds', src.file), 'utf8');
  const cands = extractCandidates(text, actors, { title: src.title });
  for (const c of seed.claims.filter((x) => x.source === src.key && x.claimant !== null)) {
    seedTotal++;
    const after = c.quote.prefix ? (locate(text, c.quote.prefix)?.end ?? 0) : 0;
    const span = locate(text, c.quote.exact, after);
    const hit = span ? cands.find((x) => overlaps(x.quote, span)) : undefined;
    const ok = hit && hit.speaker.actor?.id === seedIds.get(c.claimant as string) && hit.stance === c.stance;
    if (ok) seedOk++;
    if (ok && hit.confidence >= min) seedProposed++;
    else if (values.show)
      console.log(`seed ${c.key} (${c.claimant}, ${c.stance}): ${hit ? describe(hit) : 'not found'}`);
  }
}
console.log(
  `seed documents: ${seedOk}/${seedTotal} statements found with the seed's claimant and stance, ${seedProposed} of them at or above ${min}`,
);
