"use client";
import { useEffect, useId, useLayoutEffect, useRef, useState, type ReactNode } from "react";
import styles from "./output-box.module.css";

/**
 * A cell's outputs inside a box of bounded height (a 1,000-row result or a print loop scrolls
 * inside it instead of making the page tens of thousands of pixels tall). "Expand" lifts the
 * bound, "Collapse" puts it back; the button shows only when something is out of view. With
 * `followEnd` (the last output is text) the box keeps its end in view as output arrives, as a
 * terminal does, until the learner scrolls up.
 */
export function OutputBox({
  label,
  followEnd,
  children,
}: {
  label: string;
  followEnd: boolean;
  children: ReactNode;
}) {
  const box = useRef<HTMLDivElement>(null);
  const content = useRef<HTMLDivElement>(null);
  const atEnd = useRef(true);
  // When the learner last wheeled, touched, pressed a key or grabbed the scrollbar in the box:
  // only their scrolling decides whether the box stops following the end.
  const lastIntent = useRef(-Infinity);
  const [overflowing, setOverflowing] = useState(false);
  const [expanded, setExpanded] = useState(false);
  const id = useId();

  useLayoutEffect(() => {
    const element = box.current;
    const inner = content.current;
    if (!element || !inner) return;
    const measure = () => {
      setOverflowing(element.scrollHeight > element.clientHeight + 1);
      if (followEnd && atEnd.current) element.scrollTop = element.scrollHeight;
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(inner);
    observer.observe(element);
    return () => observer.disconnect();
  }, [followEnd, expanded]);

  useEffect(() => {
    const element = box.current;
    if (!element) return;
    const onIntent = () => {
      lastIntent.current = performance.now();
    };
    const onScroll = () => {
      if (performance.now() - lastIntent.current > 1000) return;
      atEnd.current = element.scrollTop + element.clientHeight >= element.scrollHeight - 4;
    };
    const intents = ["wheel", "touchstart", "keydown", "pointerdown"] as const;
    for (const type of intents) element.addEventListener(type, onIntent, { passive: true });
    element.addEventListener("scroll", onScroll, { passive: true });
    return () => {
      for (const type of intents) element.removeEventListener(type, onIntent);
      element.removeEventListener("scroll", onScroll);
    };
  }, []);

  return (
    <div className={styles.frame}>
      <div
        ref={box}
        id={id}
        className={styles.box}
        data-expanded={expanded}
        data-testid="output-box"
        // Scrollable content must be reachable by keyboard (arrow keys scroll it once focused).
        tabIndex={overflowing && !expanded ? 0 : undefined}
        role={overflowing && !expanded ? "group" : undefined}
        aria-label={overflowing && !expanded ? `${label} (scrollable)` : undefined}
      >
        <div ref={content}>{children}</div>
      </div>
      {(overflowing || expanded) && (
        <button
          type="button"
          className={styles.toggle}
          aria-expanded={expanded}
          aria-controls={id}
          onClick={() => setExpanded((value) => !value)}
        >
          {expanded ? "Collapse output" : "Expand output"}
        </button>
      )}
    </div>
  );
}
