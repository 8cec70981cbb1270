import { useEffect, useRef } from 'preact/hooks';
import { usePagedList, useResource } from '../api/hooks.js';
import type { AuditEntry, Claim, Provenance, Source } from '../api/types.js';
import { Speaker, StanceChip, useTitle } from '../components/common.js';
import { Highlighted } from '../components/Highlighted.js';
import { Loading, ProblemNotice } from '../components/Problem.js';
import { ScrollRegion } from '../components/ScrollRegion.js';
import { codePointLength } from '../lib/codepoints.js';
import { formatTime } from '../lib/format.js';
import { claimHref, eventHref, sourceHref } from '../lib/router.js';
import { humanize } from '../lib/vocab.js';

export function ClaimPage({ claimId }: { claimId: number }) {
  const provenance = useResource<Provenance>(`/claims/${claimId}/provenance`);
  const claim = provenance.data?.claim;
  useTitle(claim ? `Claim ${claim.id}` : 'Claim');

  if (provenance.error) {
    return (
      <>
        <h1 tabIndex={-1}>Claim {claimId}</h1>
        <ProblemNotice problem={provenance.error} />
      </>
    );
  }
  if (!provenance.data || !claim) return <Loading what="the claim" />;
  return (
    <>
      <h1 tabIndex={-1}>
        Claim {claim.id}: {claim.claimant?.name ?? 'own voice of the source'}
      </h1>
      <p class="lead">{claim.text}</p>
      <p class="claim-head">
        <StanceChip stance={claim.stance} /> <span class="chip">{humanize(claim.modality)}</span>
        {claim.credibility ? <span class="chip">credibility {claim.credibility.grade}</span> : null}
        {claim.retraction ? <span class="chip retracted">retracted</span> : null}
      </p>
      <p class="meta">
        {claim.event ? (
          <>
            About <a href={eventHref(claim.event.id)}>{claim.event.title}</a>
          </>
        ) : (
          'Tied to no event'
        )}
        {claim.statedAt ? ` · stated ${formatTime(claim.statedAt, claim.statedAtPrecision)}` : ''}
      </p>
      {claim.retraction ? (
        <p class="warning">
          Retracted {formatTime(claim.retraction.retractedAt, 'minute')} by {claim.retraction.retractedBy}:{' '}
          {claim.retraction.reason}
        </p>
      ) : null}
      <QuoteInSource claim={claim} />
      <Chain provenance={provenance.data} />
      <RelatedClaims provenance={provenance.data} />
      <History claimId={claim.id} />
    </>
  );
}

/** Context on one line: paragraph breaks shown as ¶ rather than as blank lines. */
const oneLine = (text: string) => text.replace(/\s*\n[\s\n]*/g, ' ¶ ');

function QuoteInSource({ claim }: { claim: Claim }) {
  const source = useResource<Source>(`/sources/${claim.source.id}`);
  const box = useRef<HTMLElement>(null);
  const q = claim.quote;
  const prefixStart = q.start - codePointLength(q.prefix);
  const suffixEnd = q.end + codePointLength(q.suffix);

  useEffect(() => {
    const mark = box.current?.querySelector<HTMLElement>('mark.quote');
    if (mark && box.current) box.current.scrollTop = Math.max(0, mark.offsetTop - box.current.offsetTop - 60);
  }, [source.data]);

  return (
    <section aria-labelledby="quote-heading">
      <h2 id="quote-heading">The words in the source</h2>
      <p class="in-context">
        <span class="visually-hidden">In context: </span>…<span class="context">{oneLine(q.prefix)}</span>
        <mark class="quote-inline">{q.exact}</mark>
        <span class="context">{oneLine(q.suffix)}</span>…
      </p>
      <p class={q.verified ? 'verified' : 'warning'}>
        {q.verified
          ? `The quote matches the stored text at code points ${q.start}–${q.end}.`
          : 'The quote no longer matches the stored text at its position.'}
      </p>
      <ProblemNotice problem={source.error} />
      {source.data ? (
        <ScrollRegion class="source-box" scrollRef={box} label={`Text of ${source.data.title}`}>
          <Highlighted
            text={source.data.text}
            marks={[
              { start: prefixStart, end: q.start, tag: { className: 'context', label: 'before the quote' } },
              { start: q.start, end: q.end, tag: { className: 'quote', label: 'the quote', id: 'quote' } },
              { start: q.end, end: suffixEnd, tag: { className: 'context', label: 'after the quote' } },
            ]}
          />
        </ScrollRegion>
      ) : source.loading ? (
        <Loading what="the source text" />
      ) : null}
    </section>
  );
}

const STEP_LABELS: Record<Provenance['chain'][number]['step'], string> = {
  claimant: 'Said by',
  relay: 'Reported via',
  publisher: 'Published by',
  source: 'In the source',
};

function Chain({ provenance }: { provenance: Provenance }) {
  return (
    <section aria-labelledby="chain-heading">
      <h2 id="chain-heading">Provenance</h2>
      <ol class="chain">
        {provenance.chain.map((step, i) => (
          <li key={`${step.step}-${i}`} class={`step step-${step.step}`}>
            <span class="step-label">{STEP_LABELS[step.step]}</span>
            {step.actor ? (
              <span class="step-what">
                {step.actor.name} <span class="kind">{humanize(step.actor.kind)}</span>
                {step.actor.reliability ? (
                  <span class="chip">reliability {step.actor.reliability.grade}</span>
                ) : null}
              </span>
            ) : null}
            {step.source ? (
              <div class="step-what">
                <a href={sourceHref(step.source.id)}>{step.source.title}</a>
                {step.source.url ? (
                  <>
                    {' '}
                    (
                    <a href={step.source.url} rel="noreferrer noopener external">
                      original
                    </a>
                    )
                  </>
                ) : null}
                <dl class="facts">
                  <dt>Published</dt>
                  <dd>{formatTime(step.source.publishedAt, 'day')}</dd>
                  <dt>Retrieved</dt>
                  <dd>{formatTime(step.source.retrievedAt, 'minute')}</dd>
                  <dt>SHA-256</dt>
                  <dd>
                    <code class="hash">{step.source.sha256}</code>
                  </dd>
                  <dt>Text</dt>
                  <dd class={step.source.textIntact ? 'verified' : 'warning'}>
                    {step.source.textIntact
                      ? 'verifies: the stored text still hashes to this'
                      : 'does not verify: the stored text no longer hashes to this'}
                  </dd>
                  {step.source.copyOf ? (
                    <>
                      <dt>Copy of</dt>
                      <dd>
                        <a href={sourceHref(step.source.copyOf.id)}>{step.source.copyOf.title}</a>
                      </dd>
                    </>
                  ) : null}
                </dl>
              </div>
            ) : null}
            {!step.actor && !step.source ? <span class="step-what">the source’s own voice</span> : null}
          </li>
        ))}
      </ol>
      {provenance.attributions.length > 0 ? (
        <>
          <h3>Responsibility it assigns</h3>
          <ul>
            {provenance.attributions.map((a) => (
              <li key={a.id}>
                {a.actor
                  ? `${humanize(a.position)}: ${a.actor.name} as ${humanize(a.role)} for `
                  : 'Holds no one responsible for '}
                <a href={eventHref(a.event.id)}>{a.event.title}</a>
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </section>
  );
}

const OUTGOING: Record<string, string> = {
  corroborates: 'This claim corroborates',
  contradicts: 'This claim contradicts',
  repeats: 'This claim repeats',
  responds_to: 'This claim responds to',
};
const INCOMING: Record<string, string> = {
  corroborates: 'Corroborated by',
  contradicts: 'Contradicted by',
  repeats: 'Repeated by',
  responds_to: 'Answered by',
};

function RelatedClaims({ provenance }: { provenance: Provenance }) {
  const all = [
    ...provenance.links.outgoing.map((l) => ({ ...l, label: OUTGOING[l.relation] ?? humanize(l.relation) })),
    ...provenance.links.incoming.map((l) => ({ ...l, label: INCOMING[l.relation] ?? humanize(l.relation) })),
  ];
  return (
    <section aria-labelledby="related-heading">
      <h2 id="related-heading">Related claims</h2>
      {all.length === 0 ? <p>No claim is linked to this one.</p> : null}
      <ul class="links">
        {all.map((link) => (
          <li key={`${link.label}-${link.id}`} class={`link ${link.relation}`}>
            <p class="relation">{link.label}</p>
            <p>
              <Speaker claim={link.claim} /> <StanceChip stance={link.claim.stance} />:{' '}
              <a href={claimHref(link.claim.id)}>{link.claim.text}</a>
            </p>
            {link.note ? <p class="meta">{link.note}</p> : null}
          </li>
        ))}
      </ul>
    </section>
  );
}

function changedFields(entry: AuditEntry): string[] {
  if (!entry.before || !entry.after || typeof entry.before !== 'object' || typeof entry.after !== 'object')
    return [];
  const before = entry.before as Record<string, unknown>;
  const after = entry.after as Record<string, unknown>;
  return Object.keys(after).filter(
    (k) => k !== 'updatedAt' && JSON.stringify(before[k]) !== JSON.stringify(after[k]),
  );
}

function History({ claimId }: { claimId: number }) {
  const history = usePagedList<AuditEntry>(`/claims/${claimId}/history?limit=50`);
  return (
    <section aria-labelledby="history-heading">
      <h2 id="history-heading">History</h2>
      <ProblemNotice problem={history.error} />
      <ol class="history">
        {history.items.map((entry) => {
          const fields = changedFields(entry);
          return (
            <li key={entry.id}>
              <time dateTime={entry.at}>{formatTime(entry.at, 'minute')}</time> {humanize(entry.operation)} by{' '}
              {entry.keyLabel}
              {fields.length > 0 ? `: ${fields.join(', ')}` : ''}
            </li>
          );
        })}
      </ol>
    </section>
  );
}
