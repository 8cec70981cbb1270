/**
 * Property-based fuzzing driven by the service's own OpenAPI document.
 *
 * For every operation, fast-check arbitraries of requests are built from its parameters and request body
 * schema: valid-ish requests (generated from the JSON Schema, biased towards the ids, strings and objects the
 * seeded database holds, so that writes get past reference checks) and invalid ones (wrong types, missing or
 * unknown fields, hostile strings, odd ids, cursors and headers). `check` holds every response to the
 * document: no 5xx, a status the operation declares (no global exemptions), a body valid against the declared schema
 * for that status and content type, and problem bodies that carry every problem field.
 *
 * Each request runs inside a SQLite savepoint that is rolled back afterwards: every run sees the pristine
 * seeded database, so fast-check's counterexamples replay and shrink deterministically.
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import fc from 'fast-check';
import supertest from 'supertest';
import { PROBLEMS } from '../../src/errors.js';
import type { TestContext } from './app.js';

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  prefixItems?: JsonSchema[];
  minItems?: number;
  maxItems?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
}

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  required?: boolean;
  schema: JsonSchema;
}

interface MediaTypes {
  content?: Record<string, { schema?: JsonSchema }>;
}

interface DocumentOperation {
  operationId: string;
  parameters?: Parameter[];
  requestBody?: MediaTypes;
  responses: Record<string, MediaTypes>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, DocumentOperation>>;
  components: { schemas: Record<string, JsonSchema> };
}

export interface Operation {
  method: string;
  path: string;
  operationId: string;
  parameters: Parameter[];
  body?: JsonSchema;
  /** The schema of each line of an NDJSON body (`application/x-ndjson`), for operations that take one. */
  ndjsonBody?: JsonSchema;
  responses: Record<string, MediaTypes>;
}

export type Auth = 'admin' | 'editor' | 'reader' | 'none' | { garbage: string };

export interface FuzzRequest {
  method: string;
  /** The path with its parameters filled in, percent-encoded (or deliberately mis-encoded). */
  path: string;
  query: [string, string][];
  headers: Record<string, string>;
  auth: Auth;
  body?: Buffer;
  /** Sent twice in a row: the second meets the first one's effects (replays, duplicates, deleted records). */
  twice: boolean;
}

export interface FuzzResponse {
  status: number;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The media type alone, lower-cased, without parameters. */
  contentType: string;
  text: string;
}

/** What the seeded database holds, harvested through the API itself. */
export interface Corpus {
  /** Record ids by collection (`actors`, `claim-links`, `keys`…). */
  ids: Map<string, number[]>;
  allIds: number[];
  strings: string[];
  /** Long texts (source documents) as code points, to cut quotes from. */
  texts: string[][];
  objects: Record<string, unknown>[];
  cursors: string[];
}

/** Stands for "the ETag the record has now": `send` GETs the path first and puts the real one in. */
export const CURRENT_ETAG = '<current etag>';

const REF_PREFIX = '#/components/schemas/';
/** For fc.oneof: shrinking may move to an earlier alternative, so the benign one comes first. */
const SHRINK_TO_FIRST = { withCrossShrink: true };

// ---------------------------------------------------------------------------------------------------------
// Hostile values
// ---------------------------------------------------------------------------------------------------------

// biome-ignore format: a table
const WEIRD_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udc00y', '\ud83d', '😀👍🏽👨‍👩‍👧‍👦🏳️‍🌈', 'مرحبا بالعالم', 'שלום עולם',
  '\u202eevil\u202c', '\ufeffBOM', 'zero\u200bwidth', 'e\u0301\u0301\u0301', 'null', 'true', '0', '-1', '1e3',
  'NaN', '9999999999999999999', "' OR 1=1 --", '"; DROP TABLE claims; --', '<script>alert(1)</script>',
  '../../etc/passwd', '%00', '\\', '{"$ne":null}', 'AND OR NOT NEAR(', '"unterminated', '*', 'a*', '^start',
  'col:umn', '-', '+', '()', 'NEAR/2',
];

/** Strings nobody should send: control characters, lone surrogates, RTL overrides, emoji, injection bait. */
export function weirdString(maxLength = 40): fc.Arbitrary<string> {
  return fc.oneof(
    SHRINK_TO_FIRST,
    { arbitrary: fc.constantFrom(...WEIRD_STRINGS), weight: 4 },
    { arbitrary: fc.string({ unit: 'binary', maxLength }), weight: 2 },
    { arbitrary: fc.string({ unit: 'grapheme', maxLength }), weight: 2 },
    { arbitrary: fc.string({ unit: 'grapheme-ascii', maxLength }), weight: 1 },
  );
}

/** 100k characters and more (in bodies only: Node refuses a URL that long before the app sees it). */
const hugeString = fc
  .tuple(fc.constantFrom('x', 'ي', '😀', '\u0000', '\ud800'), fc.integer({ min: 100_000, max: 100_050 }))
  .map(([unit, n]) => unit.repeat(n));

const anyJson = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, 1.5, 1e308, '', [], {}, Number.MAX_SAFE_INTEGER + 2),
  weirdString(),
  fc.jsonValue({ maxDepth: 2 }),
);

/** Fields the server owns, or that poison naive object handling. */
// biome-ignore format: a table
const EXTRA_FIELDS = [
  'id', 'createdAt', 'updatedAt', 'sha256', 'textLength', 'retractedAt', 'keyHash', '__proto__', 'constructor',
  'prototype', '',
];

/** Path segments that are not ids, as sent on the wire: some deliberately mis-encoded. */
// biome-ignore format: a table
const ODD_IDS = [
  '0', '-1', '1e3', '1.0', '01', '0x10', '+1', '%201', '%EF%BC%91', '9007199254740992', '9999999999999999',
  '9999999999999999999', '18446744073709551617', 'abc', 'null', 'undefined', '%00', '%2500', '%', '%zz',
  '%E0%A4%A', '%ED%A0%80', '%F0%9F%98%80', '%20', '%2F', 'a'.repeat(199), '9'.repeat(201), '9'.repeat(250),
];

// biome-ignore format: a table
const CONTENT_TYPES = [
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml',
  'application/json; charset=utf-16', 'application/json; charset=latin1', 'application/problem+json',
  'application/jsonx', 'APPLICATION/JSON', 'application/json;;;', '*/*', 'garbage',
];

const base64url = (s: string) => Buffer.from(s).toString('base64url');

function cursorArbitrary(corpus: Corpus): fc.Arbitrary<string> {
  return fc.oneof(
    ...(corpus.cursors.length > 0 ? [fc.constantFrom(...corpus.cursors)] : []),
    fc.integer({ min: -5, max: 1_000 }).map((after) => base64url(JSON.stringify({ v: 1, after }))),
    fc
      .constantFrom(
        '{"v":1,"after":1e308}',
        '{"v":1,"after":"1"}',
        '{"v":2,"after":1}',
        '{"v":1,"after":9007199254740993}',
        '{"__proto__":{"v":1},"after":1}',
        '[]',
        'null',
        '{"v":1,"after":1',
      )
      .map(base64url),
    fc.base64String({ maxLength: 60 }),
    fc.string({ unit: 'binary', maxLength: 30 }).map(base64url),
    fc.integer({ min: 201, max: 5_000 }).map((n) => 'A'.repeat(n)),
    weirdString(),
  );
}

/** Garbage Node lets through in a header: no CR, LF, NUL, DEL or anything beyond Latin-1. */
function headerGarbage(): fc.Arbitrary<string> {
  const latin1 = fc.integer({ min: 0x20, max: 0xff }).filter((c) => c !== 0x7f);
  return fc.oneof(
    fc.constantFrom('', ' ', '*', ',', '"', '""', 'W/"x"', 'W/', '"a", "b", *', '\t', 'null', 'Bearer'),
    fc.string({ unit: latin1.map((c) => String.fromCharCode(c)) }),
    fc.integer({ min: 1_001, max: 6_000 }).map((n) => '"'.padEnd(n, 'x')),
  );
}

/**
 * Alternatives for one part of a request: the benign ones always, the hostile ones only in hostile requests.
 * A request is either well-formed throughout (to reach deep into the service) or hostile in any part.
 */
function choose<T>(
  hostile: boolean,
  benign: fc.WeightedArbitrary<T>[],
  nasty: fc.WeightedArbitrary<T>[],
): fc.Arbitrary<T> {
  return fc.oneof(SHRINK_TO_FIRST, ...benign, ...(hostile ? nasty : []));
}

function authArbitrary(hostile: boolean): fc.Arbitrary<Auth> {
  const garbage = fc
    .oneof(
      fc.constantFrom(
        'Bearer',
        'Bearer ',
        'Bearer clk_nope',
        'Basic YWRtaW46YWRtaW4=',
        'bearer  a b',
        'Token a',
      ),
      headerGarbage(),
    )
    .map((garbage): Auth => ({ garbage }));
  return choose(
    hostile,
    [
      { arbitrary: fc.constant<Auth>('admin'), weight: 12 },
      { arbitrary: fc.constant<Auth>('editor'), weight: 1 },
    ],
    [
      { arbitrary: fc.constantFrom<Auth>('reader', 'none'), weight: 2 },
      { arbitrary: garbage, weight: 2 },
    ],
  );
}

// ---------------------------------------------------------------------------------------------------------
// JSON Schema -> arbitraries
// ---------------------------------------------------------------------------------------------------------

const kebabPlural = (name: string) =>
  `${name.replace(/[A-Z]/g, (c, i: number) => `${i > 0 ? '-' : ''}${c.toLowerCase()}`)}s`;

/**
 * Generates values from a JSON Schema (`valid`) and values that break it (`invalid`). Handles what the
 * document uses: $ref into components, anyOf/oneOf (null included), type lists, const, enum, objects with
 * required properties, arrays and tuples with bounds, integers and numbers with bounds, strings with length,
 * pattern and format.
 */
export class SchemaArbitraries {
  /** Which collections an output field refers to: `claimant: ActorRef` -> actors (so `claimantId` too). */
  private readonly refersTo = new Map<string, Set<string>>();
  private readonly memo = new WeakMap<JsonSchema, Map<string, unknown>>();

  constructor(
    private readonly components: Record<string, JsonSchema>,
    private readonly corpus: Corpus,
    /** Whether a value validates against a schema (ajv, with formats). */
    private readonly accepts: (schema: JsonSchema, value: unknown) => boolean,
  ) {
    for (const schema of Object.values(components)) {
      for (const [field, prop] of Object.entries(schema.properties ?? {})) {
        for (const [, target] of JSON.stringify(prop).matchAll(
          /"\$ref":"#\/components\/schemas\/(\w+)Ref"/g,
        )) {
          const set = this.refersTo.get(field) ?? new Set();
          this.refersTo.set(field, set.add(kebabPlural(target ?? '')));
        }
      }
    }
  }

  private cached<T>(schema: JsonSchema, key: string, make: () => T): T {
    const entries = this.memo.get(schema) ?? new Map<string, unknown>();
    this.memo.set(schema, entries);
    if (!entries.has(key)) entries.set(key, make());
    return entries.get(key) as T;
  }

  resolve(schema: JsonSchema): JsonSchema {
    let s = schema;
    while (s.$ref) {
      const target = this.components[s.$ref.slice(REF_PREFIX.length)];
      if (!s.$ref.startsWith(REF_PREFIX) || !target) throw new Error(`Unresolvable $ref ${s.$ref}`);
      s = target;
    }
    return s;
  }

  /** The alternatives of a schema: nested anyOf/oneOf flattened, type lists split. */
  alternatives(schema: JsonSchema): JsonSchema[] {
    return this.cached(schema, 'alternatives', () => {
      const s = this.resolve(schema);
      const alts = s.anyOf ?? s.oneOf;
      if (alts) return alts.flatMap((a) => this.alternatives(a));
      if (Array.isArray(s.type)) return s.type.map((type) => ({ ...s, type }));
      return [s];
    });
  }

  /**
   * Seeded ids of the collection a name points at, else any seeded id: `claim-links` itself, `claimantId` by
   * the output field `claimant: ActorRef`, `claimId` and `fromClaimId` by their last word.
   */
  idsFor(hint = ''): number[] {
    const base = hint.replace(/Ids?$/, '');
    const lastWord = /[A-Z]?[a-z]+$/.exec(base)?.[0] ?? base;
    const collections = [hint, ...(this.refersTo.get(base) ?? []), kebabPlural(base), kebabPlural(lastWord)];
    const ids = collections.flatMap((c) => this.corpus.ids.get(c) ?? []);
    return ids.length > 0 ? ids : this.corpus.allIds;
  }

  valid(schema: JsonSchema, hint = ''): fc.Arbitrary<unknown> {
    return this.cached(schema, `valid:${hint}`, () => {
      const alts = this.alternatives(schema);
      if (alts.length > 1) {
        // `anyOf [x, null]` would send null half the time: weight the real alternatives up.
        const weighted = alts.map((alt) => ({
          arbitrary: this.valid(alt, hint),
          weight: alt.type === 'null' ? 1 : 3,
        }));
        return fc.oneof(...weighted);
      }
      const s = alts[0] ?? {};
      if (s.const !== undefined) return fc.constant(s.const);
      if (s.enum) return fc.constantFrom(...s.enum);
      switch (s.type) {
        case 'null':
          return fc.constant(null);
        case 'boolean':
          return fc.boolean();
        case 'integer':
        case 'number':
          return this.number(s, hint);
        case 'string':
          return this.string(s, hint);
        case 'array': {
          if (s.prefixItems) return fc.tuple(...s.prefixItems.map((item) => this.valid(item)));
          const minLength = s.minItems ?? 0;
          const maxLength = Math.max(minLength, Math.min(s.maxItems ?? 6, 6));
          return fc.array(this.valid(s.items ?? {}, hint), { minLength, maxLength });
        }
        case 'object':
          return this.object(s);
        default:
          return anyJson;
      }
    });
  }

  private number(s: JsonSchema, hint: string): fc.Arbitrary<number> {
    const integer = s.type === 'integer';
    const step = integer ? 1 : 1e-9;
    const min = s.minimum ?? (s.exclusiveMinimum === undefined ? -1e9 : s.exclusiveMinimum + step);
    const max = s.maximum ?? (s.exclusiveMaximum === undefined ? 1e9 : s.exclusiveMaximum - step);
    if (!integer) return fc.oneof(fc.double({ min, max, noNaN: true }), fc.constantFrom(min, max));
    const known = this.idsFor(hint).filter((id) => id >= min && id <= max);
    const [low, high] = [Math.max(min, -1_000), Math.min(max, 1_000)];
    return fc.oneof(
      ...(known.length > 0 ? [{ arbitrary: fc.constantFrom(...known), weight: 12 }] : []),
      ...(low <= high ? [{ arbitrary: fc.integer({ min: low, max: high }), weight: 2 }] : []),
      { arbitrary: fc.bigInt({ min: BigInt(min), max: BigInt(max) }).map(Number), weight: 1 },
      { arbitrary: fc.constantFrom(min, max), weight: 1 },
    );
  }

  private string(s: JsonSchema, hint: string): fc.Arbitrary<string> {
    const fits = (v: string) => this.accepts(s, v);
    // Values the seeded database holds (ids, kinds, dates, names, quotes) reach further into the service.
    const known = [...this.corpus.strings, ...this.idsFor(hint).map(String)].filter(fits);
    const arbs: fc.WeightedArbitrary<string>[] = [];
    if (known.length > 0) arbs.push({ arbitrary: fc.constantFrom(...known), weight: 3 });
    if (s.pattern) arbs.push({ arbitrary: fc.stringMatching(new RegExp(s.pattern)).filter(fits), weight: 3 });
    else if (s.format === 'uri') arbs.push({ arbitrary: fc.webUrl().filter(fits), weight: 3 });
    else {
      const minLength = s.minLength ?? 0;
      const maxLength = s.maxLength ?? 10_000;
      const small = Math.min(maxLength, 40);
      arbs.push(
        { arbitrary: fc.string({ minLength, maxLength: small }), weight: 1 },
        { arbitrary: fc.string({ unit: 'grapheme', minLength, maxLength: small }), weight: 1 },
        { arbitrary: fc.constant('é'.repeat(Math.max(minLength, Math.min(maxLength, 100_000)))), weight: 1 },
      );
      if (this.corpus.texts.length > 0) arbs.push({ arbitrary: this.excerpt().filter(fits), weight: 3 });
    }
    return fc.oneof(...arbs);
  }

  /** A run of code points out of a long seeded text (a source document): a quote that may anchor. */
  private excerpt(): fc.Arbitrary<string> {
    return fc
      .tuple(fc.constantFrom(...this.corpus.texts), fc.nat(), fc.integer({ min: 8, max: 80 }))
      .map(([text, at, length]) => {
        const start = at % text.length;
        return text.slice(start, start + length).join('');
      });
  }

  private object(s: JsonSchema): fc.Arbitrary<Record<string, unknown>> {
    const properties = s.properties ?? {};
    const model = Object.fromEntries(
      Object.entries(properties).map(([key, prop]) => [key, this.valid(prop, key)]),
    );
    const generated = fc.record(model, { requiredKeys: s.required ?? [] });
    // Seeded objects cut down to the schema's properties: e.g. a stored claim's quote, which anchors.
    const seen = this.corpus.objects
      .map((o) => Object.fromEntries(Object.entries(o).filter(([key]) => key in properties)))
      .filter((o) => Object.keys(o).length > 0 && this.accepts(s, o))
      .slice(0, 200);
    return seen.length > 0
      ? fc.oneof({ arbitrary: generated, weight: 3 }, { arbitrary: fc.constantFrom(...seen), weight: 2 })
      : generated;
  }

  /** A value that breaks the schema, or at least pushes on its edges. */
  invalid(schema: JsonSchema): fc.Arbitrary<unknown> {
    return this.cached(schema, 'invalid', () => {
      const alts = this.alternatives(schema);
      const edges: fc.Arbitrary<unknown>[] = [anyJson, weirdString(), hugeString];
      if (!alts.some((alt) => alt.type === 'null')) edges.push(fc.constant(null));
      for (const alt of alts) {
        if (alt.enum)
          edges.push(fc.constantFrom('NOT_IN_ENUM', String(alt.enum[0]).toUpperCase(), ` ${alt.enum[0]}`));
        if (alt.type === 'string') {
          if (alt.maxLength !== undefined && alt.maxLength < 200_000)
            edges.push(fc.constant('x'.repeat(alt.maxLength + 1)));
          edges.push(fc.constantFrom(1, true, ['a'], { a: 1 }));
        }
        if (alt.type === 'integer' || alt.type === 'number') {
          edges.push(fc.constantFrom(0, -1, 1.5, 2 ** 53, 1e300, -1e300, '1', '0x10', [1], { n: 1 }));
        }
        if (alt.type === 'array') {
          edges.push(fc.constantFrom([null], [[]], ['x'], {}, 'a,b'));
          if (alt.maxItems !== undefined) {
            const tooMany = { minLength: alt.maxItems + 1, maxLength: alt.maxItems + 2 };
            edges.push(fc.array(this.valid(alt.items ?? {}), tooMany));
          }
        }
        if (alt.type === 'object' && alt.properties) edges.push(this.mutatedObject(alt));
      }
      return fc.oneof(...edges);
    });
  }

  /** A valid object broken in one place: a required field dropped, a field made invalid, a field added. */
  mutatedObject(schema: JsonSchema): fc.Arbitrary<unknown> {
    return this.cached(schema, 'mutated', () => {
      const s = this.resolve(schema);
      const valid = this.valid(s) as fc.Arbitrary<Record<string, unknown>>;
      const properties = s.properties ?? {};
      const required = s.required ?? [];
      const arbs: fc.Arbitrary<unknown>[] = [
        fc
          .tuple(valid, fc.constantFrom(...EXTRA_FIELDS), anyJson)
          .map(([o, key, value]) => Object.fromEntries([...Object.entries(o), [key, value]])),
        valid.map((o) => [o]),
      ];
      if (required.length > 0) {
        arbs.push(
          fc.tuple(valid, fc.constantFrom(...required)).map(([o, key]) => {
            const { [key]: _dropped, ...rest } = o;
            return rest;
          }),
        );
      }
      const keys = Object.keys(properties);
      if (keys.length > 0) {
        const field = fc
          .constantFrom(...keys)
          .chain((key) => this.invalid(properties[key] ?? {}).map((value) => [key, value] as const));
        arbs.push(fc.tuple(valid, field).map(([o, [key, value]]) => ({ ...o, [key]: value })));
      }
      return fc.oneof(...arbs);
    });
  }
}

// ---------------------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------------------

/** encodeURIComponent that survives lone surrogates, sending them as (invalid) UTF-8 bytes. */
function encode(value: string): string {
  let out = '';
  for (const char of value) {
    const unit = char.charCodeAt(0);
    if (char.length === 1 && unit >= 0xd800 && unit <= 0xdfff) {
      out += [0xe0 | (unit >> 12), 0x80 | ((unit >> 6) & 0x3f), 0x80 | (unit & 0x3f)]
        .map((byte) => `%${byte.toString(16).toUpperCase()}`)
        .join('');
    } else out += encodeURIComponent(char);
  }
  return out;
}

function headerArbitrary(param: Parameter, gen: SchemaArbitraries, hostile: boolean) {
  const special: Record<string, fc.Arbitrary<string>> = {
    'if-match': fc.constantFrom(CURRENT_ETAG, '*', `${CURRENT_ETAG}, "stale"`, '"stale"'),
    'if-none-match': fc.constantFrom(CURRENT_ETAG, '*', `W/${CURRENT_ETAG}`, '"stale"'),
    'idempotency-key': fc.stringMatching(/^[\x21-\x7e]{1,200}$/),
  };
  const valid =
    special[param.name] ??
    (gen.valid(param.schema) as fc.Arbitrary<string>).filter((v) => /^[\t\x20-\x7e\x80-\xff]*$/.test(v));
  return choose<string | undefined>(
    hostile,
    [
      { arbitrary: fc.constant(undefined), weight: 3 },
      { arbitrary: valid, weight: 3 },
    ],
    [{ arbitrary: headerGarbage(), weight: 2 }],
  );
}

function queryArbitrary(param: Parameter, gen: SchemaArbitraries, corpus: Corpus, hostile: boolean) {
  const valid =
    param.name === 'cursor'
      ? hostile || corpus.cursors.length === 0
        ? cursorArbitrary(corpus)
        : fc.constantFrom(...corpus.cursors)
      : gen.valid(param.schema, param.name).map(String);
  return choose<string[]>(
    hostile,
    [
      { arbitrary: fc.constant([]), weight: param.required ? 1 : 4 },
      { arbitrary: valid.map((v) => [v]), weight: 5 },
    ],
    [
      { arbitrary: weirdString().map((v) => [v]), weight: 1 },
      { arbitrary: fc.constantFrom(...ODD_IDS).map((v) => [v]), weight: 1 },
      { arbitrary: fc.array(valid, { minLength: 2, maxLength: 3 }), weight: 1 },
    ],
  );
}

function pathArbitrary(op: Operation, gen: SchemaArbitraries, hostile: boolean): fc.Arbitrary<string> {
  const segments = op.path.split('/');
  const params = op.parameters.filter((p) => p.in === 'path');
  const values = params.map((param) => {
    const existing = gen.idsFor(segments[segments.indexOf(`{${param.name}}`) - 1]);
    return choose(
      hostile,
      [
        { arbitrary: fc.constantFrom(...existing).map(String), weight: 6 },
        { arbitrary: fc.integer({ min: 1, max: 2 ** 31 - 1 }).map(String), weight: 1 },
      ],
      [
        { arbitrary: fc.constantFrom(...ODD_IDS), weight: 2 },
        // An empty value would make another route (`/claims/` is the list): never generated.
        {
          arbitrary: weirdString()
            .filter((v) => v !== '')
            .map(encode),
          weight: 1,
        },
      ],
    );
  });
  return fc
    .tuple(...values)
    .map((filled) =>
      params.reduce((path, param, i) => path.replace(`{${param.name}}`, filled[i] ?? ''), op.path),
    );
}

interface BodyChoice {
  text?: string | Buffer;
  contentType?: string;
}

let tooLarge: Buffer | undefined;
/** Just over the 5 MiB body limit (built once, on first use). */
const TOO_LARGE = fc.constant(null).map((): BodyChoice => {
  tooLarge ??= Buffer.from(`{"text":"${'a'.repeat(5 * 1024 * 1024 + 100)}"}`);
  return { text: tooLarge, contentType: 'application/json' };
});

function bodyArbitrary(op: Operation, gen: SchemaArbitraries, hostile: boolean): fc.Arbitrary<BodyChoice> {
  const asJson = (contentType?: string) => (v: unknown) => ({
    text: JSON.stringify(v) ?? 'null',
    contentType,
  });
  const strays = fc.oneof(
    fc.constantFrom<BodyChoice>(
      { text: '', contentType: 'application/json' },
      { text: '{', contentType: 'application/json' },
      { text: '{"a":1}}', contentType: 'application/json' },
      { text: "{'single':1}", contentType: 'application/json' },
      { text: '\ufeff{}', contentType: 'application/json' },
      {
        text: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]),
        contentType: 'application/json',
      },
      { text: `${'['.repeat(5_000)}${']'.repeat(5_000)}`, contentType: 'application/json' },
      { text: '{"a":1}' },
    ),
    fc
      .tuple(fc.constantFrom(...CONTENT_TYPES), fc.constantFrom('{}', 'a=1', '<x/>', ''))
      .map(([contentType, text]): BodyChoice => ({ text, contentType })),
  );
  if (op.ndjsonBody) {
    // A few lines, each generated from the line schema (broken ones too when hostile).
    const lines = (line: fc.Arbitrary<unknown>) =>
      fc.array(line, { minLength: 1, maxLength: 5 }).map(
        (values): BodyChoice => ({
          text: values.map((v) => JSON.stringify(v) ?? 'null').join('\n'),
          contentType: 'application/x-ndjson',
        }),
      );
    const valid = gen.valid(op.ndjsonBody);
    return choose(
      hostile,
      [{ arbitrary: lines(valid), weight: 20 }],
      [
        { arbitrary: lines(fc.oneof(valid, gen.invalid(op.ndjsonBody))), weight: 30 },
        { arbitrary: strays, weight: 9 },
        { arbitrary: fc.constant({}), weight: 3 },
      ],
    );
  }
  if (!op.body) {
    return choose(hostile, [{ arbitrary: fc.constant({}), weight: 12 }], [{ arbitrary: strays, weight: 1 }]);
  }
  const valid = gen.valid(op.body);
  // Duplicate keys: the first occurrence is a server-owned field or the like.
  const withDuplicateKey = fc.tuple(valid, fc.constantFrom(...EXTRA_FIELDS), anyJson).map(([v, key, dup]) => {
    const text = JSON.stringify(v);
    const rest = text === '{}' ? '}' : `,${text.slice(1)}`;
    return { text: `{${JSON.stringify(key)}:${JSON.stringify(dup)}${rest}`, contentType: 'application/json' };
  });
  const wrongType = fc.tuple(valid, fc.constantFrom(...CONTENT_TYPES)).map(([v, type]) => asJson(type)(v));
  return choose(
    hostile,
    [{ arbitrary: valid.map(asJson('application/json')), weight: 20 }],
    [
      { arbitrary: gen.invalid(op.body).map(asJson('application/json')), weight: 48 },
      { arbitrary: wrongType, weight: 3 },
      { arbitrary: withDuplicateKey, weight: 6 },
      { arbitrary: strays, weight: 9 },
      { arbitrary: fc.constant({}), weight: 6 },
      { arbitrary: TOO_LARGE, weight: 1 },
    ],
  );
}

/** One readable line, long strings cut short, for fast-check's counterexample report. */
function describeRequest(r: FuzzRequest): string {
  const cut = (s: string) => (s.length > 160 ? `${s.slice(0, 160)}…(${s.length} chars)` : s);
  const query = r.query.map(([k, v]) => `${k}=${v}`).join('&');
  return [
    `${r.method.toUpperCase()} ${cut(r.path)}${query ? `?${cut(query)}` : ''}`,
    `auth=${cut(JSON.stringify(r.auth))}`,
    `headers=${cut(JSON.stringify(r.headers))}`,
    r.body === undefined ? 'no body' : `body=${cut(JSON.stringify(r.body.toString('utf8')))}`,
    ...(r.twice ? ['(sent twice)'] : []),
  ].join(' ');
}

/** Requests for one operation: half well-formed throughout, half hostile in any part. */
export function requestArbitrary(
  op: Operation,
  gen: SchemaArbitraries,
  corpus: Corpus,
): fc.Arbitrary<FuzzRequest> {
  return fc.oneof(
    SHRINK_TO_FIRST,
    buildRequests(op, gen, corpus, false),
    buildRequests(op, gen, corpus, true),
  );
}

function buildRequests(op: Operation, gen: SchemaArbitraries, corpus: Corpus, hostile: boolean) {
  const headerParams = op.parameters.filter((p) => p.in === 'header');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const unknownQuery = choose<[string, string][]>(
    hostile,
    [{ arbitrary: fc.constant([]), weight: 8 }],
    [
      {
        arbitrary: fc
          .tuple(fc.constantFrom('__proto__', 'constructor', 'foo', 'limit[]', 'q[a]', ''), weirdString())
          .map(([k, v]): [string, string][] => [[k, v]]),
        weight: 1,
      },
    ],
  );
  const ifNoneMatch = op.responses['304']
    ? headerArbitrary({ name: 'if-none-match', in: 'header', schema: { type: 'string' } }, gen, hostile)
    : fc.constant(undefined);
  return fc
    .record({
      path: pathArbitrary(op, gen, hostile),
      query: fc.tuple(...queryParams.map((p) => queryArbitrary(p, gen, corpus, hostile))),
      unknownQuery,
      headers: fc.tuple(...headerParams.map((p) => headerArbitrary(p, gen, hostile))),
      ifNoneMatch,
      auth: authArbitrary(hostile),
      twice: fc.oneof(SHRINK_TO_FIRST, { arbitrary: fc.constant(false), weight: 4 }, fc.constant(true)),
      body: bodyArbitrary(op, gen, hostile),
    })
    .map(({ path, query, unknownQuery, headers, ifNoneMatch, auth, twice, body }) => {
      const request: FuzzRequest = {
        method: op.method,
        path,
        query: [
          ...queryParams.flatMap((p, i) => (query[i] ?? []).map((v): [string, string] => [p.name, v])),
          ...unknownQuery,
        ],
        headers: {},
        auth,
        twice,
      };
      headerParams.forEach((p, i) => {
        const value = headers[i];
        if (value !== undefined) request.headers[p.name] = value;
      });
      if (ifNoneMatch !== undefined) request.headers['if-none-match'] = ifNoneMatch;
      if (body.contentType !== undefined) request.headers['content-type'] = body.contentType;
      if (body.text !== undefined) request.body = Buffer.from(body.text);
      Object.defineProperty(request, fc.toStringMethod, { value: () => describeRequest(request) });
      return request;
    });
}

// ---------------------------------------------------------------------------------------------------------
// The fuzzer: corpus, sending, checking
// ---------------------------------------------------------------------------------------------------------

export function operationsOf(doc: OpenApiDocument): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({
      method,
      path,
      operationId: op.operationId,
      parameters: op.parameters ?? [],
      body: op.requestBody?.content?.['application/json']?.schema,
      ndjsonBody: op.requestBody?.content?.['application/x-ndjson']?.schema,
      responses: op.responses,
    })),
  );
}

function collect(value: unknown, corpus: Pick<Corpus, 'strings' | 'texts' | 'objects'>): void {
  if (typeof value === 'string') {
    if (value.length > 300) corpus.texts.push([...value]);
    else if (value.length > 0) corpus.strings.push(value);
  } else if (Array.isArray(value)) for (const v of value) collect(v, corpus);
  else if (value && typeof value === 'object') {
    corpus.objects.push(value as Record<string, unknown>);
    for (const v of Object.values(value)) collect(v, corpus);
  }
}

/** Reads the seeded database through the API: every list, page by page, and every record once. */
async function harvest(ctx: TestContext, operations: Operation[]): Promise<Corpus> {
  const corpus: Corpus = { ids: new Map(), allIds: [], strings: [], texts: [], objects: [], cursors: [] };
  const lists = operations.filter(
    (op) => op.method === 'get' && !op.path.includes('{') && !op.parameters.some((p) => p.required),
  );
  for (const op of lists) {
    const has = (name: string) => op.parameters.some((p) => p.name === name);
    const found: number[] = [];
    let cursor: string | null = null;
    do {
      const query: Record<string, string> = has('limit') ? { limit: '100' } : {};
      if (cursor) query.cursor = cursor;
      if (has('includeRetracted')) query.includeRetracted = 'true';
      const page = (await ctx.api.get(op.path).query(query)).body as {
        data?: unknown;
        nextCursor?: string | null;
      };
      if (!Array.isArray(page.data)) break;
      for (const item of page.data as { id?: unknown }[])
        if (typeof item.id === 'number') found.push(item.id);
      collect(page.data, corpus);
      cursor = page.nextCursor ?? null;
    } while (cursor && found.length < 1_000);
    if (has('cursor')) {
      const first = (await ctx.api.get(op.path).query({ limit: '1' })).body as { nextCursor?: string | null };
      if (first.nextCursor) corpus.cursors.push(first.nextCursor);
    }
    if (found.length > 0) corpus.ids.set(op.path.slice(1), found);
  }
  for (const op of operations) {
    const collection = /^\/([a-z-]+)\/\{\w+\}$/.exec(op.path)?.[1];
    if (op.method !== 'get' || !collection) continue;
    for (const id of (corpus.ids.get(collection) ?? []).slice(0, 100)) {
      collect((await ctx.api.get(`/${collection}/${id}`)).body, corpus);
    }
  }
  corpus.allIds = [...new Set([...corpus.ids.values()].flat())].sort((a, b) => a - b);
  corpus.strings = [...new Set(corpus.strings)];
  return corpus;
}

export interface Fuzzer {
  operations: Operation[];
  schemas: SchemaArbitraries;
  requests(op: Operation): fc.Arbitrary<FuzzRequest>;
  /** Sends the request (once or twice) inside a savepoint that is rolled back: the database is left as it was. */
  send(request: FuzzRequest): Promise<FuzzResponse[]>;
  /** Throws, listing every way the response breaks the document. */
  check(op: Operation, response: FuzzResponse): void;
}

export async function createFuzzer(ctx: TestContext): Promise<Fuzzer> {
  const doc = (await ctx.api.get('/openapi.json').expect(200)).body as OpenApiDocument;
  const operations = operationsOf(doc);

  // The components become the $defs of one schema resource that every other schema refers into.
  const root = 'https://claimledger.invalid/openapi.json';
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
  formats.default(ajv);
  const rewrite = <T>(value: T): T =>
    JSON.parse(JSON.stringify(value).replaceAll(`"${REF_PREFIX}`, `"${root}#/$defs/`)) as T;
  ajv.addSchema({ $id: root, $defs: rewrite(doc.components.schemas) });
  const validators = new WeakMap<JsonSchema, ValidateFunction>();
  const validatorFor = (schema: JsonSchema) => {
    const validate = validators.get(schema) ?? ajv.compile(rewrite(schema));
    validators.set(schema, validate);
    return validate;
  };
  const problemSchema: JsonSchema = { $ref: `${REF_PREFIX}Problem` };

  const corpus = await harvest(ctx, operations);
  const gen = new SchemaArbitraries(doc.components.schemas, corpus, (schema, value) =>
    validatorFor(schema)(value),
  );

  const authorization = (auth: Auth) =>
    typeof auth === 'object' ? auth.garbage : auth === 'none' ? undefined : `Bearer ${ctx.keys[auth]}`;

  async function currentEtag(path: string): Promise<string> {
    const res = await supertest(ctx.app.server).get(path).set('authorization', `Bearer ${ctx.keys.admin}`);
    return typeof res.headers.etag === 'string' ? res.headers.etag : '"no-etag"';
  }

  async function exchange(request: FuzzRequest): Promise<FuzzResponse> {
    const query = request.query.map(([k, v]) => `${encode(k)}=${encode(v)}`).join('&');
    let test = supertest(ctx.app.server)[request.method as 'get'](
      query ? `${request.path}?${query}` : request.path,
    );
    const auth = authorization(request.auth);
    if (auth !== undefined) test = test.set('authorization', auth);
    for (const [name, value] of Object.entries(request.headers)) {
      const etag = value.includes(CURRENT_ETAG) ? await currentEtag(request.path) : '';
      test = test.set(name, value.replace(CURRENT_ETAG, etag));
    }
    // The bytes as they are: superagent would JSON-serialise a Buffer sent with a JSON content type.
    if (request.body !== undefined) test = test.serialize((bytes) => bytes).send(request.body);
    const res = await test.buffer(true).parse((stream, done) => {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => done(null, Buffer.concat(chunks)));
    });
    return {
      status: res.status,
      headers: res.headers as Record<string, string>,
      contentType: (String(res.headers['content-type'] ?? '').split(';')[0] ?? '').trim().toLowerCase(),
      text: (res.body as Buffer).toString('utf8'),
    };
  }

  async function send(request: FuzzRequest): Promise<FuzzResponse[]> {
    const sqlite = ctx.app.db.$client;
    sqlite.exec('SAVEPOINT fuzz');
    try {
      const responses = [await exchange(request)];
      if (request.twice) responses.push(await exchange(request));
      if (!sqlite.inTransaction)
        throw new Error('The request ended the fuzzer’s savepoint: runs now interfere');
      return responses;
    } finally {
      if (sqlite.inTransaction) sqlite.exec('ROLLBACK TO fuzz; RELEASE fuzz');
    }
  }

  function check(op: Operation, res: FuzzResponse): void {
    const failures: string[] = [];
    const declared = op.responses[String(res.status)];
    const isProblem = res.contentType === 'application/problem+json';
    if (res.status >= 500) failures.push('a server error');
    // Whatever answered (a route, the router, a hook, the not-found handler), the same headers.
    for (const name of [
      'x-request-id',
      'x-content-type-options',
      'content-security-policy',
      'x-ratelimit-limit',
    ]) {
      if (!res.headers[name]) failures.push(`no ${name} header`);
    }
    if (!declared) {
      failures.push(`status ${res.status} is not documented for ${op.operationId}`);
    }
    if (res.status === 204 || res.status === 304) {
      if (res.text.length > 0) failures.push(`a ${res.status} with a body`);
    } else {
      const content = declared
        ? (declared.content ?? {})
        : { 'application/problem+json': { schema: problemSchema } };
      const media = content[res.contentType];
      // NDJSON is one JSON value per line, each documented by the media type's schema; CSV is text.
      const lines = res.contentType === 'application/x-ndjson';
      let bodies: unknown[] = [];
      if (res.contentType !== 'text/csv') {
        try {
          const parsed = lines
            ? res.text
                .split('\n')
                .filter(Boolean)
                .map((line) => JSON.parse(line))
            : [JSON.parse(res.text)];
          // An NDJSON document described as a whole (a string schema) is checked as text, its lines as JSON.
          bodies =
            lines && (media?.schema as { type?: string } | undefined)?.type === 'string'
              ? [res.text]
              : parsed;
        } catch {
          failures.push('a body that is not JSON');
        }
      }
      const body = lines ? undefined : bodies[0];
      if (Object.keys(content).length > 0 && !media) {
        failures.push(
          `content type ${res.contentType || '(none)'} where the document says ${Object.keys(content)}`,
        );
      } else if (media?.schema) {
        const validate = validatorFor(media.schema);
        for (const value of bodies) {
          if (!validate(value)) {
            failures.push(`a body not matching its schema: ${ajv.errorsText(validate.errors)}`);
            break;
          }
        }
      }
      if (isProblem && body && typeof body === 'object') {
        const problem = body as Record<string, unknown>;
        for (const field of ['type', 'title', 'status', 'detail', 'code', 'instance', 'requestId']) {
          if (!(field in problem)) failures.push(`a problem without ${field}`);
        }
        if (problem.status !== res.status)
          failures.push(`problem status ${problem.status} on HTTP ${res.status}`);
        const code = String(problem.code);
        const type = `/problems/${code.toLowerCase().replaceAll('_', '-')}`;
        if (!(code in PROBLEMS)) failures.push(`problem code ${code} is not in the catalogue`);
        else if (problem.type !== type) failures.push(`problem type ${problem.type} for code ${code}`);
      }
    }
    if (failures.length > 0) {
      const where = `${op.method.toUpperCase()} ${op.path} answered ${res.status} ${res.contentType}`;
      throw new Error(`${where} with\n  - ${failures.join('\n  - ')}\n  body: ${res.text.slice(0, 600)}`);
    }
  }

  return { operations, schemas: gen, requests: (op) => requestArbitrary(op, gen, corpus), send, check };
}
