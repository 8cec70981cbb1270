import { useEffect, useState } from 'preact/hooks';
import { type ApiProblem, query, request, toProblem } from '../api/client.js';
import { useApiKey } from '../api/hooks.js';
import type { Appearance, Page, TimelineEntry } from '../api/types.js';
import { StanceChip } from '../components/common.js';
import { Loading, ProblemNotice } from '../components/Problem.js';
import { ScrollRegion } from '../components/ScrollRegion.js';
import { formatTick, formatTime, plural } from '../lib/format.js';
import { claimHref } from '../lib/router.js';
import { groupTimeline, layoutTimeline, type TimelineGroup } from '../lib/timeline.js';
import { STANCE_COLOURS, STANCE_LABELS, STANCES } from '../lib/vocab.js';

/** The chart draws at most this many entries (five pages); the rest are a link to the API. */
const MAX_ENTRIES = 500;

function useTimeline(eventId: number, includeSubevents: boolean) {
  const key = useApiKey();
  const [state, setState] = useState<{
    entries: TimelineEntry[];
    error: ApiProblem | null;
    loading: boolean;
    truncated: boolean;
  }>({ entries: [], error: null, loading: true, truncated: false });
  useEffect(() => {
    const controller = new AbortController();
    setState({ entries: [], error: null, loading: true, truncated: false });
    (async () => {
      const entries: TimelineEntry[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<TimelineEntry> = await request(
          `/events/${eventId}/timeline${query({ limit: 100, includeSubevents, groupRepeats: true, cursor })}`,
          { signal: controller.signal },
        );
        entries.push(...page.data);
        cursor = page.nextCursor;
      } while (cursor && entries.length < MAX_ENTRIES);
      return { entries, truncated: cursor !== null };
    })().then(
      ({ entries, truncated }) => setState({ entries, error: null, loading: false, truncated }),
      (error: unknown) => {
        if (!controller.signal.aborted)
          setState({ entries: [], error: toProblem(error), loading: false, truncated: false });
      },
    );
    return () => controller.abort();
  }, [eventId, includeSubevents, key]);
  return state;
}

const VIA_LABELS: Record<Appearance['via'], string> = {
  copy: 'a copy of the source',
  repeats: 'linked as a repeat',
};

const appearanceText = (a: Appearance) =>
  `${a.source.title} (${formatTime(a.at, a.precision)}, ${VIA_LABELS[a.via]})`;

const describe = (g: TimelineGroup) =>
  `${g.claim.claimant?.name ?? `Own voice of ${g.claim.source.title}`}, ${STANCE_LABELS[g.stance]}, ${formatTime(g.at, g.precision)}: ${g.claim.text}` +
  (g.appearances.length > 0
    ? ` Appeared in ${g.count} places; also in: ${g.appearances.map(appearanceText).join('; ')}.`
    : '');

export function Timeline({ eventId }: { eventId: number }) {
  const [includeSubevents, setIncludeSubevents] = useState(false);
  const timeline = useTimeline(eventId, includeSubevents);
  const { groups, rows } = groupTimeline(timeline.entries);
  const chart = layoutTimeline(groups, rows);

  return (
    <section aria-labelledby="timeline-heading" class="timeline">
      <h2 id="timeline-heading">Timeline</h2>
      <label class="check">
        <input
          type="checkbox"
          checked={includeSubevents}
          onChange={(e) => setIncludeSubevents(e.currentTarget.checked)}
        />{' '}
        Include claims about the events under this one
      </label>
      <ProblemNotice problem={timeline.error} />
      {timeline.loading ? <Loading what="the timeline" /> : null}
      {!timeline.loading && !timeline.error && groups.length === 0 ? <p>No claim is recorded yet.</p> : null}
      {groups.length > 0 ? (
        <figure class="chart">
          <figcaption id="timeline-caption">
            {plural(groups.length, 'statement')} by {plural(rows.length, 'speaker')}: time across, speakers
            down, stance as colour; times in UTC; a statement one origin repeated (in copies of a source, or
            linked as a repeat) is one mark at its earliest time, with the number of places it appeared in
            {timeline.truncated ? ` (the first ${MAX_ENTRIES} entries)` : ''}.
          </figcaption>
          <ul class="legend" aria-label="Stance colours">
            {STANCES.map((s) => (
              <li key={s}>
                <svg width="12" height="12" aria-hidden="true">
                  <circle cx="6" cy="6" r="6" fill={STANCE_COLOURS[s]} />
                </svg>{' '}
                {STANCE_LABELS[s]}
              </li>
            ))}
          </ul>
          <ScrollRegion class="table-scroll" labelledBy="timeline-caption">
            <svg
              class="timeline-chart"
              viewBox={`0 0 ${chart.width} ${chart.height}`}
              aria-labelledby="timeline-caption"
            >
              <title>Timeline chart</title>
              {chart.rows.map((row, i) => (
                <g key={row.key}>
                  {i % 2 === 0 ? (
                    <rect
                      x="0"
                      y={row.y - chart.rowHeight / 2}
                      width={chart.width}
                      height={chart.rowHeight}
                      class="band"
                    />
                  ) : null}
                  <text x="8" y={row.y + 4} class={row.ownVoice ? 'row-label own' : 'row-label'}>
                    {row.label.length > 30 ? `${row.label.slice(0, 29)}…` : row.label}
                    <title>{row.label}</title>
                  </text>
                </g>
              ))}
              {chart.ticks.map((t) => (
                <line
                  key={`tick-${t.time}`}
                  x1={t.x}
                  x2={t.x}
                  y1={chart.top - 8}
                  y2={chart.height - 28}
                  class="tick"
                />
              ))}
              {chart.labels.map((t, i) => (
                <text
                  key={`label-${t.time}`}
                  x={t.x}
                  y={chart.height - 12}
                  class="tick-label"
                  text-anchor={
                    chart.labelUnit === 'day'
                      ? 'middle'
                      : i === 0
                        ? 'start'
                        : i === chart.labels.length - 1
                          ? 'end'
                          : 'middle'
                  }
                >
                  {formatTick(t.time, chart.labelUnit)}
                </text>
              ))}
              {chart.undatedX !== null ? (
                <text x={chart.undatedX} y={chart.height - 12} class="tick-label" text-anchor="middle">
                  undated
                </text>
              ) : null}
              {chart.marks.map((m) => (
                <a
                  key={m.group.key}
                  href={claimHref(m.group.claim.id)}
                  aria-label={describe(m.group)}
                  class="mark"
                >
                  <title>{describe(m.group)}</title>
                  <circle
                    cx={m.x}
                    cy={m.y}
                    r={m.group.count > 1 ? 9 : 6}
                    fill={STANCE_COLOURS[m.group.stance]}
                  />
                  {m.group.count > 1 ? (
                    <text x={m.x} y={m.y + 4} class="copies" text-anchor="middle">
                      {m.group.count}
                    </text>
                  ) : null}
                </a>
              ))}
            </svg>
          </ScrollRegion>
        </figure>
      ) : null}
      {groups.length > 0 ? (
        <details class="timeline-list">
          <summary>The timeline as a list</summary>
          <ol>
            {groups.map((g) => (
              <li key={g.key}>
                <time dateTime={g.at ?? undefined}>{formatTime(g.at, g.precision)}</time>{' '}
                <strong>{g.claim.claimant?.name ?? 'Own voice'}</strong> <StanceChip stance={g.stance} />{' '}
                <a href={claimHref(g.claim.id)}>{g.claim.text}</a>
                {g.appearances.length > 0 ? (
                  <p class="meta">
                    Also appeared in:{' '}
                    {g.appearances.map((a, i) => (
                      <span key={a.claimId}>
                        {i > 0 ? '; ' : ''}
                        <a href={claimHref(a.claimId)}>{a.source.title}</a> ({formatTime(a.at, a.precision)},{' '}
                        {VIA_LABELS[a.via]})
                      </span>
                    ))}
                  </p>
                ) : null}
              </li>
            ))}
          </ol>
        </details>
      ) : null}
    </section>
  );
}
