import { getTableColumns } from 'drizzle-orm';
import { getTableConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import { z } from 'zod';
import { actors, attributions, claimLinks, claims, events, sources } from '../../db/schema.js';
import { RetractBody } from '../../lib/retraction.js';
import { name } from '../../lib/schemas.js';
import { ActorSchema, CreateActorBody } from '../actors/actors.schemas.js';
import { AttributionSchema, CreateAttributionBody } from '../attributions/attributions.schemas.js';
import { ClaimLinkSchema, CreateClaimLinkBody } from '../claim-links/claim-links.schemas.js';
import { ClaimSchema, CreateClaimBody } from '../claims/claims.schemas.js';
import { CreateEventBody, EventSchema } from '../events/events.schemas.js';
import { CreateSourceBody, SourceSchema } from '../sources/sources.schemas.js';

/**
 * The line format of bulk import and export: one record a line, `{"type": ..., "ref": ..., ...}` with the
 * fields of that type's create body. Each line's schema is derived from the create-body schema, so a
 * field added to a create body is part of the format at once. A reference field (`claimantId`,
 * `reportedViaIds`, `parties[].actorId`...) may instead name earlier lines by their `ref`
 * (`claimantRef`, `reportedViaRefs`, `parties[].actorRef`). Reference fields are found from the
 * foreign keys of the record's table, plus the few held in tables of their own (below).
 */

// --- schema surgery: wrappers (optional, nullable, default) and arrays are rebuilt around a new inner part

type Def = { type: string; innerType?: z.ZodType; element?: z.ZodType };
const defOf = (schema: z.ZodType) => schema.def as unknown as Def;
const cloneWith = (schema: z.ZodType, def: object) =>
  (schema as unknown as { clone(def: object): z.ZodType }).clone({ ...schema.def, ...def });

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly']);

/** The schema with the element of its array (through any wrappers) replaced. */
function mapArrayElement(schema: z.ZodType, map: (element: z.ZodType) => z.ZodType): z.ZodType {
  const def = defOf(schema);
  if (WRAPPERS.has(def.type) && def.innerType) {
    return cloneWith(schema, { innerType: mapArrayElement(def.innerType, map) });
  }
  if (def.type === 'array' && def.element) return cloneWith(schema, { element: map(def.element) });
  throw new Error(`expected an array schema, found ${def.type}`);
}

/** The object, array or plain schema under any wrappers. */
export function unwrapped(schema: z.ZodType): z.ZodType {
  let s = schema;
  for (let def = defOf(s); WRAPPERS.has(def.type) && def.innerType; def = defOf(s)) s = def.innerType;
  return s;
}

/** In the order an export writes them: every type refers only to types before it (and to itself). */
export const RECORD_TYPES = ['actor', 'source', 'event', 'claim', 'attribution', 'claim_link'] as const;
export type RecordType = (typeof RECORD_TYPES)[number];

export const TYPE_NOUNS: Record<RecordType, string> = {
  actor: 'actor',
  source: 'source',
  event: 'event',
  claim: 'claim',
  attribution: 'attribution',
  claim_link: 'claim link',
};

const TABLES: Record<RecordType, SQLiteTable> = {
  actor: actors,
  source: sources,
  event: events,
  claim: claims,
  attribution: attributions,
  claim_link: claimLinks,
};

export const CREATE_BODIES = {
  actor: CreateActorBody,
  source: CreateSourceBody,
  event: CreateEventBody,
  claim: CreateClaimBody,
  attribution: CreateAttributionBody,
  claim_link: CreateClaimLinkBody,
} satisfies Record<RecordType, z.ZodObject>;

/** The API representation each type is exported from (what GET returns). */
export const ITEM_SCHEMAS: Record<RecordType, z.ZodObject> = {
  actor: ActorSchema,
  source: SourceSchema,
  event: EventSchema,
  claim: ClaimSchema,
  attribution: AttributionSchema,
  claim_link: ClaimLinkSchema,
};

// References stored outside the record's own table (a claim's chain in claim_reported_via, an event's
// parties in event_parties): no foreign key of the record's table names them. `a.b` is field b of the
// objects in array a.
const OTHER_REFERENCES: Partial<Record<RecordType, Record<string, RecordType>>> = {
  claim: { reportedViaIds: 'actor' },
  event: { 'parties.actorId': 'actor' },
};

// Where the API representation shows a reference that is neither `<x>Id` nor an embedded `<x>`.
const READ_FROM: Partial<Record<RecordType, Record<string, string>>> = {
  claim_link: { fromClaimId: 'from', toClaimId: 'to' },
};

/** The types whose records can be retracted; their lines may carry `retraction`. */
export const RETRACTABLE: ReadonlySet<RecordType> = new Set(['claim', 'attribution']);

export interface ReferenceField {
  /** The create-body field: `claimantId`, `reportedViaIds`. */
  idKey: string;
  /** Its alternative by ref: `claimantRef`, `reportedViaRefs`. */
  refKey: string;
  target: RecordType;
  /** An array of ids (`reportedViaIds`) rather than one. */
  many: boolean;
  /** The create body needs it: a line must give the id or the ref. */
  required: boolean;
}

export interface ReferenceTree {
  fields: ReferenceField[];
  /** Array fields whose objects hold references of their own: an event's `parties`. */
  nested: Record<string, ReferenceTree>;
}

const typeOfTable = new Map<SQLiteTable, RecordType>(
  RECORD_TYPES.map((type) => [TABLES[type], type] as const),
);

export const refKeyOf = (idKey: string) => idKey.replace(/Id(s?)$/, 'Ref$1');

function referenceField(shape: Record<string, z.ZodType>, idKey: string, target: RecordType): ReferenceField {
  const required = !(shape[idKey] as z.ZodType).safeParse(undefined).success;
  return { idKey, refKey: refKeyOf(idKey), target, many: idKey.endsWith('Ids'), required };
}

function foreignKeyFields(type: RecordType): Record<string, RecordType> {
  const table = TABLES[type];
  const keyOfColumn = new Map(Object.entries(getTableColumns(table)).map(([key, c]) => [c.name, key]));
  const out: Record<string, RecordType> = {};
  for (const fk of getTableConfig(table).foreignKeys) {
    const ref = fk.reference();
    const column = ref.columns.length === 1 ? ref.columns[0] : undefined;
    const key = column && keyOfColumn.get(column.name);
    const target = typeOfTable.get(ref.foreignTable);
    if (key && target) out[key] = target;
  }
  return out;
}

function referenceTree(type: RecordType): ReferenceTree {
  const shape = CREATE_BODIES[type].shape as Record<string, z.ZodType>;
  const tree: ReferenceTree = { fields: [], nested: {} };
  for (const [key, target] of Object.entries(foreignKeyFields(type))) {
    if (key in shape) tree.fields.push(referenceField(shape, key, target));
  }
  for (const [path, target] of Object.entries(OTHER_REFERENCES[type] ?? {})) {
    const [head, leaf] = path.split('.') as [string, string | undefined];
    if (!(head in shape)) continue;
    if (leaf === undefined) tree.fields.push(referenceField(shape, head, target));
    else {
      const element = unwrapped(
        defOf(unwrapped(shape[head] as z.ZodType)).element as z.ZodType,
      ) as z.ZodObject;
      tree.nested[head] ??= { fields: [], nested: {} };
      tree.nested[head].fields.push(referenceField(element.shape as Record<string, z.ZodType>, leaf, target));
    }
  }
  return tree;
}

export const REFERENCES: Record<RecordType, ReferenceTree> = Object.fromEntries(
  RECORD_TYPES.map((type) => [type, referenceTree(type)]),
) as Record<RecordType, ReferenceTree>;

export const RefSchema = name(200).describe(
  'A name for this record, unique in the file, by which later lines refer to it.',
);

function withReferences(object: z.ZodObject, tree: ReferenceTree): Record<string, z.ZodType> {
  const shape: Record<string, z.ZodType> = { ...(object.shape as Record<string, z.ZodType>) };
  for (const f of tree.fields) {
    const ids = shape[f.idKey] as z.ZodType;
    shape[f.idKey] = ids.optional();
    const refs = f.many ? mapArrayElement(ids, () => RefSchema) : RefSchema;
    const noun = TYPE_NOUNS[f.target];
    shape[f.refKey] = refs
      .optional()
      .describe(
        f.many
          ? `Instead of \`${f.idKey}\`: the refs of earlier ${noun} lines, in order.`
          : `Instead of \`${f.idKey}\`: the ref of an earlier ${noun} line.`,
      );
  }
  for (const [key, sub] of Object.entries(tree.nested)) {
    shape[key] = mapArrayElement(shape[key] as z.ZodType, (element) =>
      z.object(withReferences(unwrapped(element) as z.ZodObject, sub)).strict(),
    );
  }
  return shape;
}

const LineRetraction = RetractBody.extend({
  retractedBy: name(200)
    .optional()
    .describe('Who retracted it (an API key label); the importing key when absent.'),
})
  .strict()
  .meta({
    id: 'ImportRetraction',
    description:
      'Stores the record retracted, as `POST .../retraction` would: kept, flagged, hidden from lists.',
  });

const pascal = (type: RecordType) => type.replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase());

function lineSchema(type: RecordType): z.ZodObject {
  const retraction = RETRACTABLE.has(type) ? { retraction: LineRetraction.optional() } : {};
  return z
    .object({
      type: z.literal(type),
      ref: RefSchema.optional(),
      ...withReferences(CREATE_BODIES[type], REFERENCES[type]),
      ...retraction,
    })
    .strict()
    .meta({
      id: `Import${pascal(type)}Line`,
      description: `${/^[aeiou]/.test(TYPE_NOUNS[type]) ? 'An' : 'A'} ${TYPE_NOUNS[type]} to create: the fields of its create body, references by id or by ref.`,
    });
}

export const LINE_SCHEMAS = Object.fromEntries(RECORD_TYPES.map((t) => [t, lineSchema(t)])) as Record<
  RecordType,
  z.ZodObject
>;

export const ActorMatchLine = z
  .object({
    type: z.literal('actor'),
    ref: RefSchema,
    match: z
      .literal('name')
      .describe('Use the existing actor whose name (else one alias) is `name`, case-insensitively.'),
    name: CreateActorBody.shape.name,
    kind: CreateActorBody.shape.kind.optional().describe('Only actors of this kind match.'),
  })
  .strict()
  .meta({
    id: 'ImportActorMatchLine',
    description:
      'Refers to an existing actor instead of creating one. Refused when no actor, or more than one, matches.',
  });

/** One line of an import or export: a record to create (`type` says which), or an actor to match by name. */
export const ImportLine = z.union([ActorMatchLine, ...RECORD_TYPES.map((t) => LINE_SCHEMAS[t])]);

// --- export: from an API representation back to a line

type Plain = Record<string, unknown>;

/** How to turn an API representation into a line's fields, worked out once per type. */
interface Plan {
  fields: {
    key: string;
    /** Absent or null (or an empty array) may be left out: the create body reads it as null. */
    omittable: boolean;
    reference?: ReferenceField & { readFrom: string; raw: boolean };
    /** The element plan for arrays of objects with references (parties). */
    nested?: Plan;
    /** The create-body schema, to keep only the keys it has inside objects (quote, grades). */
    schema: z.ZodType;
  }[];
}

function planFor(
  object: z.ZodObject,
  tree: ReferenceTree,
  item: z.ZodObject | null,
  type?: RecordType,
): Plan {
  const itemKeys = item ? new Set(Object.keys(item.shape)) : null;
  const refs = new Map(tree.fields.map((f) => [f.idKey, f]));
  const fields: Plan['fields'] = [];
  for (const [key, schema] of Object.entries(object.shape as Record<string, z.ZodType>)) {
    const omittable = schema.safeParse(undefined).success;
    const ref = refs.get(key);
    if (ref) {
      const readFrom =
        (type && READ_FROM[type]?.[key]) ?? (itemKeys?.has(key) ? key : key.replace(/Ids?$/, ''));
      fields.push({ key, omittable, schema, reference: { ...ref, readFrom, raw: readFrom === key } });
    } else if (tree.nested[key]) {
      const element = unwrapped(defOf(unwrapped(schema)).element as z.ZodType) as z.ZodObject;
      fields.push({ key, omittable, schema, nested: planFor(element, tree.nested[key], null) });
    } else fields.push({ key, omittable, schema });
  }
  return { fields };
}

const PLANS = Object.fromEntries(
  RECORD_TYPES.map((t) => [t, planFor(CREATE_BODIES[t], REFERENCES[t], ITEM_SCHEMAS[t], t)]),
) as Record<RecordType, Plan>;

/** Fields of a create body that the API representation does not show, so an export could not carry them. */
export function unexportableFields(type: RecordType): string[] {
  const itemKeys = new Set(Object.keys(ITEM_SCHEMAS[type].shape));
  return PLANS[type].fields.filter((f) => !itemKeys.has(f.reference?.readFrom ?? f.key)).map((f) => f.key);
}

const isEmpty = (v: unknown) => v === null || v === undefined || (Array.isArray(v) && v.length === 0);

/** Keeps, inside objects and arrays, only what the create-body schema has. */
function pick(schema: z.ZodType, value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  const inner = unwrapped(schema);
  const def = defOf(inner);
  if (Array.isArray(value)) {
    return def.type === 'array' && def.element ? value.map((v) => pick(def.element as z.ZodType, v)) : value;
  }
  if (def.type !== 'object') return value;
  const out: Plain = {};
  for (const [key, sub] of Object.entries((inner as z.ZodObject).shape as Record<string, z.ZodType>)) {
    const v = pick(sub, (value as Plain)[key]);
    if (isEmpty(v) && sub.safeParse(undefined).success) continue;
    out[key] = v;
  }
  return out;
}

export type RefNamer = (type: RecordType, id: number) => string;

function applyPlan(plan: Plan, item: Plain, refOf: RefNamer): Plain {
  const out: Plain = {};
  for (const f of plan.fields) {
    if (f.reference) {
      const r = f.reference;
      const value = item[r.readFrom];
      const idOf = (v: unknown) =>
        (r.raw ? v : (v as { id: number } | null)?.id) as number | null | undefined;
      if (r.many) {
        const ids = (Array.isArray(value) ? value : []).map(idOf) as number[];
        if (ids.length > 0 || !f.omittable) out[r.refKey] = ids.map((id) => refOf(r.target, id));
      } else {
        const id = idOf(value);
        if (id !== null && id !== undefined) out[r.refKey] = refOf(r.target, id);
        else if (!f.omittable) out[f.key] = null;
      }
      continue;
    }
    let value = item[f.key];
    if (f.nested && Array.isArray(value)) {
      const nested = f.nested;
      value = value.map((v) => applyPlan(nested, v as Plain, refOf));
    } else value = pick(f.schema, value);
    if (isEmpty(value) && f.omittable) continue;
    out[f.key] = value;
  }
  return out;
}

/** The line that recreates `item` (an API representation of a record of `type`). */
export function lineOf(type: RecordType, id: number, item: Plain, refOf: RefNamer): Plain {
  const line: Plain = { type, ref: refOf(type, id), ...applyPlan(PLANS[type], item, refOf) };
  const retraction = item.retraction as { reason: string; retractedBy: string } | null | undefined;
  if (RETRACTABLE.has(type) && retraction) {
    line.retraction = { reason: retraction.reason, retractedBy: retraction.retractedBy };
  }
  return line;
}

/** The reference fields of `type` that point at records of the same type (parents, originals). */
export function selfReferences(type: RecordType): ReferenceField[] {
  return REFERENCES[type].fields.filter((f) => f.target === type);
}

/** The ids a record's self references hold, read from its API representation. */
export function selfReferenceIds(type: RecordType, item: Plain): number[] {
  const ids: number[] = [];
  for (const f of PLANS[type].fields) {
    const r = f.reference;
    if (!r || r.target !== type) continue;
    const value = item[r.readFrom];
    const values = r.many ? (Array.isArray(value) ? value : []) : [value];
    for (const v of values) {
      const id = r.raw ? v : (v as { id?: number } | null)?.id;
      if (typeof id === 'number') ids.push(id);
    }
  }
  return ids;
}
