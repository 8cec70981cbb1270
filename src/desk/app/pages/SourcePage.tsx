import { usePagedList, useResource } from '../api/hooks.js';
import type { Claim, Source } from '../api/types.js';
import { ClaimSummary, MoreButton, useTitle } from '../components/common.js';
import { Highlighted } from '../components/Highlighted.js';
import { Loading, ProblemNotice } from '../components/Problem.js';
import { ScrollRegion } from '../components/ScrollRegion.js';
import { formatTime } from '../lib/format.js';
import { claimHref, href, sourceHref } from '../lib/router.js';
import { humanize } from '../lib/vocab.js';

export function SourcePage({ sourceId }: { sourceId: number }) {
  const source = useResource<Source>(`/sources/${sourceId}`);
  const claims = usePagedList<Claim>(`/claims?source=${sourceId}&limit=100`);
  useTitle(source.data?.title ?? 'Source');

  if (source.error) {
    return (
      <>
        <h1 tabIndex={-1}>Source {sourceId}</h1>
        <ProblemNotice problem={source.error} />
      </>
    );
  }
  if (!source.data) return <Loading what="the source" />;
  const s = source.data;
  return (
    <>
      <h1 tabIndex={-1}>{s.title}</h1>
      <p class="meta">
        {humanize(s.kind)}
        {s.publisher ? ` · published by ${s.publisher.name}` : ' · publisher not known'}
        {s.publishedAt ? ` · ${formatTime(s.publishedAt, s.publishedAtPrecision)}` : ''}
        {s.language ? ` · ${s.language}` : ''}
        {s.copyOf ? (
          <>
            {' '}
            · copy of <a href={sourceHref(s.copyOf.id)}>{s.copyOf.title}</a>
          </>
        ) : null}
      </p>
      <p class="meta">
        SHA-256 <code class="hash">{s.sha256}</code> · {s.textLength.toLocaleString('en')} characters
        {s.url ? (
          <>
            {' '}
            ·{' '}
            <a href={s.url} rel="noreferrer noopener external">
              original
            </a>
          </>
        ) : null}
      </p>
      <p>
        <a href={href({ name: 'intake', sourceId: s.id, candidateId: null })}>Review this source in intake</a>
      </p>
      <section aria-labelledby="text-heading">
        <h2 id="text-heading">Text, with the {claims.items.length} recorded quotes marked</h2>
        <ProblemNotice problem={claims.error} />
        <ScrollRegion class="source-box tall" label={`Text of ${s.title}`}>
          <Highlighted
            text={s.text}
            marks={claims.items.map((c) => ({
              start: c.quote.start,
              end: c.quote.end,
              tag: {
                className: 'recorded',
                label: `claim ${c.id}`,
                onClick: () => {
                  location.hash = claimHref(c.id);
                },
              },
            }))}
          />
        </ScrollRegion>
      </section>
      <section aria-labelledby="claims-heading">
        <h2 id="claims-heading">Claims in this source</h2>
        {claims.loading && claims.items.length === 0 ? <Loading what="claims" /> : null}
        <ul class="cards">
          {claims.items.map((c) => (
            <li key={c.id} class="card">
              <ClaimSummary claim={c} />
            </li>
          ))}
        </ul>
        <MoreButton hasMore={claims.hasMore} loading={claims.loading} onMore={claims.more} what="claims" />
      </section>
    </>
  );
}
