"use client";
import { useState, type UIEvent } from "react";

export interface RowWindow {
  windowed: boolean;
  start: number;
  end: number;
  padTop: number;
  padBottom: number;
}

/** Which rows of `count` to render at a scroll position: those in view and a few either side. Short tables whole. */
export function rowWindow(count: number, rowHeight: number, viewport: number, scrollTop: number, whole = 200, overscan = 10): RowWindow {
  if (count <= whole) return { windowed: false, start: 0, end: count, padTop: 0, padBottom: 0 };
  const start = Math.min(count, Math.max(0, Math.floor(scrollTop / rowHeight) - overscan));
  const end = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  return { windowed: true, start, end, padTop: start * rowHeight, padBottom: (count - end) * rowHeight };
}

/**
 * Renders only the rows in view of a long table (10,000 experiments), with spacers above and below so the
 * scrollbar is the whole table's. Rows must have a fixed height.
 */
export function useWindowedRows(count: number, rowHeight: number, viewport: number) {
  const [scrollTop, setScrollTop] = useState(0);
  return { ...rowWindow(count, rowHeight, viewport, scrollTop), onScroll: (e: UIEvent<HTMLElement>) => setScrollTop(e.currentTarget.scrollTop) };
}
