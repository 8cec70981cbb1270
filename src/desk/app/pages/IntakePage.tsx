import { useCallback, useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { type ApiProblem, query, request, toProblem } from '../api/client.js';
import { useAction, useApiKey, usePagedList, useResource } from '../api/hooks.js';
import type {
  AcceptCorrections,
  ActorKind,
  ActorRef,
  AttributionPosition,
  Candidate,
  CandidateAttribution,
  CandidateList,
  Claim,
  CreateSource,
  EventRecord,
  Page,
  Source,
  SourceKind,
  SourceSummary,
  Stance,
} from '../api/types.js';
import { MoreButton, useTitle } from '../components/common.js';
import { Highlighted, type Mark } from '../components/Highlighted.js';
import { Loading, ProblemNotice } from '../components/Problem.js';
import { ScrollRegion } from '../components/ScrollRegion.js';
import { type Option, SearchBox } from '../components/SearchBox.js';
import type { MarkRange } from '../lib/codepoints.js';
import { formatTime, plural } from '../lib/format.js';
import { claimHref, href, sourceHref } from '../lib/router.js';
import {
  ACTOR_KINDS,
  ATTRIBUTION_POSITIONS,
  humanize,
  POSITION_LABELS,
  SOURCE_KINDS,
  STANCE_LABELS,
  STANCES,
} from '../lib/vocab.js';

export function IntakePage({
  sourceId,
  candidateId,
}: {
  sourceId: number | null;
  candidateId: number | null;
}) {
  useTitle('Intake');
  return sourceId === null ? (
    <ChooseSource />
  ) : (
    <Review key={sourceId} sourceId={sourceId} candidateId={candidateId} />
  );
}

function ReadOnlyNote() {
  const key = useApiKey();
  if (key) return null;
  return (
    <p class="notice" role="note">
      Read-only: finding candidates, accepting and rejecting them need an editor key (
      <strong>Read-only</strong> at the top of the page).
    </p>
  );
}

/* ---------- choosing or pasting a source ---------- */

function ChooseSource() {
  const [q, setQ] = useState('');
  const [submitted, setSubmitted] = useState('');
  const sources = usePagedList<SourceSummary>(`/sources${query({ q: submitted, limit: 20 })}`);
  return (
    <>
      <h1 tabIndex={-1}>Intake</h1>
      <p>
        Pick a document, or paste a new one; the service proposes the statements in it, and you accept each
        (correcting who said it, the stance and the event) or reject it with a reason. Nothing enters the
        record unreviewed.
      </p>
      <ReadOnlyNote />
      <section aria-labelledby="pick-heading">
        <h2 id="pick-heading">Pick a source</h2>
        <search>
          <form
            class="search-form"
            onSubmit={(e) => {
              e.preventDefault();
              setSubmitted(q.trim());
            }}
          >
            <label for="source-q">Find a source by title</label>
            <div class="inline">
              <input id="source-q" type="search" value={q} onInput={(e) => setQ(e.currentTarget.value)} />
              <button type="submit">Find</button>
            </div>
          </form>
        </search>
        <ProblemNotice problem={sources.error} />
        <ul class="cards">
          {sources.items.map((s) => (
            <li key={s.id} class="card">
              <h3>
                <a href={href({ name: 'intake', sourceId: s.id, candidateId: null })}>{s.title}</a>
              </h3>
              <p class="meta">
                {humanize(s.kind)}
                {s.publisher ? ` · ${s.publisher.name}` : ''}
                {s.publishedAt ? ` · ${formatTime(s.publishedAt, s.publishedAtPrecision)}` : ''} ·{' '}
                {s.textLength.toLocaleString('en')} characters
              </p>
            </li>
          ))}
        </ul>
        <MoreButton
          hasMore={sources.hasMore}
          loading={sources.loading}
          onMore={sources.more}
          what="sources"
        />
      </section>
      <NewSource />
    </>
  );
}

function NewSource() {
  const key = useApiKey();
  const [title, setTitle] = useState('');
  const [kind, setKind] = useState<SourceKind>('news_article');
  const [url, setUrl] = useState('');
  const [published, setPublished] = useState('');
  const [text, setText] = useState('');
  const create = useAction(async () => {
    const body: CreateSource = { title: title.trim(), kind, text };
    if (url.trim()) body.url = url.trim();
    if (published) {
      body.publishedAt = `${published}T00:00:00Z`;
      body.publishedAtPrecision = 'day';
    }
    const source = await request<Source>('/sources', { method: 'POST', body });
    location.hash = href({ name: 'intake', sourceId: source.id, candidateId: null });
    return source;
  });
  return (
    <section aria-labelledby="paste-heading">
      <h2 id="paste-heading">Paste a new source</h2>
      <form
        class="stack"
        onSubmit={(e) => {
          e.preventDefault();
          void create.go();
        }}
      >
        <label for="new-title">Title</label>
        <input id="new-title" required value={title} onInput={(e) => setTitle(e.currentTarget.value)} />
        <div class="row">
          <div>
            <label for="new-kind">Kind</label>
            <select id="new-kind" value={kind} onChange={(e) => setKind(e.currentTarget.value as SourceKind)}>
              {SOURCE_KINDS.map((k) => (
                <option key={k} value={k}>
                  {humanize(k)}
                </option>
              ))}
            </select>
          </div>
          <div>
            <label for="new-published">Published (day)</label>
            <input
              id="new-published"
              type="date"
              value={published}
              onInput={(e) => setPublished(e.currentTarget.value)}
            />
          </div>
        </div>
        <label for="new-url">Address (optional)</label>
        <input id="new-url" type="url" value={url} onInput={(e) => setUrl(e.currentTarget.value)} />
        <label for="new-text">Text, exactly as published</label>
        <textarea
          id="new-text"
          required
          rows={10}
          value={text}
          onInput={(e) => setText(e.currentTarget.value)}
        />
        <div>
          <button type="submit" disabled={!key || create.busy}>
            {create.busy ? 'Saving…' : 'Save the source'}
          </button>
        </div>
        <ProblemNotice problem={create.error} />
      </form>
    </section>
  );
}

/* ---------- reviewing the candidates of one source ---------- */

type StatusFilter = 'all' | Candidate['status'];

/** The event chosen last, offered for the next candidate: a document is usually about one event. */
let lastEvent: Option<number> | null = null;

/**
 * What POST /sources/{id}/candidates proposes by default (its `minConfidence`): the review queue. Candidates
 * below it are stored too (background, remarks on other matters) and shown when the reviewer asks.
 */
const PROPOSED_CONFIDENCE = 0.5;

function useCandidates(sourceId: number, includeLow: boolean) {
  const key = useApiKey();
  const [candidates, setCandidates] = useState<Candidate[]>([]);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [loading, setLoading] = useState(true);
  useEffect(() => {
    const controller = new AbortController();
    setLoading(true);
    setProblem(null);
    (async () => {
      const all: Candidate[] = [];
      let cursor: string | null = null;
      do {
        const page: Page<Candidate> = await request(
          `/candidates${query({
            source: sourceId,
            limit: 100,
            cursor,
            minConfidence: includeLow ? 0 : PROPOSED_CONFIDENCE,
          })}`,
          {
            signal: controller.signal,
          },
        );
        all.push(...page.data);
        cursor = page.nextCursor;
      } while (cursor);
      return all;
    })().then(
      (all) => {
        setCandidates(all);
        setLoading(false);
      },
      (error: unknown) => {
        if (controller.signal.aborted) return;
        setProblem(toProblem(error));
        setLoading(false);
      },
    );
    return () => controller.abort();
  }, [sourceId, key, includeLow]);
  const replace = useCallback(
    (updated: Candidate) => setCandidates((list) => list.map((c) => (c.id === updated.id ? updated : c))),
    [],
  );
  return { candidates, setCandidates, replace, problem, loading };
}

const candidateMarks = (
  candidates: readonly Candidate[],
  currentId: number | null,
  select: (id: number) => void,
): MarkRange<Mark>[] =>
  candidates.flatMap((c) => {
    const current = c.id === currentId;
    return [
      {
        start: c.quote.start,
        end: c.quote.end,
        tag: {
          className: `cand-quote ${c.status}${c.confidence < PROPOSED_CONFIDENCE ? ' low' : ''}${current ? ' current-quote' : ''}`,
          label: `candidate ${c.id}: quote, confidence ${c.confidence.toFixed(2)}`,
          id: `cand-${c.id}`,
          onClick: () => select(c.id),
        },
      },
      {
        start: c.cue.start,
        end: c.cue.end,
        tag: { className: `cand-cue${current ? ' current-cue' : ''}`, label: 'cue' },
      },
      {
        start: c.speaker.start,
        end: c.speaker.end,
        tag: { className: `cand-speaker${current ? ' current-speaker' : ''}`, label: 'speaker' },
      },
    ];
  });

function Review({ sourceId, candidateId }: { sourceId: number; candidateId: number | null }) {
  const key = useApiKey();
  const source = useResource<Source>(`/sources/${sourceId}`);
  const [includeLow, setIncludeLow] = useState(false);
  /** What the last run of the extractor answered: pending candidates proposed, and left out as low confidence. */
  const [run, setRun] = useState<{ proposed: number; low: number } | null>(null);
  const { candidates, setCandidates, replace, problem, loading } = useCandidates(sourceId, includeLow);
  const [filter, setFilter] = useState<StatusFilter>('pending');
  const [currentId, setCurrentId] = useState<number | null>(candidateId);
  // A link to another candidate of this source (the address bar, a shared link) selects it.
  useEffect(() => {
    if (candidateId !== null) setCurrentId(candidateId);
  }, [candidateId]);
  const textBox = useRef<HTMLElement>(null);
  const extract = useAction(async () => {
    const result = await request<CandidateList>(`/sources/${sourceId}/candidates`, {
      method: 'POST',
      body: includeLow ? { minConfidence: 0 } : {},
    });
    setCandidates(result.data);
    setRun({ proposed: result.data.filter((c) => c.status === 'pending').length, low: result.lowConfidence });
    const first = result.data.find((c) => c.status === 'pending') ?? result.data[0];
    setCurrentId(first?.id ?? null);
    return result;
  });

  const visible = candidates.filter((c) => filter === 'all' || c.status === filter);
  const current = candidates.find((c) => c.id === currentId) ?? visible[0] ?? null;

  const select = useCallback(
    (id: number) => {
      setCurrentId(id);
      history.replaceState(null, '', href({ name: 'intake', sourceId, candidateId: id }));
    },
    [sourceId],
  );

  // Bring the current candidate's quote into view in the text.
  useEffect(() => {
    if (!current || !textBox.current) return;
    const mark = textBox.current.querySelector<HTMLElement>(`#cand-${current.id}`);
    if (mark) textBox.current.scrollTop = Math.max(0, mark.offsetTop - textBox.current.offsetTop - 80);
  }, [current?.id, source.data]);

  const step = (delta: number) => {
    if (visible.length === 0) return;
    const index = current ? visible.findIndex((c) => c.id === current.id) : -1;
    const next = visible[Math.min(visible.length - 1, Math.max(0, index + delta))];
    if (next) select(next.id);
  };

  const [decided, setDecided] = useState<Candidate | null>(null);
  const afterDecision = (updated: Candidate) => {
    replace(updated);
    setDecided(updated);
    const after = visible.slice(visible.findIndex((c) => c.id === updated.id) + 1);
    const next = after.find((c) => c.status === 'pending' && c.id !== updated.id);
    if (next) select(next.id);
  };

  useTitle(source.data ? `Intake: ${source.data.title}` : 'Intake');
  if (source.error) {
    return (
      <>
        <h1 tabIndex={-1}>Intake</h1>
        <ProblemNotice problem={source.error} />
      </>
    );
  }
  if (!source.data) return <Loading what="the source" />;

  const counts = {
    pending: candidates.filter((c) => c.status === 'pending').length,
    accepted: candidates.filter((c) => c.status === 'accepted').length,
    rejected: candidates.filter((c) => c.status === 'rejected').length,
  };

  return (
    <>
      <h1 tabIndex={-1}>Intake: {source.data.title}</h1>
      <p class="meta">
        <a href="#/intake">Other sources</a> ·{' '}
        <a href={sourceHref(sourceId)}>the source and its recorded claims</a>
      </p>
      <ReadOnlyNote />
      <div class="toolbar">
        <button type="button" onClick={() => void extract.go()} disabled={!key || extract.busy}>
          {extract.busy ? 'Finding…' : candidates.length > 0 ? 'Find candidates again' : 'Find candidates'}
        </button>
        <label for="cand-filter">Show</label>
        <select
          id="cand-filter"
          value={filter}
          onChange={(e) => setFilter(e.currentTarget.value as StatusFilter)}
        >
          <option value="pending">pending ({counts.pending})</option>
          <option value="accepted">accepted ({counts.accepted})</option>
          <option value="rejected">rejected ({counts.rejected})</option>
          <option value="all">all ({candidates.length})</option>
        </select>
        <label>
          <input
            type="checkbox"
            checked={includeLow}
            onChange={(e) => setIncludeLow(e.currentTarget.checked)}
          />{' '}
          Include low-confidence candidates (background, other matters)
        </label>
      </div>
      <ProblemNotice problem={extract.error} />
      <p class="run-result" role="status">
        {run ? (
          <>
            {plural(run.proposed, 'candidate')} to review.
            {run.low > 0 && !includeLow ? (
              <>
                {' '}
                {run.low} more found at low confidence:{' '}
                <button type="button" class="link-button" onClick={() => setIncludeLow(true)}>
                  show them
                </button>
              </>
            ) : null}
          </>
        ) : null}
      </p>
      <p class="shortcuts" id="shortcuts">
        Keys: <kbd>a</kbd> accept · <kbd>r</kbd> reject (type the reason, then Enter) · <kbd>j</kbd> next ·{' '}
        <kbd>k</kbd> previous
      </p>
      <div class="intake">
        <section aria-labelledby="intake-text-heading" class="intake-text">
          <h2 id="intake-text-heading">Text</h2>
          <p class="legend-inline">
            <mark class="cand-quote pending">proposed quote</mark> <mark class="cand-cue">cue</mark>{' '}
            <mark class="cand-speaker">speaker</mark>
          </p>
          <ScrollRegion class="source-box tall" scrollRef={textBox} label="Source text with candidates">
            <Highlighted
              text={source.data.text}
              marks={candidateMarks(candidates, current?.id ?? null, select)}
            />
          </ScrollRegion>
        </section>
        <section aria-labelledby="cand-heading" class="intake-review">
          <h2 id="cand-heading">Candidates</h2>
          <ProblemNotice problem={problem} />
          {loading ? <Loading what="candidates" /> : null}
          {!loading && !problem && candidates.length === 0 ? (
            <p>No candidates yet: find them in the text first.</p>
          ) : null}
          {visible.length > 0 ? (
            <ol class="cand-list" aria-label={`${humanize(filter)} candidates`}>
              {visible.map((c) => (
                <li key={c.id}>
                  <button
                    type="button"
                    class={c.id === current?.id ? 'cand current' : 'cand'}
                    aria-current={c.id === current?.id ? 'true' : undefined}
                    onClick={() => select(c.id)}
                  >
                    <span class={`chip status-${c.status}`}>{c.status}</span>{' '}
                    <span class={c.confidence < PROPOSED_CONFIDENCE ? 'confidence low' : 'confidence'}>
                      <span class="visually-hidden">confidence </span>
                      {c.confidence.toFixed(2)}
                    </span>{' '}
                    {c.speaker.actor?.name ?? c.speaker.text}:{' '}
                    {c.quote.exact.length > 90 ? `${c.quote.exact.slice(0, 89)}…` : c.quote.exact}
                  </button>
                </li>
              ))}
            </ol>
          ) : null}
          <p class="decided" role="status">
            {decided ? (
              <>
                Candidate {decided.id} {decided.status}
                {decided.claimId ? (
                  <>
                    {' '}
                    as <a href={claimHref(decided.claimId)}>claim {decided.claimId}</a>
                  </>
                ) : null}
                {decided.status === 'rejected' && decided.reason ? `: ${decided.reason}` : ''}.
              </>
            ) : null}
          </p>
          {current ? (
            <CandidateForm
              key={current.id}
              candidate={current}
              canWrite={Boolean(key)}
              onDecided={afterDecision}
              onStep={step}
            />
          ) : null}
        </section>
      </div>
    </>
  );
}

/* ---------- one candidate: accept with corrections, or reject ---------- */

type ClaimantChoice = { type: 'actor'; actor: ActorRef } | { type: 'new'; name: string; kind: ActorKind };

const actorOption = (actor: ActorRef): Option<ClaimantChoice> => ({
  key: `actor:${actor.id}`,
  label: actor.name,
  hint: humanize(actor.kind),
  value: { type: 'actor', actor },
});

const searchActors = async (text: string, signal: AbortSignal) => {
  const page = await request<Page<ActorRef>>(`/actors${query({ q: text, limit: 8 })}`, { signal });
  return page.data.map((a) => actorOption({ id: a.id, name: a.name, kind: a.kind }));
};

const searchEvents = async (text: string, signal: AbortSignal) => {
  const page = await request<Page<EventRecord>>(`/events${query({ q: text, limit: 8 })}`, { signal });
  return page.data.map(
    (e): Option<number> => ({
      key: `event:${e.id}`,
      label: e.title,
      hint: e.startsAt ? formatTime(e.startsAt, e.timePrecision) : humanize(e.kind),
      value: e.id,
    }),
  );
};

const relayName = (r: Candidate['reportedVia'][number]) => r.actor?.name ?? `“${r.text}” (not a known actor)`;

type HeldActor = { id: number; name: string };

/** One relay of the proposed chain as the reviewer leaves it: kept or left out, its actor picked or corrected. */
interface RelayDraft {
  proposed: Candidate['reportedVia'][number];
  keep: boolean;
  actor: Option<HeldActor> | null;
}

const relayDraftOf = (r: Candidate['reportedVia'][number]): RelayDraft => ({
  proposed: r,
  keep: true,
  actor: r.actor ? { key: `actor:${r.actor.id}`, label: r.actor.name, value: r.actor } : null,
});

const searchHeldActors = async (text: string, signal: AbortSignal) => {
  const page = await request<Page<ActorRef>>(`/actors${query({ q: text, limit: 8 })}`, { signal });
  return page.data.map(
    (a): Option<HeldActor> => ({
      key: `actor:${a.id}`,
      label: a.name,
      hint: humanize(a.kind),
      value: { id: a.id, name: a.name },
    }),
  );
};

/** One proposed attribution as the reviewer leaves it: filed or dropped, its actor and position corrected. */
interface AttributionDraft {
  proposed: CandidateAttribution;
  keep: boolean;
  actor: Option<HeldActor> | null;
  position: AttributionPosition;
}

const draftOf = (a: CandidateAttribution): AttributionDraft => ({
  proposed: a,
  keep: true,
  actor: a.actor ? { key: `actor:${a.actor.id}`, label: a.actor.name, value: a.actor } : null,
  position: a.position,
});

/** The signals a candidate's confidence is made of, in words. */
function signalWords(s: Candidate['signals']): string[] {
  const yes = (b: boolean) => (b ? 'yes' : 'no');
  return [
    `share of the source’s subject: ${s.subject.toFixed(2)}`,
    `about the incident: ${yes(s.incident)}`,
    `holds someone responsible, denies or declines: ${yes(s.responsibility)}`,
    `concerns the actor the source holds responsible: ${yes(s.suspect)}`,
    `in another time or story: ${s.otherTime ? 'yes (× 0.4)' : 'no'}`,
  ];
}

function initialClaimant(c: Candidate): Option<ClaimantChoice> | null {
  if (c.speaker.actor) return actorOption(c.speaker.actor);
  if (c.speaker.proposed) {
    const { name, kind } = c.speaker.proposed;
    return { key: 'new', label: `${name} (new)`, hint: humanize(kind), value: { type: 'new', name, kind } };
  }
  return null;
}

function CandidateForm({
  candidate,
  canWrite,
  onDecided,
  onStep,
}: {
  candidate: Candidate;
  canWrite: boolean;
  onDecided: (c: Candidate) => void;
  onStep: (delta: number) => void;
}) {
  const [claimant, setClaimant] = useState<Option<ClaimantChoice> | null>(() => initialClaimant(candidate));
  const [stance, setStance] = useState<Stance>(candidate.stance);
  const [event, setEvent] = useState<Option<number> | null>(lastEvent);
  const [text, setText] = useState(candidate.text);
  const [drafts, setDrafts] = useState(() => candidate.attributions.map(draftOf));
  const [relays, setRelays] = useState(() => candidate.reportedVia.map(relayDraftOf));
  const [reason, setReason] = useState('');
  const reasonInput = useRef<HTMLInputElement>(null);
  const pending = candidate.status === 'pending';

  const accept = useAction(async () => {
    const body: AcceptCorrections = { stance, text: text.trim() };
    if (claimant?.value.type === 'actor') body.claimantId = claimant.value.actor.id;
    if (claimant?.value.type === 'new')
      body.createClaimant = { name: claimant.value.name, kind: claimant.value.kind };
    if (event) body.eventId = event.value;
    // A relay kept without an actor is left to the server, which names it in its problem.
    const keptRelays = relays.filter((r) => r.keep);
    if (candidate.reportedVia.length > 0 && keptRelays.every((r) => r.actor)) {
      body.reportedViaIds = keptRelays.map((r) => r.actor?.value.id as number);
    }
    // What the form shows is what is filed: the attributions kept, as corrected (none: `[]`).
    if (candidate.attributions.length > 0) {
      body.attributions = drafts
        .filter((d) => d.keep)
        .map((d) => ({
          actorId: d.position === 'no_attribution' ? null : (d.actor?.value.id ?? null),
          position: d.position,
          role: d.proposed.role,
        }));
    }
    const claim = await request<Claim>(`/candidates/${candidate.id}/accept`, { method: 'POST', body });
    onDecided({ ...candidate, status: 'accepted', claimId: claim.id });
    return claim;
  });
  const reject = useAction(async () => {
    const updated = await request<Candidate>(`/candidates/${candidate.id}/reject`, {
      method: 'POST',
      body: { reason: reason.trim() },
    });
    onDecided({ ...candidate, ...updated, status: 'rejected', reason: updated.reason ?? reason.trim() });
    return updated;
  });

  // The keys act on the candidate shown; they never fire while a field is being typed in.
  // The form is keyed by candidate, so stepping mounts a new one: its listener is added in the
  // same commit (a layout effect), never after the next paint, or a key pressed right after a
  // step would find no listener. The listener reads the latest render's handler through a ref.
  const onKey = useRef<(e: KeyboardEvent) => void>(() => {});
  onKey.current = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    const target = e.target as HTMLElement | null;
    if (target?.closest('input, textarea, select, [contenteditable="true"]')) return;
    if (e.key === 'j' || e.key === 'n') onStep(1);
    else if (e.key === 'k' || e.key === 'p') onStep(-1);
    else if (e.key === 'a' && pending && canWrite) void accept.go();
    else if (e.key === 'r' && pending && canWrite) reasonInput.current?.focus();
    else return;
    e.preventDefault();
  };
  useLayoutEffect(() => {
    const listener = (e: KeyboardEvent) => onKey.current(e);
    document.addEventListener('keydown', listener);
    return () => document.removeEventListener('keydown', listener);
  }, []);

  const alternatives = candidate.speaker.alternatives.map((a) =>
    actorOption({ id: a.id, name: a.name, kind: a.kind }),
  );

  return (
    <article class="cand-form" aria-labelledby="cand-form-heading">
      <h3 id="cand-form-heading">
        Candidate {candidate.id} <span class={`chip status-${candidate.status}`}>{candidate.status}</span>
      </h3>
      <blockquote class="quote-excerpt">{candidate.quote.exact}</blockquote>
      <dl class="facts">
        <dt>Speaker in the text</dt>
        <dd>
          “{candidate.speaker.text}”
          {candidate.speaker.actor
            ? ` → ${candidate.speaker.actor.name} (score ${candidate.speaker.score.toFixed(2)})`
            : candidate.speaker.proposed
              ? ` → new ${humanize(candidate.speaker.proposed.kind)} “${candidate.speaker.proposed.name}”`
              : ' → not resolved'}
        </dd>
        <dt>Cue</dt>
        <dd>
          “{candidate.cue.text}” · {humanize(candidate.modality)} · rule <code>{candidate.rule}</code>
        </dd>
        {!pending && candidate.reportedVia.length > 0 ? (
          <>
            <dt>Reported via</dt>
            <dd>{candidate.reportedVia.map(relayName).join(' → ')}</dd>
          </>
        ) : null}
        <dt>Confidence</dt>
        <dd>
          <strong>{candidate.confidence.toFixed(2)}</strong>
          {candidate.confidence < PROPOSED_CONFIDENCE ? ' (low: not proposed by default)' : ''}: speaker{' '}
          {candidate.signals.speaker.toFixed(2)} × story {candidate.signals.story.toFixed(2)}
          {candidate.signals.otherTime ? ' × 0.4' : ''}
        </dd>
        <dt>Signals</dt>
        <dd>
          <ul class="signals" aria-label="Signals">
            {signalWords(candidate.signals).map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
        </dd>
        {!pending && candidate.attributions.length > 0 ? (
          <>
            <dt>Proposed attributions</dt>
            <dd>
              {candidate.attributions
                .map(
                  (a) =>
                    `${a.actor?.name ?? (a.actorText ? `“${a.actorText}”` : 'no one')}: ${POSITION_LABELS[a.position]}, ${humanize(a.role)}`,
                )
                .join('; ')}
            </dd>
          </>
        ) : null}
      </dl>

      {candidate.status === 'accepted' ? (
        <p class="verified" role="status">
          Accepted
          {candidate.claimId ? (
            <>
              {' '}
              as <a href={claimHref(candidate.claimId)}>claim {candidate.claimId}</a>
            </>
          ) : null}
          {candidate.decidedAt ? ` on ${formatTime(candidate.decidedAt, 'minute')}` : ''}.
        </p>
      ) : null}
      {candidate.status === 'rejected' ? (
        <p class="meta" role="status">
          Rejected{candidate.reason ? `: ${candidate.reason}` : ''}.
        </p>
      ) : null}

      {pending ? (
        <>
          <form
            class="stack"
            aria-label="Accept with corrections"
            onSubmit={(e) => {
              e.preventDefault();
              void accept.go();
            }}
          >
            <SearchBox<ClaimantChoice>
              id="claimant"
              label="Claimant"
              selected={claimant}
              onSelect={setClaimant}
              search={searchActors}
              extraOptions={(typed) => {
                const extras = alternatives.filter((a) => a.key !== claimant?.key);
                const name = typed || candidate.speaker.proposed?.name || '';
                if (name) {
                  const kind = candidate.speaker.proposed?.kind ?? 'group';
                  extras.push({
                    key: `new:${name}`,
                    label: `Create “${name}” as a new actor`,
                    hint: humanize(kind),
                    value: { type: 'new', name, kind },
                  });
                }
                return extras;
              }}
            >
              {claimant?.value.type === 'new' ? (
                <div class="inline">
                  <label for="new-claimant-kind">New actor’s kind</label>
                  <select
                    id="new-claimant-kind"
                    value={claimant.value.kind}
                    onChange={(e) => {
                      if (claimant.value.type !== 'new') return;
                      const kind = e.currentTarget.value as ActorKind;
                      setClaimant({ ...claimant, hint: humanize(kind), value: { ...claimant.value, kind } });
                    }}
                  >
                    {ACTOR_KINDS.map((k) => (
                      <option key={k} value={k}>
                        {humanize(k)}
                      </option>
                    ))}
                  </select>
                </div>
              ) : null}
            </SearchBox>
            <label for="cand-stance">Stance</label>
            <select
              id="cand-stance"
              value={stance}
              onChange={(e) => setStance(e.currentTarget.value as Stance)}
            >
              {STANCES.map((s) => (
                <option key={s} value={s}>
                  {STANCE_LABELS[s]}
                </option>
              ))}
            </select>
            <SearchBox<number>
              id="cand-event"
              label="Event"
              selected={event}
              onSelect={(option) => {
                setEvent(option);
                lastEvent = option;
              }}
              search={searchEvents}
            />
            {relays.length > 0 ? (
              <RelayDrafts
                relays={relays}
                onChange={(i, relay) => setRelays((list) => list.map((r, j) => (j === i ? relay : r)))}
              />
            ) : null}
            {drafts.length > 0 ? (
              <AttributionDrafts
                drafts={drafts}
                onChange={(i, draft) => setDrafts((list) => list.map((d, j) => (j === i ? draft : d)))}
              />
            ) : null}
            <label for="cand-text">Claim, restated</label>
            <textarea id="cand-text" rows={3} value={text} onInput={(e) => setText(e.currentTarget.value)} />
            <div class="inline">
              <button type="submit" class="primary" disabled={!canWrite || accept.busy} aria-keyshortcuts="a">
                {accept.busy ? 'Accepting…' : 'Accept'}
              </button>
            </div>
            <ProblemNotice problem={accept.error} />
          </form>
          <form
            class="stack"
            aria-label="Reject"
            onSubmit={(e) => {
              e.preventDefault();
              void reject.go();
            }}
          >
            <label for="reject-reason">Reason to reject</label>
            <div class="inline">
              <input
                id="reject-reason"
                ref={reasonInput}
                value={reason}
                required
                aria-keyshortcuts="r"
                onInput={(e) => setReason(e.currentTarget.value)}
              />
              <button type="submit" disabled={!canWrite || reject.busy}>
                {reject.busy ? 'Rejecting…' : 'Reject'}
              </button>
            </div>
            <ProblemNotice problem={reject.error} />
          </form>
        </>
      ) : null}
      <div class="inline">
        <button type="button" onClick={() => onStep(-1)} aria-keyshortcuts="k">
          Previous
        </button>
        <button type="button" onClick={() => onStep(1)} aria-keyshortcuts="j">
          Next
        </button>
      </div>
    </article>
  );
}

/** The attributions accepting files with the claim (under the event above): each kept or dropped, corrected. */
function AttributionDrafts({
  drafts,
  onChange,
}: {
  drafts: AttributionDraft[];
  onChange: (index: number, draft: AttributionDraft) => void;
}) {
  const kept = drafts.filter((d) => d.keep).length;
  return (
    <fieldset class="attr-drafts">
      <legend>
        Attributions to file ({kept} of {drafts.length})
      </legend>
      <ul class="attr-list">
        {drafts.map((d, i) => {
          const n = i + 1;
          const words = d.proposed.actorText ? `the text: “${d.proposed.actorText}”` : null;
          const named = d.position !== 'no_attribution';
          return (
            <li key={`${i}:${d.proposed.actorText}`} class={d.keep ? 'attr-draft' : 'attr-draft dropped'}>
              <label class="check">
                <input
                  type="checkbox"
                  checked={d.keep}
                  onChange={(e) => onChange(i, { ...d, keep: e.currentTarget.checked })}
                />{' '}
                File attribution {n}:{' '}
                <strong>{named ? (d.actor?.label ?? 'an actor not yet known') : 'no one'}</strong>,{' '}
                {POSITION_LABELS[d.position].toLowerCase()} ({humanize(d.proposed.role)})
                {words ? (
                  <>
                    {' '}
                    <span class="kind">{words}</span>
                  </>
                ) : null}
              </label>
              {d.keep ? (
                <div class="attr-fields">
                  <label for={`attr-${n}-position`}>Position (attribution {n})</label>
                  <select
                    id={`attr-${n}-position`}
                    value={d.position}
                    onChange={(e) =>
                      onChange(i, { ...d, position: e.currentTarget.value as AttributionPosition })
                    }
                  >
                    {ATTRIBUTION_POSITIONS.map((p) => (
                      <option key={p} value={p}>
                        {POSITION_LABELS[p]}
                      </option>
                    ))}
                  </select>
                  {named ? (
                    <SearchBox<HeldActor>
                      id={`attr-${n}-actor`}
                      label={`Held responsible (attribution ${n})`}
                      selected={d.actor}
                      onSelect={(actor) => onChange(i, { ...d, actor })}
                      search={searchHeldActors}
                    />
                  ) : null}
                  {named && !d.actor ? (
                    <p class="hint">Pick the actor held responsible, or leave this attribution out.</p>
                  ) : null}
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}

/** The chain the claim is filed with (claimant side first): each relay kept or left out, its actor picked. */
function RelayDrafts({
  relays,
  onChange,
}: {
  relays: RelayDraft[];
  onChange: (index: number, relay: RelayDraft) => void;
}) {
  return (
    <fieldset class="attr-drafts">
      <legend>
        Reported via ({relays.filter((r) => r.keep).length} of {relays.length})
      </legend>
      <ul class="attr-list">
        {relays.map((r, i) => {
          const n = i + 1;
          return (
            <li key={`${i}:${r.proposed.start}`} class={r.keep ? 'attr-draft' : 'attr-draft dropped'}>
              <label class="check">
                <input
                  type="checkbox"
                  checked={r.keep}
                  onChange={(e) => onChange(i, { ...r, keep: e.currentTarget.checked })}
                />{' '}
                Relay {n}: <strong>{r.actor?.label ?? 'an actor not yet known'}</strong>{' '}
                <span class="kind">the text: “{r.proposed.text}”</span>
              </label>
              {r.keep ? (
                <div class="attr-fields">
                  <SearchBox<HeldActor>
                    id={`relay-${n}-actor`}
                    label={`Relay ${n}`}
                    selected={r.actor}
                    onSelect={(actor) => onChange(i, { ...r, actor })}
                    search={searchHeldActors}
                  />
                  {!r.actor ? <p class="hint">Pick the outlet or channel, or leave this relay out.</p> : null}
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
    </fieldset>
  );
}
