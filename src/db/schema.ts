import { sql } from 'drizzle-orm';
import {
  type AnySQLiteColumn,
  check,
  index,
  integer,
  primaryKey,
  real,
  sqliteTable,
  text,
  uniqueIndex,
} from 'drizzle-orm/sqlite-core';

// The enumerations live here, beside the columns they constrain, so that the
// CHECK constraints, the zod schemas and the OpenAPI document share one list.
export const ACTOR_KINDS = [
  'state',
  'government_body',
  'military',
  'person',
  'media_outlet',
  'social_channel',
  'group',
] as const;
export const SOURCE_KINDS = ['news_article', 'official_statement', 'social_post', 'other'] as const;
export const TIME_PRECISIONS = ['minute', 'hour', 'day', 'month', 'year'] as const;
export const STANCES = ['asserts', 'denies', 'downplays', 'speculates', 'declines_to_comment'] as const;
export const MODALITIES = ['direct_quote', 'paraphrase'] as const;
/** What an attribution says about the actor held responsible; `no_attribution` has no actor (nobody is named). */
export const ATTRIBUTION_POSITIONS = [
  'asserts',
  'denies',
  'declines_to_comment',
  'speculates',
  'no_attribution',
] as const;
/** The positions an attribution naming an actor can take (all but `no_attribution`). */
export const HELD_POSITIONS = ['asserts', 'denies', 'declines_to_comment', 'speculates'] as const;
export const ATTRIBUTION_ROLES = ['perpetrator', 'sponsor', 'facilitator', 'other'] as const;
export const CANDIDATE_STATUSES = ['pending', 'accepted', 'rejected'] as const;
export const LINK_RELATIONS = ['corroborates', 'contradicts', 'repeats', 'responds_to'] as const;
export const KEY_ROLES = ['reader', 'editor', 'admin'] as const;
export const AUDIT_OPERATIONS = ['create', 'update', 'retract', 'delete'] as const;
export const PARTY_ROLES = ['target', 'accused', 'perpetrator', 'victim', 'mediator', 'other'] as const;
/** Admiralty (NATO) source reliability: A completely reliable ... E unreliable, F cannot be judged. */
export const RELIABILITY_GRADES = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
/** Admiralty information credibility: 1 confirmed ... 5 improbable, 6 cannot be judged. */
export const CREDIBILITY_GRADES = ['1', '2', '3', '4', '5', '6'] as const;

const inList = (column: string, values: readonly string[]) =>
  sql.raw(`${column} IN (${values.map((v) => `'${v}'`).join(', ')})`);

// A retracted record stays readable as evidence of what was once asserted; lists hide it unless asked.
const retraction = {
  retractedAt: text('retracted_at'),
  retractedBy: text('retracted_by'),
  retractionReason: text('retraction_reason'),
};

const timestamps = {
  createdAt: text('created_at').notNull(),
  updatedAt: text('updated_at').notNull(),
};

export const actors = sqliteTable(
  'actors',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    name: text('name').notNull(),
    kind: text('kind', { enum: ACTOR_KINDS }).notNull(),
    aliases: text('aliases', { mode: 'json' }).$type<string[]>().notNull(),
    parentId: integer('parent_id').references((): AnySQLiteColumn => actors.id, { onDelete: 'restrict' }),
    description: text('description'),
    wikidataId: text('wikidata_id'),
    // A `group` is an unnamed collective ("US officials") unless marked as one identifiable body (a named
    // channel); the independence rule counts unnamed groups per outlet that reported them. Other kinds are
    // always identifiable.
    identifiable: integer('identifiable', { mode: 'boolean' }).notNull().default(false),
    // Lower-cased name and aliases, one per line: what `?q=` searches.
    searchText: text('search_text').notNull(),
    reliabilityGrade: text('reliability_grade', { enum: RELIABILITY_GRADES }),
    reliabilityGradedBy: text('reliability_graded_by'),
    reliabilityGradedAt: text('reliability_graded_at'),
    reliabilityRationale: text('reliability_rationale'),
    ...timestamps,
  },
  (t) => [
    check('actors_kind_check', inList('kind', ACTOR_KINDS)),
    check('actors_reliability_check', inList('reliability_grade', RELIABILITY_GRADES)),
    index('actors_parent_idx').on(t.parentId, t.id),
    index('actors_kind_idx').on(t.kind, t.id),
    uniqueIndex('actors_wikidata_idx').on(t.wikidataId),
  ],
);

export const sources = sqliteTable(
  'sources',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    title: text('title').notNull(),
    url: text('url'),
    publisherId: integer('publisher_id').references(() => actors.id, { onDelete: 'restrict' }),
    // A syndicated or copied document records the source it copies; copies share one origin.
    copyOfId: integer('copy_of_id').references((): AnySQLiteColumn => sources.id, { onDelete: 'restrict' }),
    publishedAt: text('published_at'),
    publishedAtPrecision: text('published_at_precision', { enum: TIME_PRECISIONS }),
    retrievedAt: text('retrieved_at').notNull(),
    language: text('language'),
    kind: text('kind', { enum: SOURCE_KINDS }).notNull(),
    text: text('text').notNull(),
    sha256: text('sha256').notNull(),
    searchText: text('search_text').notNull(),
    ...timestamps,
  },
  (t) => [
    check('sources_kind_check', inList('kind', SOURCE_KINDS)),
    check('sources_precision_check', inList('published_at_precision', TIME_PRECISIONS)),
    index('sources_publisher_idx').on(t.publisherId, t.id),
    index('sources_kind_idx').on(t.kind, t.id),
    index('sources_sha256_idx').on(t.sha256),
    index('sources_copy_of_idx').on(t.copyOfId),
  ],
);

export const events = sqliteTable(
  'events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    title: text('title').notNull(),
    summary: text('summary'),
    kind: text('kind').notNull(),
    startsAt: text('starts_at'),
    endsAt: text('ends_at'),
    timePrecision: text('time_precision', { enum: TIME_PRECISIONS }),
    placeName: text('place_name'),
    latitude: real('latitude'),
    longitude: real('longitude'),
    parentId: integer('parent_id').references((): AnySQLiteColumn => events.id, { onDelete: 'restrict' }),
    searchText: text('search_text').notNull(),
    ...timestamps,
  },
  (t) => [
    check('events_precision_check', inList('time_precision', TIME_PRECISIONS)),
    check('events_latitude_check', sql`${t.latitude} IS NULL OR ${t.latitude} BETWEEN -90 AND 90`),
    check('events_longitude_check', sql`${t.longitude} IS NULL OR ${t.longitude} BETWEEN -180 AND 180`),
    index('events_parent_idx').on(t.parentId, t.id),
    index('events_kind_idx').on(t.kind, t.id),
  ],
);

export const claims = sqliteTable(
  'claims',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id, { onDelete: 'restrict' }),
    claimantId: integer('claimant_id').references(() => actors.id, { onDelete: 'restrict' }),
    eventId: integer('event_id').references(() => events.id, { onDelete: 'restrict' }),
    text: text('text').notNull(),
    stance: text('stance', { enum: STANCES }).notNull(),
    modality: text('modality', { enum: MODALITIES }).notNull(),
    quoteExact: text('quote_exact').notNull(),
    quotePrefix: text('quote_prefix').notNull(),
    quoteSuffix: text('quote_suffix').notNull(),
    quoteStart: integer('quote_start').notNull(),
    quoteEnd: integer('quote_end').notNull(),
    statedAt: text('stated_at'),
    statedAtPrecision: text('stated_at_precision', { enum: TIME_PRECISIONS }),
    credibilityGrade: text('credibility_grade', { enum: CREDIBILITY_GRADES }),
    credibilityGradedBy: text('credibility_graded_by'),
    credibilityGradedAt: text('credibility_graded_at'),
    credibilityRationale: text('credibility_rationale'),
    // When the claim was made as far as is known: statedAt, else its source's publishedAt. Kept by
    // triggers (migration 0003) so the timeline reads an index in order instead of sorting an event.
    effectiveAt: text('effective_at'),
    ...retraction,
    ...timestamps,
  },
  (t) => [
    check('claims_stance_check', inList('stance', STANCES)),
    check('claims_credibility_check', inList('credibility_grade', CREDIBILITY_GRADES)),
    check('claims_modality_check', inList('modality', MODALITIES)),
    check('claims_precision_check', inList('stated_at_precision', TIME_PRECISIONS)),
    check('claims_quote_span_check', sql`${t.quoteStart} >= 0 AND ${t.quoteEnd} > ${t.quoteStart}`),
    // Each filter of GET /claims has an index ending in id, so a filtered page is a range scan in id order.
    index('claims_claimant_idx').on(t.claimantId, t.id),
    index('claims_event_idx').on(t.eventId, t.id),
    index('claims_source_idx').on(t.sourceId, t.id),
    index('claims_stance_idx').on(t.stance, t.id),
    index('claims_stated_at_idx').on(t.statedAt),
    // claims_timeline_idx (event_id, coalesce(effective_at, '9999'), id) is an expression index that
    // drizzle-kit cannot express; it is created by migration 0003.
  ],
);

export const claimReportedVia = sqliteTable(
  'claim_reported_via',
  {
    claimId: integer('claim_id')
      .notNull()
      .references(() => claims.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    actorId: integer('actor_id')
      .notNull()
      .references(() => actors.id, { onDelete: 'restrict' }),
  },
  (t) => [
    primaryKey({ columns: [t.claimId, t.position] }),
    index('claim_reported_via_actor_idx').on(t.actorId),
  ],
);

export const attributions = sqliteTable(
  'attributions',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'restrict' }),
    // Null only with position `no_attribution`: the claim says nobody is (yet) held responsible.
    actorId: integer('actor_id').references(() => actors.id, { onDelete: 'restrict' }),
    role: text('role', { enum: ATTRIBUTION_ROLES }).notNull(),
    position: text('position', { enum: ATTRIBUTION_POSITIONS }).notNull(),
    claimId: integer('claim_id')
      .notNull()
      .references(() => claims.id, { onDelete: 'restrict' }),
    ...retraction,
    ...timestamps,
  },
  (t) => [
    check('attributions_role_check', inList('role', ATTRIBUTION_ROLES)),
    check('attributions_position_check', inList('position', ATTRIBUTION_POSITIONS)),
    check('attributions_actor_position_check', sql.raw(`(actor_id IS NULL) = (position = 'no_attribution')`)),
    index('attributions_event_idx').on(t.eventId, t.id),
    index('attributions_actor_idx').on(t.actorId, t.id),
    index('attributions_position_idx').on(t.position, t.id),
    index('attributions_claim_idx').on(t.claimId),
    uniqueIndex('attributions_unique_idx').on(t.claimId, t.eventId, t.actorId, t.role),
    // SQLite treats NULLs as distinct in a unique index, so unattributed rows get a unique index of their own.
    uniqueIndex('attributions_unattributed_unique_idx')
      .on(t.claimId, t.eventId, t.role)
      .where(sql.raw('actor_id IS NULL')),
  ],
);

export const claimLinks = sqliteTable(
  'claim_links',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    fromClaimId: integer('from_claim_id')
      .notNull()
      .references(() => claims.id, { onDelete: 'cascade' }),
    toClaimId: integer('to_claim_id')
      .notNull()
      .references(() => claims.id, { onDelete: 'cascade' }),
    relation: text('relation', { enum: LINK_RELATIONS }).notNull(),
    note: text('note'),
    ...timestamps,
  },
  (t) => [
    check('claim_links_relation_check', inList('relation', LINK_RELATIONS)),
    check('claim_links_not_self_check', sql`${t.fromClaimId} <> ${t.toClaimId}`),
    uniqueIndex('claim_links_unique_idx').on(t.fromClaimId, t.toClaimId, t.relation),
    index('claim_links_to_idx').on(t.toClaimId),
    index('claim_links_relation_idx').on(t.relation, t.id),
  ],
);

export const eventParties = sqliteTable(
  'event_parties',
  {
    eventId: integer('event_id')
      .notNull()
      .references(() => events.id, { onDelete: 'cascade' }),
    actorId: integer('actor_id')
      .notNull()
      .references(() => actors.id, { onDelete: 'restrict' }),
    role: text('role', { enum: PARTY_ROLES }).notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.eventId, t.actorId, t.role] }),
    check('event_parties_role_check', inList('role', PARTY_ROLES)),
    index('event_parties_actor_idx').on(t.actorId),
  ],
);

/**
 * Statements the extractor proposes from a source's text, waiting for a person to accept (file a claim) or
 * reject them. The proposal's nested parts (speaker, relays, attributions) are kept as JSON: they are
 * suggestions, not records; accepting one files the records through the claims service.
 */
export const candidates = sqliteTable(
  'candidates',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    sourceId: integer('source_id')
      .notNull()
      .references(() => sources.id, { onDelete: 'cascade' }),
    // Where the statement and its cue stand in the text: the same on every run over the same text.
    fingerprint: text('fingerprint').notNull(),
    status: text('status', { enum: CANDIDATE_STATUSES }).notNull(),
    rule: text('rule').notNull(),
    quoteExact: text('quote_exact').notNull(),
    quotePrefix: text('quote_prefix').notNull(),
    quoteSuffix: text('quote_suffix').notNull(),
    quoteStart: integer('quote_start').notNull(),
    quoteEnd: integer('quote_end').notNull(),
    cueText: text('cue_text').notNull(),
    cueStart: integer('cue_start').notNull(),
    cueEnd: integer('cue_end').notNull(),
    speaker: text('speaker', { mode: 'json' }).notNull(),
    stance: text('stance', { enum: STANCES }).notNull(),
    modality: text('modality', { enum: MODALITIES }).notNull(),
    text: text('text').notNull(),
    reportedVia: text('reported_via', { mode: 'json' }).notNull(),
    attributions: text('attributions', { mode: 'json' }).notNull(),
    // How likely it is a statement a curator files for this story, and the evidence it rests on.
    confidence: real('confidence').notNull(),
    signals: text('signals', { mode: 'json' }).notNull(),
    claimId: integer('claim_id').references(() => claims.id, { onDelete: 'set null' }),
    decidedBy: text('decided_by'),
    decidedAt: text('decided_at'),
    reason: text('reason'),
    ...timestamps,
  },
  (t) => [
    check('candidates_status_check', inList('status', CANDIDATE_STATUSES)),
    check('candidates_stance_check', inList('stance', STANCES)),
    check('candidates_modality_check', inList('modality', MODALITIES)),
    uniqueIndex('candidates_fingerprint_idx').on(t.sourceId, t.fingerprint),
    index('candidates_source_idx').on(t.sourceId, t.id),
    index('candidates_status_idx').on(t.status, t.id),
    index('candidates_claim_idx').on(t.claimId),
    check('candidates_confidence_check', sql`confidence BETWEEN 0 AND 1`),
  ],
);

// Which curated seed sets have been loaded, so that loading is idempotent.
export const seedLoads = sqliteTable('seed_loads', {
  name: text('name').primaryKey(),
  sha256: text('sha256').notNull(),
  loadedAt: text('loaded_at').notNull(),
});

export const apiKeys = sqliteTable(
  'api_keys',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    label: text('label').notNull(),
    role: text('role', { enum: KEY_ROLES }).notNull(),
    // The public part of the key, to find its row; the secret is stored only as a SHA-256 hash.
    prefix: text('prefix').notNull(),
    hash: text('hash').notNull(),
    createdAt: text('created_at').notNull(),
    revokedAt: text('revoked_at'),
  },
  (t) => [
    check('api_keys_role_check', inList('role', KEY_ROLES)),
    uniqueIndex('api_keys_prefix_idx').on(t.prefix),
  ],
);

/** Append-only (triggers refuse UPDATE and DELETE): who changed what, when, from what to what. */
export const auditLog = sqliteTable(
  'audit_log',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    at: text('at').notNull(),
    keyId: integer('key_id'),
    keyLabel: text('key_label').notNull(),
    resource: text('resource').notNull(),
    resourceId: integer('resource_id').notNull(),
    operation: text('operation', { enum: AUDIT_OPERATIONS }).notNull(),
    before: text('before', { mode: 'json' }),
    after: text('after', { mode: 'json' }),
    requestId: text('request_id'),
  },
  (t) => [
    check('audit_log_operation_check', inList('operation', AUDIT_OPERATIONS)),
    index('audit_log_resource_idx').on(t.resource, t.resourceId, t.id),
    index('audit_log_key_idx').on(t.keyId, t.id),
  ],
);

/** First responses to POSTs sent with an Idempotency-Key, replayed to retries. */
export const idempotencyRecords = sqliteTable(
  'idempotency_records',
  {
    key: text('key').notNull(),
    principal: text('principal').notNull(),
    method: text('method').notNull(),
    path: text('path').notNull(),
    bodyHash: text('body_hash').notNull(),
    /** The status of the first response; 0 while its transaction has committed but its response is not yet stored. */
    status: integer('status').notNull(),
    location: text('location'),
    body: text('body').notNull(),
    /** The first response's replayable headers (content-type, location, etag...), as a JSON object. */
    headers: text('headers'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.principal, t.key] })],
);

export const WEBHOOK_DELIVERY_STATUSES = ['pending', 'succeeded', 'failed'] as const;

/** Webhook subscriptions: where to send which changes, signed with which secret (Standard Webhooks). */
export const webhooks = sqliteTable('webhooks', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  url: text('url').notNull(),
  description: text('description'),
  eventTypes: text('event_types', { mode: 'json' }).$type<string[]>().notNull(),
  // The signing key must be usable to sign, so it is stored as given (never shown after creation).
  secret: text('secret').notNull(),
  enabled: integer('enabled', { mode: 'boolean' }).notNull(),
  disabledAt: text('disabled_at'),
  disabledReason: text('disabled_reason'),
  /** Deliveries in a row that failed for good (their day of retries ran out). */
  consecutiveFailures: integer('consecutive_failures').notNull().default(0),
  /** 410 Gone answers in a row. */
  consecutiveGone: integer('consecutive_gone').notNull().default(0),
  ...timestamps,
});

/**
 * The delivery queue and its log: one row per change and subscription, inserted by a trigger on the audit
 * log (migration 0005) inside the transaction of the change itself, so that a committed change always has
 * its deliveries and a rolled-back one never does.
 */
export const webhookDeliveries = sqliteTable(
  'webhook_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    webhookId: integer('webhook_id')
      .notNull()
      .references(() => webhooks.id, { onDelete: 'cascade' }),
    changeId: integer('change_id')
      .notNull()
      .references(() => auditLog.id, { onDelete: 'restrict' }),
    eventType: text('event_type').notNull(),
    /** `webhook-id`: the same for every attempt, so that receivers can drop duplicates. */
    messageId: text('message_id').notNull(),
    status: text('status', { enum: WEBHOOK_DELIVERY_STATUSES }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    /** When the dispatcher may take it next (also a lease while an attempt is in flight); null when done. */
    nextAttemptAt: text('next_attempt_at'),
    /** Retries run for the retry window from here (the first attempt, or the last manual redelivery). */
    windowStartedAt: text('window_started_at').notNull(),
    lastAttemptAt: text('last_attempt_at'),
    lastStatusCode: integer('last_status_code'),
    lastError: text('last_error'),
    deliveredAt: text('delivered_at'),
    createdAt: text('created_at').notNull(),
  },
  (t) => [
    check('webhook_deliveries_status_check', inList('status', WEBHOOK_DELIVERY_STATUSES)),
    index('webhook_deliveries_due_idx').on(t.status, t.nextAttemptAt),
    index('webhook_deliveries_webhook_idx').on(t.webhookId, t.id),
    uniqueIndex('webhook_deliveries_message_idx').on(t.messageId),
  ],
);

/** Every attempt of a delivery: when, what the receiver answered, or why it could not be reached. */
export const webhookAttempts = sqliteTable(
  'webhook_attempts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    deliveryId: integer('delivery_id')
      .notNull()
      .references(() => webhookDeliveries.id, { onDelete: 'cascade' }),
    attemptedAt: text('attempted_at').notNull(),
    statusCode: integer('status_code'),
    error: text('error'),
    durationMs: integer('duration_ms').notNull(),
    responseExcerpt: text('response_excerpt'),
  },
  (t) => [index('webhook_attempts_delivery_idx').on(t.deliveryId, t.id)],
);
