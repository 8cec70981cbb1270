import { useEffect, useState } from 'preact/hooks';
import { query } from '../api/client.js';
import { usePagedList } from '../api/hooks.js';
import type { SearchHit } from '../api/types.js';
import { MoreButton, Speaker, StanceChip, useTitle } from '../components/common.js';
import { Highlighted } from '../components/Highlighted.js';
import { Loading, ProblemNotice } from '../components/Problem.js';
import { claimHref, href, sourceHref } from '../lib/router.js';

type Kind = '' | 'claim' | 'quote' | 'source';
const KIND_LABELS: Record<SearchHit['kind'], string> = {
  claim: 'claim text',
  quote: 'quoted words',
  source: 'source text',
};

export function SearchPage({ q, kind }: { q: string; kind: Kind }) {
  useTitle(q ? `Search: ${q}` : 'Search');
  const [draft, setDraft] = useState(q);
  const [draftKind, setDraftKind] = useState<Kind>(kind);
  useEffect(() => {
    setDraft(q);
    setDraftKind(kind);
  }, [q, kind]);
  const hits = usePagedList<SearchHit>(q ? `/search${query({ q, kind, limit: 20 })}` : null);

  return (
    <>
      <h1 tabIndex={-1}>Search</h1>
      <search>
        <form
          class="search-form"
          onSubmit={(e) => {
            e.preventDefault();
            location.hash = href({ name: 'search', q: draft.trim(), kind: draftKind });
          }}
        >
          <label for="search-q">Words, a “phrase”, or a name</label>
          <div class="inline">
            <input
              id="search-q"
              type="search"
              value={draft}
              onInput={(e) => setDraft(e.currentTarget.value)}
              aria-describedby={hits.error ? 'search-problem' : 'search-help'}
              aria-invalid={hits.error ? true : undefined}
            />
            <label for="search-kind" class="visually-hidden">
              Search in
            </label>
            <select
              id="search-kind"
              value={draftKind}
              onChange={(e) => setDraftKind(e.currentTarget.value as Kind)}
            >
              <option value="">claims, quotes and sources</option>
              <option value="claim">claim texts</option>
              <option value="quote">quoted words</option>
              <option value="source">source texts</option>
            </select>
            <button type="submit">Search</button>
          </div>
          <p id="search-help" class="hint">
            Words are all required; “a phrase” keeps them together; OR, NOT and prefix* work.
          </p>
          <ProblemNotice problem={hits.error} id="search-problem" />
        </form>
      </search>
      {hits.loading && hits.items.length === 0 ? <Loading what="results" /> : null}
      {q && !hits.loading && !hits.error && hits.items.length === 0 ? <p>Nothing matches “{q}”.</p> : null}
      <ol class="cards hits">
        {hits.items.map((hit, i) => (
          <li key={`${hit.kind}-${hit.claim?.id ?? hit.source.id}-${i}`} class="card hit">
            <p class="meta">
              <span class="chip">{KIND_LABELS[hit.kind]}</span>{' '}
              {hit.claim ? (
                <>
                  <Speaker claim={hit.claim} /> <StanceChip stance={hit.claim.stance} />
                </>
              ) : null}
            </p>
            <Highlighted
              class="snippet"
              text={hit.snippet}
              marks={hit.highlights.map(([start, end]) => ({ start, end, tag: { className: 'hit-mark' } }))}
            />
            <p class="meta">
              {hit.claim ? (
                <>
                  <a href={claimHref(hit.claim.id)}>Claim {hit.claim.id}</a> in{' '}
                </>
              ) : null}
              <a href={sourceHref(hit.source.id)}>{hit.source.title}</a>
            </p>
          </li>
        ))}
      </ol>
      <MoreButton hasMore={hits.hasMore} loading={hits.loading} onMore={hits.more} what="results" />
    </>
  );
}
