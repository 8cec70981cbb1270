import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type supertest from 'supertest';
import { expect } from 'vitest';

// The intake development set (test/fixtures/intake-dev, a copy of the shared set): nine real articles about the
// Isfahan attack and, in gold.json, who says what in each, hand-curated. Loaded here through the API, as a
// newsroom would record it, for tests of the board and search on real reporting.

const HERE = fileURLToPath(new URL('../fixtures/intake-dev/', import.meta.url));

interface Gold {
  actors: { key: string; name: string; kind: string; aliases: string[]; parent: string | null }[];
  articles: {
    art: string;
    file: string;
    title: string;
    publisher: string;
    copyOf: string | null;
    publishedAt: string;
    statements: {
      id: string;
      speaker: string | null;
      stance: string;
      modality: string;
      quote: string;
      reportedVia: string[];
      attributions: { actor: string; position: string; role: string }[];
    }[];
  }[];
}

export const gold = JSON.parse(readFileSync(`${HERE}gold.json`, 'utf8')) as Gold;

/** An article's text as stored: the file from its third line on (line 1 is the URL, line 2 the outlet). */
export const articleText = (file: string) =>
  readFileSync(`${HERE}articles/${file}`, 'utf8').split('\n').slice(2).join('\n');

async function post(api: supertest.Agent, path: string, body: object) {
  const res = await api.post(path).send(body);
  expect(res.status, `${path} ${JSON.stringify(body).slice(0, 200)}: ${JSON.stringify(res.body)}`).toBe(201);
  return res.body as { id: number } & Record<string, unknown>;
}

/**
 * Records the whole set: actors (parents first), one source per article, a claim per curated statement about
 * the Isfahan attack, and its attributions. `unnamed` names the gold actors that are unnamed collectives;
 * every other `group` is marked identifiable.
 */
export async function loadIntakeDev(api: supertest.Agent) {
  const actors = new Map<string, number>();
  let pending = gold.actors;
  while (pending.length > 0) {
    const ready = pending.filter((a) => a.parent === null || actors.has(a.parent));
    expect(ready.length, 'actors form a hierarchy').toBeGreaterThan(0);
    for (const a of ready) {
      const created = await post(api, '/actors', {
        name: a.name,
        kind: a.kind,
        aliases: a.aliases,
        parentId: a.parent === null ? null : actors.get(a.parent),
      });
      actors.set(a.key, created.id);
    }
    pending = pending.filter((a) => !actors.has(a.key));
  }
  const actor = (key: string) => {
    const id = actors.get(key);
    if (id === undefined) throw new Error(`gold.json names unknown actor ${key}`);
    return id;
  };
  const event = await post(api, '/events', {
    title: 'Drone attack on a defence factory in Isfahan',
    kind: 'drone_attack',
    parties: [
      { actorId: actor('iran'), role: 'target' },
      { actorId: actor('israel'), role: 'accused' },
    ],
  });
  const sources = new Map<string, number>();
  const claims = new Map<string, number>();
  for (const article of gold.articles) {
    const source = await post(api, '/sources', {
      title: article.title,
      kind: 'news_article',
      publisherId: actor(article.publisher),
      // The original of article 05 (an AP story) is not in the set.
      copyOfId: article.copyOf === null ? null : (sources.get(article.copyOf) ?? null),
      publishedAt: article.publishedAt,
      publishedAtPrecision: 'day',
      text: articleText(article.file),
    });
    sources.set(article.art, source.id);
    for (const s of article.statements) {
      const claim = await post(api, '/claims', {
        sourceId: source.id,
        claimantId: s.speaker === null ? null : actor(s.speaker),
        eventId: event.id,
        text: s.quote,
        stance: s.stance,
        modality: s.modality,
        reportedViaIds: s.reportedVia.map(actor),
        quote: { exact: s.quote },
      });
      claims.set(s.id, claim.id);
      for (const a of s.attributions) {
        await post(api, '/attributions', {
          eventId: event.id,
          actorId: actor(a.actor),
          claimId: claim.id,
          position: a.position,
          role: a.role,
        });
      }
    }
  }
  return { actors, actor, event, sources, claims };
}
