import type { ComponentChildren, Ref } from 'preact';

/**
 * A labelled box that scrolls on its own (a wide table, a long text). It takes focus so that a keyboard
 * can scroll it (WCAG 2.1.1; axe's scrollable-region-focusable), which is why a region carries a tabindex.
 */
export function ScrollRegion({
  label,
  labelledBy,
  class: className,
  scrollRef,
  children,
}: {
  label?: string;
  labelledBy?: string;
  class: string;
  scrollRef?: Ref<HTMLElement>;
  children: ComponentChildren;
}) {
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrolling region must be reachable by keyboard to be scrolled.
    <section class={className} aria-label={label} aria-labelledby={labelledBy} tabIndex={0} ref={scrollRef}>
      {children}
    </section>
  );
}
