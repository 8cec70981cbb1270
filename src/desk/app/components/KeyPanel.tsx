import { useRef, useState } from 'preact/hooks';
import { type ApiProblem, request, storeKey, toProblem } from '../api/client.js';
import { useApiKey } from '../api/hooks.js';
import { ProblemNotice } from './Problem.js';

/**
 * The API key, entered once per tab. It is checked with one read before it is kept, so that a mistyped
 * or revoked key is refused here, with the service's own words, rather than on the first write.
 */
export function KeyPanel() {
  const key = useApiKey();
  const [draft, setDraft] = useState('');
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const [busy, setBusy] = useState(false);
  const panel = useRef<HTMLDetailsElement>(null);

  const submit = async (event: Event) => {
    event.preventDefault();
    const candidate = draft.trim();
    if (!candidate) return;
    setBusy(true);
    setProblem(null);
    try {
      await request('/events?limit=1', { key: candidate });
      storeKey(candidate);
      setDraft('');
      if (panel.current) panel.current.open = false;
    } catch (error) {
      setProblem(toProblem(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <details class="key-panel" ref={panel}>
      <summary>
        <span class={key ? 'key-state key-set' : 'key-state'}>{key ? 'API key in use' : 'Read-only'}</span>
      </summary>
      <div class="key-body">
        {key ? (
          <>
            <p>Writes are sent with your key (kept in this tab only).</p>
            <button type="button" onClick={() => storeKey(null)}>
              Forget the key
            </button>
          </>
        ) : (
          <form onSubmit={submit} aria-describedby="key-help">
            <label for="api-key">API key</label>
            <div class="inline">
              <input
                id="api-key"
                type="password"
                autocomplete="off"
                spellcheck={false}
                value={draft}
                onInput={(e) => setDraft(e.currentTarget.value)}
                aria-invalid={problem ? true : undefined}
                aria-describedby={problem ? 'key-problem' : undefined}
              />
              <button type="submit" disabled={busy}>
                {busy ? 'Checking…' : 'Use key'}
              </button>
            </div>
            <p id="key-help" class="hint">
              Reading needs no key. Recording claims needs an editor key (ask an admin; it is kept in this tab
              only).
            </p>
            <ProblemNotice problem={problem} id="key-problem" />
          </form>
        )}
      </div>
    </details>
  );
}
