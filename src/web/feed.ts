import { setText } from './dom.ts';
import { formatCount } from './format.ts';
import type { Entry, EntryKind } from './messages.ts';
import { RenderScheduler } from './render-scheduler.ts';
import { entryRow, kindOf, matchesQuery } from './rows.ts';
import { pushBounded } from './bounded-queue.ts';

/** Renders at most ten times a second (see RenderScheduler). */
const MIN_RENDER_INTERVAL_MS = 100;
/** More arrivals than this in one render and no row flashes: a flood of flashes is noise and costs paint. */
const FLASH_LIMIT = 10;

export interface FeedFilter {
  kinds: ReadonlySet<EntryKind>;
  /** Lower-case text to look for; empty matches all. */
  query: string;
}

export interface FeedElements {
  body: HTMLTableSectionElement;
  empty: HTMLElement;
  note: HTMLElement;
}

export interface FeedLimits {
  /** Entries kept for filtering and the detail panel. */
  kept: number;
  /** Rows in the table at most. */
  shown: number;
}

/**
 * The live table, newest first. Arrivals are queued and drawn in one DOM update per
 * render, at most ten a second; the queue, the entries kept and the rows are all
 * bounded. While its tab is hidden, entries are kept but no row is built.
 */
export class FeedView {
  readonly #elements: FeedElements;
  readonly #limits: FeedLimits;
  readonly #onSelect: (entry: Entry) => void;
  readonly #rowEntries = new WeakMap<Element, Entry>();
  #entries: Entry[] = [];
  #pending: Entry[] = [];
  /** Arrivals while paused, newest first: the table and its filters stay on what was shown. */
  #held: Entry[] = [];
  #filter: FeedFilter = { kinds: new Set(['legit', 'review', 'fraud', 'dead-letter']), query: '' };
  #paused = false;
  #missedWhilePaused = 0;
  readonly #scheduler = new RenderScheduler(() => this.#flush(), MIN_RENDER_INTERVAL_MS);
  #visible = true;
  #note = '';
  /** The first rows after a reset are history: drawn without the arrival flash. */
  #quiet = true;

  constructor(elements: FeedElements, limits: FeedLimits, onSelect: (entry: Entry) => void) {
    this.#elements = elements;
    this.#limits = limits;
    this.#onSelect = onSelect;
    elements.body.addEventListener('click', (event) => this.#select(event.target));
    elements.body.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') this.#select(event.target);
    });
  }

  add(entry: Entry): void {
    pushBounded(this.#pending, entry, this.#limits.kept);
    this.#scheduler.schedule();
  }

  /** Its tab shown or hidden: hidden, rows are not built; shown again, the table is drawn once. */
  setVisible(visible: boolean): void {
    if (visible === this.#visible) return;
    this.#visible = visible;
    if (visible) this.#render();
  }

  /** A different server (or one that restarted): its history replaces ours. */
  reset(): void {
    this.#entries = [];
    this.#pending = [];
    this.#held = [];
    this.#missedWhilePaused = 0;
    this.#quiet = true;
    this.#render();
  }

  setFilter(filter: FeedFilter): void {
    this.#filter = filter;
    this.#render();
  }

  setPaused(paused: boolean): void {
    this.#paused = paused;
    this.#missedWhilePaused = 0;
    if (!paused) {
      this.#entries = this.#held.concat(this.#entries).slice(0, this.#limits.kept);
      this.#held = [];
      this.#render();
    }
    this.#updateNote();
  }

  /** Shown beside the pause button, e.g. that legit decisions are sampled. */
  setNote(note: string): void {
    this.#note = note;
    this.#updateNote();
  }

  /** Draws what arrived since the last time; returns how many arrived. */
  #flush(): number {
    const arrived = this.#pending.reverse();
    this.#pending = [];
    if (this.#paused) {
      this.#held = arrived.concat(this.#held).slice(0, this.#limits.kept);
      this.#missedWhilePaused += arrived.length;
      this.#updateNote();
      return arrived.length;
    }
    this.#entries = arrived.concat(this.#entries).slice(0, this.#limits.kept);
    if (!this.#visible) return arrived.length;
    const flash = !this.#quiet && arrived.length <= FLASH_LIMIT;
    const fragment = document.createDocumentFragment();
    for (const entry of arrived.slice(0, this.#limits.shown)) {
      if (!this.#matches(entry)) continue;
      const row = this.#row(entry);
      if (flash) row.classList.add('fresh');
      fragment.append(row);
    }
    this.#quiet = false;
    this.#elements.body.prepend(fragment);
    this.#trim();
    return arrived.length;
  }

  #render(): void {
    if (!this.#visible) return;
    const fragment = document.createDocumentFragment();
    let count = 0;
    for (const entry of this.#entries) {
      if (count >= this.#limits.shown) break;
      if (!this.#matches(entry)) continue;
      fragment.append(this.#row(entry));
      count++;
    }
    this.#elements.body.replaceChildren(fragment);
    this.#trim();
  }

  #row(entry: Entry): HTMLTableRowElement {
    const row = entryRow(entry);
    this.#rowEntries.set(row, entry);
    return row;
  }

  #trim(): void {
    const body = this.#elements.body;
    while (body.rows.length > this.#limits.shown) body.lastElementChild?.remove();
    this.#elements.empty.hidden = body.rows.length > 0;
    setText(this.#elements.empty, this.#entries.length > 0 ? 'No decision matches the filter.' : 'Waiting for decisions…');
  }

  #matches(entry: Entry): boolean {
    return this.#filter.kinds.has(kindOf(entry)) && matchesQuery(entry, this.#filter.query);
  }

  #select(target: EventTarget | null): void {
    const row = target instanceof Element ? target.closest('tr') : null;
    const entry = row ? this.#rowEntries.get(row) : undefined;
    if (entry) this.#onSelect(entry);
  }

  #updateNote(): void {
    const paused = this.#paused ? `Paused: ${formatCount(this.#missedWhilePaused)} new` : '';
    setText(this.#elements.note, [paused, this.#note].filter((part) => part !== '').join(' · '));
  }
}
