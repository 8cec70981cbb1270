import type { z } from 'zod';
import type { Db } from '../../db/client.js';
import { type FieldError, type ProblemCode, ProblemError, problem } from '../../errors.js';
import { createActorsRepository } from '../actors/actors.repository.js';
import type { ActorInput } from '../actors/actors.schemas.js';
import { createAttributionsRepository } from '../attributions/attributions.repository.js';
import type { AttributionInput } from '../attributions/attributions.schemas.js';
import { createAuditService } from '../audit/audit.service.js';
import { createClaimLinksRepository } from '../claim-links/claim-links.repository.js';
import type { ClaimLinkInput } from '../claim-links/claim-links.schemas.js';
import { createClaimsRepository } from '../claims/claims.repository.js';
import type { ClaimInput } from '../claims/claims.schemas.js';
import { createClaimsService } from '../claims/claims.service.js';
import { createEventsRepository } from '../events/events.repository.js';
import type { EventInput } from '../events/events.schemas.js';
import type { Principal } from '../keys/keys.service.js';
import { createSourcesRepository } from '../sources/sources.repository.js';
import type { SourceInput } from '../sources/sources.schemas.js';
import {
  ActorMatchLine,
  LINE_SCHEMAS,
  RECORD_TYPES,
  REFERENCES,
  type RecordType,
  type ReferenceTree,
  TYPE_NOUNS,
} from './transfer.format.js';
import { createActorMatcher } from './transfer.repository.js';

export interface ImportOptions {
  /** Who the audit log says created the records. */
  principal: Principal;
  requestId?: string | undefined;
}

export interface ImportSummary {
  /** Record lines read (blank lines are not counted). */
  lines: number;
  created: Record<RecordType, number>;
  matched: { actor: number };
  retracted: { claim: number; attribution: number };
}

export interface RefEntry {
  type: RecordType;
  id: number;
  line: number;
  /** An existing actor matched by name rather than a record created by this import. */
  matched: boolean;
}

type Plain = Record<string, unknown>;
type LineError = Omit<FieldError, 'in' | 'line'>;

/** What a ref stands for once its line is read: a record, or a refused line (id null). */
interface RefState {
  type: RecordType | null;
  line: number;
  id: number | null;
  matched: boolean;
}

const AUDIT_RESOURCES: Record<RecordType, string> = {
  actor: 'actor',
  source: 'source',
  event: 'event',
  claim: 'claim',
  attribution: 'attribution',
  claim_link: 'claimLink',
};

const article = (noun: string) => `${/^[aeiou]/.test(noun) ? 'an' : 'a'} ${noun}`;
const escapeToken = (token: string) => token.replaceAll('~', '~0').replaceAll('/', '~1');
const pointerOf = (path: readonly PropertyKey[]) => path.map((p) => `/${escapeToken(String(p))}`).join('');
const isPlainObject = (v: unknown): v is Plain => typeof v === 'object' && v !== null && !Array.isArray(v);

function zodErrors(error: z.ZodError): LineError[] {
  const out: LineError[] = [];
  for (const issue of error.issues) {
    const base = pointerOf(issue.path);
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        out.push({
          pointer: `${base}/${escapeToken(key)}`,
          code: 'VALIDATION_FAILED',
          message: 'Unknown field',
        });
      }
    } else out.push({ pointer: base, code: 'VALIDATION_FAILED', message: issue.message });
  }
  return out;
}

/**
 * Imports NDJSON records, one line at a time, through the same repositories and services as the single-record
 * API (reference checks, quote anchoring, uniqueness, audit records). The caller runs every `add` and
 * `finish` inside one transaction and rolls it back when `finish` throws: an import stores all its lines or
 * none. Refused lines do not stop the import; every line is checked and `finish` lists every refusal.
 */
export function createImporter(db: Db, options: ImportOptions) {
  const actors = createActorsRepository(db);
  const sources = createSourcesRepository(db);
  const events = createEventsRepository(db);
  const claims = createClaimsService(db);
  const claimsRepo = createClaimsRepository(db);
  const attributions = createAttributionsRepository(db);
  const links = createClaimLinksRepository(db);
  const audit = createAuditService(db);
  const matcher = createActorMatcher(db);

  const store: Record<RecordType, (body: Plain) => { id: number }> = {
    actor: (b) => actors.create(b as ActorInput),
    source: (b) => sources.create(b as SourceInput),
    event: (b) => events.create(b as EventInput),
    claim: (b) => claims.create(b as ClaimInput),
    attribution: (b) => attributions.create(b as AttributionInput),
    claim_link: (b) => links.create(b as ClaimLinkInput),
  };
  const retractable: Partial<
    Record<RecordType, { mark(id: number, by: string, reason: string): void; get(id: number): unknown }>
  > = {
    claim: { mark: claimsRepo.markRetracted, get: claimsRepo.get },
    attribution: { mark: attributions.markRetracted, get: attributions.get },
  };

  const refs = new Map<string, RefState>();
  const refused: FieldError[] = [];
  let lines = 0;
  let refusedLines = 0;
  const summary: ImportSummary = {
    lines: 0,
    created: { actor: 0, source: 0, event: 0, claim: 0, attribution: 0, claim_link: 0 },
    matched: { actor: 0 },
    retracted: { claim: 0, attribution: 0 },
  };

  function lookup(value: unknown, target: RecordType, pointer: string, errors: LineError[]) {
    if (typeof value !== 'string') return undefined; // the schema reports the wrong type
    const entry = refs.get(value);
    if (!entry) {
      errors.push({ pointer, code: 'REFERENCE_NOT_FOUND', message: `No earlier line has ref "${value}".` });
    } else if (entry.id === null) {
      errors.push({
        pointer,
        code: 'REFERENCE_NOT_FOUND',
        message: `Ref "${value}" is line ${entry.line}'s, which was refused.`,
      });
    } else if (entry.type !== target) {
      errors.push({
        pointer,
        code: 'INCONSISTENT_REFERENCE',
        message: `Ref "${value}" is ${article(TYPE_NOUNS[entry.type ?? target])} (line ${entry.line}); this field needs ${article(TYPE_NOUNS[target])}.`,
      });
    } else return entry.id;
    return undefined;
  }

  /**
   * Reads the references of a line (by id or by ref) into create-body ids. `renamed` records which body
   * pointer stands for which line pointer (`/claimantId` -> `/claimantRef`), for errors the services raise.
   */
  function resolve(
    tree: ReferenceTree,
    raw: Plain,
    path: string,
    errors: LineError[],
    renamed: Map<string, string>,
  ) {
    const ids: Plain = {};
    for (const f of tree.fields) {
      const hasId = raw[f.idKey] !== undefined;
      const hasRef = raw[f.refKey] !== undefined;
      if (hasId && hasRef) {
        errors.push({
          pointer: `${path}/${f.refKey}`,
          code: 'VALIDATION_FAILED',
          message: `Give ${f.idKey} or ${f.refKey}, not both.`,
        });
      } else if (hasRef) {
        const value = raw[f.refKey];
        if (!f.many) ids[f.idKey] = lookup(value, f.target, `${path}/${f.refKey}`, errors);
        else if (Array.isArray(value)) {
          ids[f.idKey] = value.map((r, i) => lookup(r, f.target, `${path}/${f.refKey}/${i}`, errors));
        }
        renamed.set(`${path}/${f.idKey}`, `${path}/${f.refKey}`);
      } else if (!hasId && f.required) {
        errors.push({
          pointer: `${path}/${f.idKey}`,
          code: 'VALIDATION_FAILED',
          message: `Required: ${f.idKey} (an id) or ${f.refKey} (the ref of an earlier line).`,
        });
      }
    }
    for (const [key, sub] of Object.entries(tree.nested)) {
      const list = raw[key];
      if (!Array.isArray(list)) continue;
      ids[key] = list.map((element, i) =>
        isPlainObject(element) ? resolve(sub, element, `${path}/${key}/${i}`, errors, renamed) : {},
      );
    }
    return ids;
  }

  /** The create body: the parsed line without its import-only fields, with references as ids. */
  function bodyOf(tree: ReferenceTree, parsed: Plain, ids: Plain): Plain {
    const body: Plain = { ...parsed };
    for (const f of tree.fields) {
      delete body[f.refKey];
      if (ids[f.idKey] !== undefined) body[f.idKey] = ids[f.idKey];
    }
    for (const [key, sub] of Object.entries(tree.nested)) {
      const list = body[key];
      const resolved = ids[key] as Plain[] | undefined;
      if (Array.isArray(list)) body[key] = list.map((el, i) => bodyOf(sub, el as Plain, resolved?.[i] ?? {}));
    }
    return body;
  }

  function errorsOfProblem(error: ProblemError, renamed: Map<string, string>): LineError[] {
    const rename = (pointer: string) => {
      for (const [from, to] of renamed) {
        if (pointer === from || pointer.startsWith(`${from}/`)) return to + pointer.slice(from.length);
      }
      return pointer;
    };
    let detail = error.message;
    if (error.extras.candidates?.length) {
      detail = `The quote occurs ${error.extras.matches} times in the source, starting at code points ${error.extras.candidates.join(', ')}; add quote.start, quote.prefix or quote.suffix to choose.`;
    }
    const fields = error.extras.errors ?? [];
    if (fields.length === 0) return [{ pointer: '', code: error.code, message: detail }];
    return fields.map((f) => ({
      pointer: rename(f.pointer),
      code: error.code,
      message: fields.length === 1 ? detail : `${f.message}. ${detail}`,
    }));
  }

  function write(
    type: RecordType,
    body: Plain,
    retraction: { reason: string; retractedBy?: string } | undefined,
  ) {
    const created = store[type](body);
    audit.record({
      principal: options.principal,
      resource: AUDIT_RESOURCES[type],
      resourceId: created.id,
      operation: 'create',
      before: null,
      after: created,
      requestId: options.requestId,
    });
    const retract = retractable[type];
    if (retraction && retract) {
      retract.mark(created.id, retraction.retractedBy ?? options.principal.label, retraction.reason);
      audit.record({
        principal: options.principal,
        resource: AUDIT_RESOURCES[type],
        resourceId: created.id,
        operation: 'retract',
        before: created,
        after: retract.get(created.id),
        requestId: options.requestId,
      });
    }
    return created;
  }

  /** Checks and stores one line; returns why it was refused (empty when it was stored or matched). */
  function processLine(line: number, text: string): LineError[] {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (err) {
      return [{ pointer: '', code: 'MALFORMED_JSON', message: `Not valid JSON: ${(err as Error).message}` }];
    }
    if (!isPlainObject(raw)) {
      return [
        { pointer: '', code: 'VALIDATION_FAILED', message: 'A line must be a JSON object with a "type".' },
      ];
    }
    const errors: LineError[] = [];
    const ref = typeof raw.ref === 'string' ? raw.ref : undefined;
    const earlier = ref === undefined ? undefined : refs.get(ref);
    if (earlier) {
      errors.push({
        pointer: '/ref',
        code: 'DUPLICATE',
        message: `Ref "${ref}" is already line ${earlier.line}'s.`,
      });
    }
    const claim = (state: Omit<RefState, 'line'>) => {
      if (ref !== undefined && !earlier) refs.set(ref, { ...state, line });
    };

    const type = RECORD_TYPES.find((t) => t === raw.type);
    if (!type) {
      errors.push({
        pointer: '/type',
        code: 'VALIDATION_FAILED',
        message: `Must be one of ${RECORD_TYPES.join(', ')}.`,
      });
      claim({ type: null, id: null, matched: false });
      return errors;
    }

    if (type === 'actor' && raw.match !== undefined) {
      const parsed = ActorMatchLine.safeParse(raw);
      if (!parsed.success) errors.push(...zodErrors(parsed.error));
      if (errors.length === 0 && parsed.success) {
        const found = matcher.match(parsed.data.name, parsed.data.kind);
        if (found.ids.length === 1) {
          claim({ type, id: found.ids[0] as number, matched: true });
          summary.matched.actor++;
          return [];
        }
        const kind = parsed.data.kind ? ` of kind ${parsed.data.kind}` : '';
        errors.push(
          found.ids.length === 0
            ? {
                pointer: '/name',
                code: 'REFERENCE_NOT_FOUND',
                message: `No actor${kind} is named or aliased "${parsed.data.name}".`,
              }
            : {
                pointer: '/name',
                code: 'MATCH_AMBIGUOUS',
                message: `"${parsed.data.name}" is the ${found.by} of ${found.ids.length} actors${kind} (ids ${found.ids.join(', ')}); give kind, or refer to the one you mean by id.`,
              },
        );
      }
      claim({ type, id: null, matched: false });
      return errors;
    }

    const tree = REFERENCES[type];
    const parsed = LINE_SCHEMAS[type].safeParse(raw);
    if (!parsed.success) errors.push(...zodErrors(parsed.error));
    const renamed = new Map<string, string>();
    const ids = resolve(tree, raw, '', errors, renamed);
    if (errors.length > 0 || !parsed.success) {
      claim({ type, id: null, matched: false });
      return errors;
    }

    const { type: _type, ref: _ref, retraction, ...fields } = parsed.data as Plain;
    const body = bodyOf(tree, fields, ids);
    try {
      // A refusal comes from the create itself, which the repositories run in a savepoint of their own, so a
      // refused line leaves nothing behind; any other failure ends the whole import.
      const created = write(type, body, retraction as { reason: string; retractedBy?: string } | undefined);
      claim({ type, id: created.id, matched: false });
      summary.created[type]++;
      if (retraction && type in summary.retracted) summary.retracted[type as 'claim' | 'attribution']++;
      if (type === 'actor')
        matcher.add(created as { id: number; name: string; kind: string; aliases: string[] });
      return [];
    } catch (err) {
      claim({ type, id: null, matched: false });
      if (err instanceof ProblemError) return errorsOfProblem(err, renamed);
      if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
        const code: ProblemCode = 'CONFLICT';
        return [{ pointer: '', code, message: 'The record conflicts with stored data and was not stored.' }];
      }
      throw err;
    }
  }

  return {
    /** Reads one line (1-based number, counting blank lines, which the caller skips). */
    add(line: number, text: string): void {
      lines++;
      const errors = processLine(line, text);
      if (errors.length > 0) {
        refusedLines++;
        for (const e of errors) refused.push({ in: 'body', line, ...e });
      }
    },

    progress() {
      return { lines, refusedLines };
    },

    /**
     * The summary of a clean import. Throws IMPORT_REFUSED listing every refused line (the caller must then
     * roll back), or EMPTY_BODY when there were no records at all.
     */
    finish(): ImportSummary {
      if (lines === 0) {
        throw problem('EMPTY_BODY', 'The import has no records: send one JSON object a line.');
      }
      if (refusedLines > 0) {
        throw problem(
          'IMPORT_REFUSED',
          `${refusedLines} of ${lines} ${lines === 1 ? 'line' : 'lines'} ${refusedLines === 1 ? 'was' : 'were'} refused; nothing was stored.`,
          { errors: refused },
        );
      }
      return { ...summary, lines };
    },

    /** What each ref of the import stands for. */
    refs(): Record<string, RefEntry> {
      // fromEntries defines own properties: a ref named `__proto__` stays a ref.
      return Object.fromEntries(
        [...refs]
          .filter(([, s]) => s.id !== null && s.type !== null)
          .map(([ref, s]) => [ref, { type: s.type, id: s.id, line: s.line, matched: s.matched } as RefEntry]),
      );
    },
  };
}

export type Importer = ReturnType<typeof createImporter>;
