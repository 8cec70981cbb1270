import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createClaimsService } from '../src/modules/claims/claims.service.js';
import { EXPORT_PAGE_SIZE } from '../src/modules/transfer/export.service.js';
import {
  ImportLine,
  RECORD_TYPES,
  REFERENCES,
  type ReferenceTree,
  unexportableFields,
} from '../src/modules/transfer/transfer.format.js';
import { buildTestApp, expectProblem, type TestContext } from './helpers/app.js';
import { createActor, createClaim, createEvent, createSource, WIRE_TEXT } from './helpers/factories.js';
import {
  asText,
  comparable,
  exportText,
  parseLines,
  postImport,
  tableCounts,
  wholeRecord,
} from './helpers/transfer.js';

const contexts: TestContext[] = [];
const open = async (...args: Parameters<typeof buildTestApp>) => {
  const ctx = await buildTestApp(...args);
  contexts.push(ctx);
  return ctx;
};
afterEach(async () => {
  await Promise.all(contexts.splice(0).map((c) => c.close()));
});

/** Every ref a line uses, by the line format's own reference fields. */
function refsUsed(line: Record<string, unknown>): string[] {
  const type = line.type as (typeof RECORD_TYPES)[number];
  const walk = (tree: ReferenceTree, object: Record<string, unknown>): string[] => [
    ...tree.fields.flatMap((f) => {
      const v = object[f.refKey];
      return v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string];
    }),
    ...Object.entries(tree.nested).flatMap(([key, sub]) =>
      ((object[key] as Record<string, unknown>[] | undefined) ?? []).flatMap((o) => walk(sub, o)),
    ),
  ];
  return walk(REFERENCES[type], line);
}

/** Each line is an import line that refers only to refs of earlier lines, every ref once. */
function expectImportOrder(lines: Record<string, unknown>[]) {
  const seen = new Set<string>();
  for (const [i, line] of lines.entries()) {
    const parsed = ImportLine.safeParse(line);
    expect(parsed.success, `line ${i + 1}: ${JSON.stringify(parsed.error?.issues)}`).toBe(true);
    for (const ref of refsUsed(line)) expect(seen.has(ref), `line ${i + 1} uses ${ref} before it`).toBe(true);
    expect(seen.has(line.ref as string)).toBe(false);
    seen.add(line.ref as string);
  }
}

describe('GET /export', () => {
  it('exports the seeded case so that importing it into an empty database gives the same records', async () => {
    const seeded = await open({ seed: true });
    const text = await exportText(seeded.api);
    const lines = parseLines(text);
    expect(text.endsWith('\n')).toBe(true);
    expectImportOrder(lines);
    const counts = tableCounts(seeded.app);
    expect(lines.length).toBe(
      counts.actors +
        counts.sources +
        counts.events +
        counts.claims +
        counts.attributions +
        counts.claim_links,
    );
    expect([...new Set(lines.map((l) => l.type))]).toEqual([...RECORD_TYPES]);

    const empty = await open();
    const res = await postImport(empty.api, text);
    expect(res.status).toBe(201);
    expect(res.body.lines).toBe(lines.length);

    const original = await wholeRecord(seeded.api);
    const copy = await wholeRecord(empty.api);
    expect(copy.claims?.length).toBe(counts.claims);
    for (const collection of Object.keys(original)) {
      // Field by field, ids compared by the position of the record they name, server-set times left out.
      expect(comparable(copy)[collection], collection).toEqual(comparable(original)[collection]);
    }
    const claim = copy.claims?.[0] as unknown as { quote: { verified: boolean } };
    expect(claim.quote.verified).toBe(true);
  });

  it('writes parents, originals and larger events before what refers to them, whatever their ids', async () => {
    const ctx = await open();
    // Children first, then their parents, then the parent links: ids run against the order an import needs.
    const ministry = await createActor(ctx.api, { name: 'Ministry', kind: 'government_body' });
    const state = await createActor(ctx.api, { name: 'State', kind: 'state', aliases: ['The State'] });
    const official = await createActor(ctx.api, { name: 'Official', kind: 'person', parentId: ministry.id });
    await ctx.api.patch(`/actors/${ministry.id}`).send({ parentId: state.id }).expect(200);
    const reprint = await createSource(ctx.api, { title: 'Reprint' });
    const original = await createSource(ctx.api, { title: 'Original', publisherId: state.id });
    await ctx.api.patch(`/sources/${reprint.id}`).send({ copyOfId: original.id }).expect(200);
    const day = await createEvent(ctx.api, { title: 'Day of strikes', kind: 'attack' });
    const war = await createEvent(ctx.api, { title: 'Campaign', kind: 'campaign' });
    await ctx.api
      .patch(`/events/${day.id}`)
      .send({ parentId: war.id, parties: [{ actorId: state.id, role: 'target' }] });
    await ctx.api
      .patch(`/actors/${state.id}`)
      .send({ reliability: { grade: 'B', gradedBy: 'Desk', rationale: 'Usually right' } })
      .expect(200);
    const claim = await createClaim(ctx.api, {
      sourceId: reprint.id,
      claimantId: official.id,
      eventId: day.id,
      reportedViaIds: [ministry.id, state.id],
      statedAt: '2023-01-29T10:00:00+03:30',
      statedAtPrecision: 'hour',
      credibility: { grade: '3', gradedBy: 'Desk' },
    });
    const other = await createClaim(ctx.api, {
      sourceId: original.id,
      quote: { exact: 'Local Telegram channels blamed Israel', start: 280 },
      text: 'Channels blamed Israel.',
    });
    const attribution = (
      await ctx.api.post('/attributions').send({
        eventId: war.id,
        actorId: state.id,
        claimId: other.id,
        position: 'speculates',
        role: 'sponsor',
      })
    ).body;
    await ctx.api.post(`/claims/${other.id}/retraction`).send({ reason: 'Misread' }).expect(200);
    await ctx.api.post(`/attributions/${attribution.id}/retraction`).send({ reason: 'Misread' }).expect(200);
    await ctx.api
      .post('/claim-links')
      .send({ fromClaimId: other.id, toClaimId: claim.id, relation: 'responds_to' });

    const text = await exportText(ctx.api);
    const lines = parseLines(text);
    expectImportOrder(lines);
    expect(lines.filter((l) => l.type === 'actor').map((l) => l.name)).toEqual([
      'State',
      'Ministry',
      'Official',
    ]);
    expect(lines.filter((l) => l.type === 'source').map((l) => l.title)).toEqual(['Original', 'Reprint']);
    expect(lines.filter((l) => l.type === 'event').map((l) => l.title)).toEqual([
      'Campaign',
      'Day of strikes',
    ]);
    expect(lines.find((l) => l.type === 'claim' && l.text === 'Channels blamed Israel.')).toMatchObject({
      retraction: { reason: 'Misread', retractedBy: 'test admin' },
    });

    const copy = await open();
    const res = await postImport(copy.api, text);
    expect(res.status).toBe(201);
    expect(res.body.retracted).toEqual({ claim: 1, attribution: 1 });
    // Ids differ here (the copy creates parents first), so records are compared by name.
    const byName = (record: Awaited<ReturnType<typeof wholeRecord>>) => ({
      actors: record.actors?.map(
        ({ id: _i, createdAt: _c, updatedAt: _u, parentId: _p, parent, reliability, ...a }) => ({
          ...a,
          parent: (parent as { name: string } | null)?.name ?? null,
          reliability: reliability && { ...(reliability as object), gradedAt: 'set' },
        }),
      ),
      claims: record.claims?.map((c) => ({
        text: c.text,
        claimant: (c.claimant as { name: string } | null)?.name ?? null,
        source: (c.source as { title: string }).title,
        event: (c.event as { title: string } | null)?.title ?? null,
        chain: (c.reportedVia as { name: string }[]).map((a) => a.name),
        quote: c.quote,
        statedAt: c.statedAt,
        statedAtPrecision: c.statedAtPrecision,
        credibility: c.credibility && { ...(c.credibility as object), gradedAt: 'set' },
        retraction: c.retraction && { ...(c.retraction as object), retractedAt: 'set' },
      })),
      sources: record.sources?.map((s) => ({
        title: s.title,
        publisher: (s.publisher as { name: string } | null)?.name ?? null,
        copyOf: (s.copyOf as { title: string } | null)?.title ?? null,
        sha256: s.sha256,
        retrievedAt: s.retrievedAt,
      })),
      events: record.events?.map((e) => ({
        title: e.title,
        parent: (e.parent as { title: string } | null)?.title ?? null,
        parties: (e.parties as { actor: { name: string }; role: string }[]).map((p) => [
          p.actor.name,
          p.role,
        ]),
      })),
      attributions: record.attributions?.map((a) => ({
        event: (a.event as { title: string }).title,
        actor: (a.actor as { name: string }).name,
        claim: (a.claim as { text: string }).text,
        role: a.role,
        position: a.position,
        retraction: a.retraction && { ...(a.retraction as object), retractedAt: 'set' },
      })),
      links: record.claimLinks?.map((l) => [
        (l.from as { text: string }).text,
        l.relation,
        (l.to as { text: string }).text,
        l.note,
      ]),
    });
    const sortBy = <T>(list: T[] | undefined) =>
      [...(list ?? [])].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
    const a = byName(await wholeRecord(ctx.api));
    const b = byName(await wholeRecord(copy.api));
    for (const key of Object.keys(a) as (keyof typeof a)[]) {
      expect(sortBy(b[key] as unknown[]), key).toEqual(sortBy(a[key] as unknown[]));
    }
    expect(a.claims?.[0]?.quote).toMatchObject({ verified: true });
  });

  it('streams the export in chunks, line by line, from many pages', async () => {
    const ctx = await open();
    const source = await createSource(ctx.api, { text: WIRE_TEXT });
    const actor = await createActor(ctx.api);
    // More claims than two export pages, created through the claims service as the API would.
    const claims = createClaimsService(ctx.app.db);
    const count = EXPORT_PAGE_SIZE * 2 + 37;
    ctx.app.db.transaction(() => {
      for (let i = 0; i < count; i++) {
        claims.create({
          sourceId: source.id,
          claimantId: actor.id,
          text: `Claim number ${i}`,
          stance: 'asserts',
          modality: 'paraphrase',
          quote: { exact: 'micro drones' },
        });
      }
    });
    const res = await ctx.api.get('/export').buffer(true).parse(asText);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/x-ndjson; charset=utf-8');
    expect(res.headers['transfer-encoding']).toBe('chunked');
    expect(res.headers['content-length']).toBeUndefined();
    expect(res.headers['content-disposition']).toMatch(
      /^attachment; filename="claimledger-\d{4}-\d{2}-\d{2}\.ndjson"$/,
    );
    const text = res.body as string;
    expect(text.endsWith('\n')).toBe(true);
    const lines = parseLines(text);
    expectImportOrder(lines);
    expect(lines.filter((l) => l.type === 'claim').map((l) => l.text)).toEqual(
      Array.from({ length: count }, (_, i) => `Claim number ${i}`),
    );
  });

  it('is a snapshot: records written while an export streams are not in it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'claimledger-export-'));
    try {
      const ctx = await open({ databasePath: join(dir, 'db.sqlite') } as Parameters<typeof buildTestApp>[0]);
      await createSource(ctx.api, { text: WIRE_TEXT });
      const actor = await createActor(ctx.api);
      const claims = createClaimsService(ctx.app.db);
      ctx.app.db.transaction(() => {
        for (let i = 0; i < 3000; i++) {
          claims.create({
            sourceId: 1,
            claimantId: actor.id,
            text: `C${i}`,
            stance: 'asserts',
            modality: 'paraphrase',
            quote: { exact: 'micro drones' },
          });
        }
      });
      const address = await ctx.app.listen({ port: 0, host: '127.0.0.1' });
      const response = await fetch(`${address}/export`, {
        headers: { authorization: `Bearer ${ctx.keys.reader}` },
      });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const decoder = new TextDecoder();
      let text = decoder.decode((await reader.read()).value);
      // Written after the export began, while it is still in the claims (its reader is not reading).
      await createClaim(ctx.api, { sourceId: 1, text: 'Late claim' });
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read())
        text += decoder.decode(chunk.value);
      const lines = parseLines(text);
      expect(lines.filter((l) => l.type === 'claim')).toHaveLength(3000);
      expect(lines.some((l) => l.text === 'Late claim')).toBe(false);
      expect(parseLines(await exportText(ctx.api)).some((l) => l.text === 'Late claim')).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('needs a key: anonymous is 401, a reader key may export', async () => {
    const ctx = await open({ seed: true });
    const anonymous = await ctx.anonymous.get('/export');
    expectProblem(anonymous, 401, 'UNAUTHORIZED', '/export', {
      title: 'A valid API key is required',
      detail: 'This request needs an API key: send Authorization: Bearer <key>.',
    });
    const reader = await ctx.anonymous
      .get('/export')
      .set('authorization', `Bearer ${ctx.keys.reader}`)
      .buffer(true)
      .parse(asText);
    expect(reader.status).toBe(200);
    expect(parseLines(reader.body as string).length).toBeGreaterThan(100);
  });

  it('exports an empty database as an empty body', async () => {
    const ctx = await open();
    expect(await exportText(ctx.api)).toBe('');
  });
});

describe('the line format', () => {
  it('can export every field of every create body: the API representation shows each one', () => {
    for (const type of RECORD_TYPES) expect(unexportableFields(type), type).toEqual([]);
  });

  it('finds the reference fields of every create body, from the foreign keys and the chain and party tables', () => {
    const fields = Object.fromEntries(
      RECORD_TYPES.map((t) => [
        t,
        [
          ...REFERENCES[t].fields.map((f) => `${f.idKey}|${f.refKey}>${f.target}`),
          ...Object.entries(REFERENCES[t].nested).flatMap(([k, sub]) =>
            sub.fields.map((f) => `${k}[].${f.idKey}|${f.refKey}>${f.target}`),
          ),
        ].sort(),
      ]),
    );
    expect(fields).toEqual({
      actor: ['parentId|parentRef>actor'],
      source: ['copyOfId|copyOfRef>source', 'publisherId|publisherRef>actor'],
      event: ['parentId|parentRef>event', 'parties[].actorId|actorRef>actor'],
      claim: [
        'claimantId|claimantRef>actor',
        'eventId|eventRef>event',
        'reportedViaIds|reportedViaRefs>actor',
        'sourceId|sourceRef>source',
      ],
      attribution: ['actorId|actorRef>actor', 'claimId|claimRef>claim', 'eventId|eventRef>event'],
      claim_link: ['fromClaimId|fromClaimRef>claim', 'toClaimId|toClaimRef>claim'],
    });
  });
});
