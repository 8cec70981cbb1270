import type { ApiProblem } from '../api/client.js';

/** A failed request, shown where it happened: the problem's title and detail, and any field errors. */
export function ProblemNotice({ problem, id }: { problem: ApiProblem | null; id?: string }) {
  if (!problem) return null;
  return (
    <div class="problem" role="alert" id={id}>
      <p class="problem-title">{problem.title}</p>
      {problem.detail ? <p class="problem-detail">{problem.detail}</p> : null}
      {problem.errors && problem.errors.length > 0 ? (
        <ul class="problem-fields">
          {problem.errors.map((e) => (
            <li key={`${e.in}${e.pointer}`}>
              <code>
                {e.in}
                {e.pointer}
              </code>{' '}
              {e.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status">
      Loading {what}…
    </p>
  );
}
