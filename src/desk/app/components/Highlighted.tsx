import { Fragment, type JSX } from 'preact';
import { type MarkRange, segment } from '../lib/codepoints.js';

export interface Mark {
  className: string;
  /** Text for assistive technology, e.g. "quote" or "speaker". */
  label?: string;
  /** Set on the mark's first segment, so that it can be scrolled to and linked. */
  id?: string;
  onClick?: () => void;
}

/**
 * A text with ranges marked at their code-point offsets. A range that overlaps no other renders as
 * exactly one element, whose text is exactly the range's characters.
 */
export function Highlighted({
  text,
  marks,
  class: className,
}: {
  text: string;
  marks: readonly MarkRange<Mark>[];
  class?: string;
}) {
  const seenIds = new Set<string>();
  const parts: JSX.Element[] = [];
  for (const part of segment(text, marks)) {
    if (part.tags.length === 0) {
      parts.push(<Fragment key={part.start}>{part.text}</Fragment>);
      continue;
    }
    const classes = part.tags.map((t) => t.className).join(' ');
    const first = part.tags.find((t) => t.id && !seenIds.has(t.id));
    if (first?.id) seenIds.add(first.id);
    const onClick = part.tags.find((t) => t.onClick)?.onClick;
    const label = part.tags
      .map((t) => t.label)
      .filter(Boolean)
      .join(', ');
    parts.push(
      // biome-ignore lint/a11y/useKeyWithClickEvents: a click on a marked passage is a mouse shortcut; the lists beside the text reach the same records by keyboard.
      <mark
        key={part.start}
        class={classes}
        id={first?.id}
        data-start={part.start}
        data-end={part.end}
        title={label || undefined}
        onClick={onClick}
      >
        {part.text}
      </mark>,
    );
  }
  return <div class={className ?? 'source-text'}>{parts}</div>;
}
