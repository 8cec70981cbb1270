import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { type ApiProblem, toProblem } from '../api/client.js';
import { ProblemNotice } from './Problem.js';

export interface Option<T> {
  key: string;
  label: string;
  hint?: string;
  value: T;
}

/**
 * A search box that picks one record (the ARIA 1.2 combobox pattern): type to search, arrows to move,
 * Enter to pick, Escape to close. What is picked is shown beside it, so that a journalist sees the
 * record, not just the words typed.
 */
export function SearchBox<T>({
  id,
  label,
  selected,
  onSelect,
  search,
  extraOptions = [],
  placeholder,
  children,
}: {
  id: string;
  label: string;
  selected: Option<T> | null;
  onSelect: (option: Option<T> | null) => void;
  search: (text: string, signal: AbortSignal) => Promise<Option<T>[]>;
  /** Offered whatever is typed, after the results (e.g. "create a new actor"). */
  extraOptions?: Option<T>[] | ((text: string) => Option<T>[]);
  placeholder?: string;
  children?: ComponentChildren;
}) {
  const [text, setText] = useState('');
  const [open, setOpen] = useState(false);
  const [results, setResults] = useState<Option<T>[]>([]);
  const [active, setActive] = useState(-1);
  const [problem, setProblem] = useState<ApiProblem | null>(null);
  const timer = useRef<number | undefined>(undefined);

  useEffect(() => {
    if (!open) return;
    const controller = new AbortController();
    window.clearTimeout(timer.current);
    timer.current = window.setTimeout(() => {
      search(text.trim(), controller.signal).then(
        (options) => {
          setResults(options);
          setProblem(null);
        },
        (error: unknown) => {
          if (!controller.signal.aborted) setProblem(toProblem(error));
        },
      );
    }, 150);
    return () => {
      controller.abort();
      window.clearTimeout(timer.current);
    };
  }, [text, open, search]);

  const extras = typeof extraOptions === 'function' ? extraOptions(text.trim()) : extraOptions;
  const options = [...results, ...extras];
  const listId = `${id}-list`;
  const pick = (option: Option<T>) => {
    onSelect(option);
    setOpen(false);
    setText('');
    setActive(-1);
  };

  return (
    <div class="searchbox">
      <label for={id}>{label}</label>
      {selected ? (
        <p class="picked" id={`${id}-picked`}>
          <span>
            {selected.label}
            {selected.hint ? <span class="kind">{selected.hint}</span> : null}
          </span>
          <button type="button" class="link-button" onClick={() => onSelect(null)}>
            clear<span class="visually-hidden"> {label}</span>
          </button>
        </p>
      ) : null}
      <div class="combo">
        <input
          id={id}
          type="text"
          role="combobox"
          autocomplete="off"
          aria-autocomplete="list"
          aria-expanded={open && options.length > 0}
          aria-controls={listId}
          aria-describedby={selected ? `${id}-picked` : undefined}
          aria-activedescendant={open && active >= 0 ? `${id}-opt-${active}` : undefined}
          placeholder={placeholder ?? (selected ? 'Type to change' : 'Type to search')}
          value={text}
          onInput={(e) => {
            setText(e.currentTarget.value);
            setOpen(true);
            setActive(-1);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => window.setTimeout(() => setOpen(false), 150)}
          onKeyDown={(e) => {
            if (e.key === 'ArrowDown') {
              e.preventDefault();
              setOpen(true);
              setActive((a) => Math.min(options.length - 1, a + 1));
            } else if (e.key === 'ArrowUp') {
              e.preventDefault();
              setActive((a) => Math.max(0, a - 1));
            } else if (e.key === 'Enter' && open && options.length > 0) {
              e.preventDefault();
              const option = options[active >= 0 ? active : 0];
              if (option) pick(option);
            } else if (e.key === 'Escape') {
              setOpen(false);
            }
          }}
        />
        <div
          id={listId}
          role="listbox"
          aria-label={label}
          class="options"
          hidden={!open || options.length === 0}
        >
          {options.map((option, i) => (
            // biome-ignore lint/a11y/useFocusableInteractive: focus stays in the input (aria-activedescendant); options are reached with the arrow keys.
            <div
              key={option.key}
              id={`${id}-opt-${i}`}
              role="option"
              aria-selected={i === active}
              class={i === active ? 'active' : undefined}
              onMouseDown={(e) => {
                e.preventDefault();
                pick(option);
              }}
            >
              {option.label}
              {option.hint ? <span class="kind">{option.hint}</span> : null}
            </div>
          ))}
        </div>
      </div>
      {children}
      <ProblemNotice problem={problem} />
    </div>
  );
}
