import { usePagedList, useResource } from '../api/hooks.js';
import type { ClaimLink, EventRecord } from '../api/types.js';
import { MoreButton, Speaker, StanceChip, useTitle } from '../components/common.js';
import { Loading, ProblemNotice } from '../components/Problem.js';
import { formatTime } from '../lib/format.js';
import { claimHref, eventHref } from '../lib/router.js';
import { humanize } from '../lib/vocab.js';
import { Board } from './Board.js';
import { Timeline } from './Timeline.js';

export function EventPage({
  route,
}: {
  route: { eventId: number; rollUp: boolean; foldToTopLevel: boolean };
}) {
  const event = useResource<EventRecord>(`/events/${route.eventId}`);
  useTitle(event.data?.title ?? 'Event');
  if (event.error) {
    return (
      <>
        <h1 tabIndex={-1}>Event {route.eventId}</h1>
        <ProblemNotice problem={event.error} />
      </>
    );
  }
  if (!event.data) return <Loading what="the event" />;
  const e = event.data;
  return (
    <>
      <h1 tabIndex={-1}>{e.title}</h1>
      <p class="meta">
        {humanize(e.kind)}
        {e.startsAt ? ` · ${formatTime(e.startsAt, e.timePrecision)}` : ''}
        {e.placeName ? ` · ${e.placeName}` : ''}
        {e.parent ? (
          <>
            {' '}
            · part of <a href={eventHref(e.parent.id)}>{e.parent.title}</a>
          </>
        ) : null}
      </p>
      {e.summary ? <p>{e.summary}</p> : null}
      {e.parties.length > 0 ? (
        <p>
          Parties:{' '}
          {e.parties.map((p, i) => (
            <span key={`${p.actor.id}-${p.role}`}>
              {i > 0 ? ', ' : ''}
              {p.actor.name} ({humanize(p.role)})
            </span>
          ))}
        </p>
      ) : null}
      <Board
        eventId={e.id}
        eventTitle={e.title}
        rollUp={route.rollUp}
        foldToTopLevel={route.foldToTopLevel}
      />
      <Timeline eventId={e.id} />
      <EventLinks eventId={e.id} />
    </>
  );
}

function EventLinks({ eventId }: { eventId: number }) {
  const links = usePagedList<ClaimLink>(`/events/${eventId}/links?limit=50`);
  return (
    <section aria-labelledby="links-heading">
      <h2 id="links-heading">Accounts that contradict or corroborate</h2>
      <ProblemNotice problem={links.error} />
      {!links.loading && !links.error && links.items.length === 0 ? <p>No link between claims yet.</p> : null}
      <ul class="links">
        {links.items.map((link) => (
          <li key={link.id} class={`link ${link.relation}`}>
            <p>
              <Speaker claim={link.from} /> <StanceChip stance={link.from.stance} />:{' '}
              <a href={claimHref(link.from.id)}>{link.from.text}</a>
            </p>
            <p class="relation">{humanize(link.relation)}</p>
            <p>
              <Speaker claim={link.to} /> <StanceChip stance={link.to.stance} />:{' '}
              <a href={claimHref(link.to.id)}>{link.to.text}</a>
            </p>
            {link.note ? <p class="meta">{link.note}</p> : null}
          </li>
        ))}
      </ul>
      <MoreButton hasMore={links.hasMore} loading={links.loading} onMore={links.more} what="links" />
    </section>
  );
}
