import type { ComponentChildren } from 'preact';
import { useEffect } from 'preact/hooks';
import type { Claim } from '../api/types.js';
import { formatTime } from '../lib/format.js';
import { claimHref, sourceHref } from '../lib/router.js';
import { STANCE_LABELS } from '../lib/vocab.js';

export function useTitle(title: string) {
  useEffect(() => {
    document.title = `${title} · claimledger desk`;
  }, [title]);
}

export function StanceChip({ stance }: { stance: Claim['stance'] }) {
  return <span class={`chip stance-${stance}`}>{STANCE_LABELS[stance]}</span>;
}

export function Speaker({ claim }: { claim: Pick<Claim, 'claimant' | 'source'> }) {
  return claim.claimant ? (
    <span class="speaker">{claim.claimant.name}</span>
  ) : (
    <span class="speaker own-voice">Own voice of “{claim.source.title}”</span>
  );
}

/** One claim in a list: who, stance, what, in which words, where. */
export function ClaimSummary({ claim, children }: { claim: Claim; children?: ComponentChildren }) {
  return (
    <article class="claim-summary" aria-label={`Claim ${claim.id}`}>
      <p class="claim-head">
        <Speaker claim={claim} /> <StanceChip stance={claim.stance} />
        {claim.retraction ? <span class="chip retracted">retracted</span> : null}
      </p>
      <p class="claim-text">
        <a href={claimHref(claim.id)}>{claim.text}</a>
      </p>
      <blockquote class="quote-excerpt">{claim.quote.exact}</blockquote>
      <p class="meta">
        in <a href={sourceHref(claim.source.id)}>{claim.source.title}</a>
        {claim.source.publishedAt ? `, ${formatTime(claim.source.publishedAt, 'day')}` : ''}
        {claim.reportedVia.length > 0 ? ` · via ${claim.reportedVia.map((a) => a.name).join(' → ')}` : ''}
      </p>
      {children}
    </article>
  );
}

export function MoreButton({
  hasMore,
  loading,
  onMore,
  what,
}: {
  hasMore: boolean;
  loading: boolean;
  onMore: () => void;
  what: string;
}) {
  if (!hasMore) return null;
  return (
    <button type="button" class="more" onClick={onMore} disabled={loading}>
      {loading ? 'Loading…' : `More ${what}`}
    </button>
  );
}
