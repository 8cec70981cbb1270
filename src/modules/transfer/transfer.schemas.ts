import { z } from 'zod';
import { ImportLine, RECORD_TYPES } from './transfer.format.js';

/**
 * The largest body POST /imports takes: about 25,000 records of typical size. An import is one transaction,
 * run synchronously (as every write is), so the service answers nothing else while it runs, about a second
 * per thousand records here; larger files go through the import CLI, which reads files of any size.
 */
export const MAX_IMPORT_BYTES = 16 * 1024 * 1024;

export const EXAMPLE_IMPORT = [
  '{"type":"actor","ref":"iran","match":"name","name":"Iran","kind":"state"}',
  '{"type":"actor","ref":"mod","name":"Iranian Ministry of Defence","kind":"government_body","parentRef":"iran","aliases":["Iran’s defence ministry"]}',
  '{"type":"actor","ref":"wire","name":"Gulf Wire Service","kind":"media_outlet"}',
  '{"type":"source","ref":"story","title":"Drones strike Isfahan workshop","kind":"news_article","publisherRef":"wire","publishedAt":"2023-01-29T08:00:00+03:30","text":"Iran’s defence ministry said a workshop in Isfahan was targeted by micro drones. “There was minor damage to the roof,” the ministry said."}',
  '{"type":"event","ref":"attack","title":"Drone strike on an Isfahan workshop","kind":"drone_attack","startsAt":"2023-01-28T23:30:00+03:30","timePrecision":"minute","parties":[{"actorRef":"iran","role":"target"}]}',
  '{"type":"claim","ref":"damage","sourceRef":"story","claimantRef":"mod","eventRef":"attack","text":"The strike did only minor damage to a roof.","stance":"downplays","modality":"direct_quote","quote":{"exact":"There was minor damage to the roof"}}',
].join('\n');

const counts = (types: readonly string[], description: string) =>
  z.object(Object.fromEntries(types.map((t) => [t, z.number().int()]))).describe(description);

export const ImportResultSchema = z
  .object({
    lines: z.number().int().describe('Record lines read (blank lines are skipped).'),
    created: counts(RECORD_TYPES, 'Records created, by type.'),
    matched: counts(['actor'], 'Existing actors used by `"match": "name"` lines.'),
    retracted: counts(['claim', 'attribution'], 'Records created retracted (lines with `retraction`).'),
    refs: z
      .record(
        z.string(),
        z.object({
          type: z.enum(RECORD_TYPES),
          id: z.number().int().describe('The id of the record created or matched.'),
          line: z.number().int(),
          matched: z.boolean().describe('An existing actor, matched by name, rather than a new record.'),
        }),
      )
      .describe('What each `ref` of the import now stands for.'),
  })
  .meta({
    id: 'ImportResult',
    description: 'What an import stored, and the id behind each ref.',
    examples: [
      {
        lines: 6,
        created: { actor: 2, source: 1, event: 1, claim: 1, attribution: 0, claim_link: 0 },
        matched: { actor: 1 },
        retracted: { claim: 0, attribution: 0 },
        refs: {
          iran: { type: 'actor', id: 1, line: 1, matched: true },
          mod: { type: 'actor', id: 21, line: 2, matched: false },
          wire: { type: 'actor', id: 22, line: 3, matched: false },
          story: { type: 'source', id: 3, line: 4, matched: false },
          attack: { type: 'event', id: 9, line: 5, matched: false },
          damage: { type: 'claim', id: 19, line: 6, matched: false },
        },
      },
    ],
  });

export type ImportResult = z.infer<typeof ImportResultSchema>;

const LINE_FORMAT_DOC =
  'One JSON object a line (NDJSON), each one of the `Import…Line` schemas: `type` (`actor`, `source`, `event`, `claim`, ' +
  '`attribution`, `claim_link`), an optional `ref` unique in the file, and the fields of that type’s create ' +
  'body. A reference field takes an id (`claimantId`, `reportedViaIds`, `parties[].actorId`...) or, with ' +
  '`Ref` for `Id`, the ref of an earlier line (`claimantRef`, `reportedViaRefs`, `parties[].actorRef`, ' +
  '`sourceRef`, `eventRef`, `parentRef`, `publisherRef`, `copyOfRef`, `fromClaimRef`, `toClaimRef`, ' +
  '`actorRef`, `claimRef`). `{"type": "actor", "ref": ..., "match": "name", "name": ..., "kind"?: ...}` ' +
  'uses an existing actor by name or alias instead of creating one. Claims and attributions may carry ' +
  '`retraction: {reason, retractedBy?}`.';

/** The request body, described line by line: each line of the NDJSON body is one of these. */
export const ImportBody = ImportLine.meta({
  description: `${LINE_FORMAT_DOC} At most ${MAX_IMPORT_BYTES / 1024 / 1024} MiB; larger files go through \`npm run import\`.`,
  'x-examples': {
    file: {
      summary: 'Match a state, create a ministry under it, a source, an event and a claim',
      value: EXAMPLE_IMPORT,
    },
  },
});

const EXAMPLE_EXPORT = [
  '{"type":"actor","ref":"actor-1","name":"Iran","kind":"state","aliases":["Islamic Republic of Iran"],"wikidataId":"Q794"}',
  '{"type":"actor","ref":"actor-9","name":"Iranian Ministry of Defence","kind":"government_body","aliases":[],"parentRef":"actor-1"}',
  '{"type":"source","ref":"source-1","title":"Drones Hit Multiple Military Targets Across Iran","kind":"news_article","retrievedAt":"2023-01-29T10:00:00.000Z","text":"…"}',
  '{"type":"event","ref":"event-8","title":"Drone attack on a Ministry of Defence facility in Isfahan","kind":"drone_attack","parties":[{"actorRef":"actor-1","role":"target"}]}',
  '{"type":"claim","ref":"claim-9","sourceRef":"source-1","claimantRef":"actor-9","eventRef":"event-8","text":"The attacks were unsuccessful micro-drone attacks.","stance":"downplays","modality":"paraphrase","quote":{"exact":"The Iranian Ministry of Defense has so far downplayed the attacks","prefix":"submarine in the Arabian Gulf.\\n\\n","suffix":" as unsuccessful micro-drone att","start":817}}',
].join('\n');

/** The export, as a text of lines: each line is an `ImportLine`, as `POST /imports` takes them. */
export const ExportBody = z.string().meta({
  description:
    'The record, one JSON object a line, in the line format of `POST /imports` (the `Import…Line` schemas). Every record gets the ref `<type>-<id>` (its id in this database) and refers to others by ref only.',
  'x-examples': { export: { summary: 'The first lines of an export (abridged)', value: EXAMPLE_EXPORT } },
});

export { LINE_FORMAT_DOC };
