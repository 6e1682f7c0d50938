/**
 * What the load probe installs in the dashboard page before its own script runs: a
 * counting EventSource, a long-task observer and a click timer. It is serialized by
 * Playwright and run in the browser, so it may use nothing from its module; its types
 * are declared here because this project's Node typecheck has no DOM library.
 */

/** Figures the page keeps, read back with `page.evaluate`. */
export interface ProbeState {
  /** SSE events received, by type. */
  counts: Record<string, number>;
  /** Events of every type per whole second since the probe was installed. */
  perSecond: number[];
  longTasks: number;
  longTaskMs: number;
  /** Per click, milliseconds from the click event to the frame after its handlers ran. */
  clicks: number[];
}

interface Listening {
  addEventListener(type: string, listener: () => void): void;
}

interface PerformanceEntryLike {
  duration: number;
}

interface ProbeGlobals {
  EventSource: new (url: string, init?: unknown) => Listening;
  PerformanceObserver: new (callback: (list: { getEntries(): PerformanceEntryLike[] }) => void) => { observe(options: { type: string; buffered: boolean }): void };
  performance: { now(): number };
  addEventListener(type: string, listener: () => void, capture: boolean): void;
  requestAnimationFrame(callback: () => void): number;
  setTimeout(callback: () => void, ms: number): number;
  __loadProbe?: ProbeState;
}

export const PROBED_EVENTS = ['hello', 'decision', 'evidence', 'dead-letter', 'stats', 'feedback'] as const;

/** Runs in the page, before any of its scripts. Must stay self-contained. */
export function installProbe(events: readonly string[]): void {
  const page = globalThis as unknown as ProbeGlobals;
  const startedAt = page.performance.now();
  const state: ProbeState = { counts: {}, perSecond: [], longTasks: 0, longTaskMs: 0, clicks: [] };
  page.__loadProbe = state;
  const count = (type: string): void => {
    state.counts[type] = (state.counts[type] ?? 0) + 1;
    const second = Math.floor((page.performance.now() - startedAt) / 1000);
    state.perSecond[second] = (state.perSecond[second] ?? 0) + 1;
  };
  const Native = page.EventSource;
  // A subclass, so the page's `EventSource.CLOSED` and `instanceof` still hold.
  page.EventSource = class extends Native {
    constructor(url: string, init?: unknown) {
      super(url, init);
      for (const type of events) this.addEventListener(type, () => count(type));
    }
  };
  try {
    new page.PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        state.longTasks++;
        state.longTaskMs += entry.duration;
      }
    }).observe({ type: 'longtask', buffered: true });
  } catch {
    // A browser without long-task timing: the other figures still stand.
  }
  page.addEventListener(
    'click',
    () => {
      const clickedAt = page.performance.now();
      page.requestAnimationFrame(() => page.setTimeout(() => state.clicks.push(page.performance.now() - clickedAt), 0));
    },
    true,
  );
}

/** Runs in the page: a copy of the figures so far. */
export function readProbe(): ProbeState | undefined {
  const state = (globalThis as unknown as ProbeGlobals).__loadProbe;
  return state === undefined ? undefined : { ...state, counts: { ...state.counts }, perSecond: [...state.perSecond], clicks: [...state.clicks] };
}
