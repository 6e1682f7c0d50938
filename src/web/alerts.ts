import { alertRow, updateAlertRow } from './alert-rows.ts';
import { setText } from './dom.ts';
import { formatCount } from './format.ts';
import type { DecisionEntry } from './messages.ts';
import { RenderScheduler } from './render-scheduler.ts';
import type { ReviewStore } from './reviews.ts';
import { pushBounded } from './bounded-queue.ts';

export interface AlertElements {
  body: HTMLTableSectionElement;
  empty: HTMLElement;
  /** The number of open alerts, in the tab's label. */
  openCount: HTMLElement;
  hideReviewed: HTMLInputElement;
  note: HTMLElement;
}

export interface AlertLimits {
  kept: number;
  shown: number;
}

/**
 * The queue of review and fraud decisions, newest first, each with its verdict buttons.
 * While the pointer or the keyboard focus is in the list, new alerts wait above it
 * (counted in the note), so the row an analyst is about to click does not move away.
 */
export class AlertQueue {
  readonly #elements: AlertElements;
  readonly #limits: AlertLimits;
  readonly #reviews: ReviewStore;
  readonly #rows = new Map<string, HTMLTableRowElement>();
  readonly #entryOf = new WeakMap<Element, DecisionEntry>();
  #alerts: DecisionEntry[] = [];
  #pending: DecisionEntry[] = [];
  readonly #scheduler = new RenderScheduler(() => this.#flush(), 100);
  #pointerInside = false;
  #visible = true;

  constructor(elements: AlertElements, limits: AlertLimits, reviews: ReviewStore) {
    this.#elements = elements;
    this.#limits = limits;
    this.#reviews = reviews;
    const { body, hideReviewed } = elements;
    const table = body.closest('table') ?? body;
    table.addEventListener('pointerenter', () => (this.#pointerInside = true));
    table.addEventListener('pointerleave', () => {
      this.#pointerInside = false;
      this.#scheduler.schedule();
    });
    table.addEventListener('focusout', () => this.#scheduler.schedule());
    hideReviewed.addEventListener('change', () => this.#render());
    reviews.onChange(() => this.#applyReviews());
  }

  add(entry: DecisionEntry): void {
    if (entry.verdict === 'legit') return;
    pushBounded(this.#pending, entry, this.#limits.kept);
    this.#scheduler.schedule();
  }

  /** Its tab shown or hidden: hidden, the queue is kept and counted but no row is built. */
  setVisible(visible: boolean): void {
    if (visible === this.#visible) return;
    this.#visible = visible;
    if (visible) this.#render();
  }

  reset(): void {
    this.#alerts = [];
    this.#pending = [];
    this.#render();
  }

  /** The alert a row (or an element inside it) stands for. */
  entryOf(element: Element | null): DecisionEntry | undefined {
    const row = element?.closest('tr');
    return row ? this.#entryOf.get(row) : undefined;
  }

  get #holding(): boolean {
    return this.#pointerInside || this.#elements.body.contains(document.activeElement);
  }

  /** Draws what arrived since the last time; returns how many arrived. */
  #flush(): number {
    if (this.#holding) {
      this.#updateCounts();
      return 0;
    }
    const arrived = this.#pending.reverse();
    this.#pending = [];
    this.#alerts = arrived.concat(this.#alerts).slice(0, this.#limits.kept);
    if (!this.#visible) {
      this.#updateCounts();
      return arrived.length;
    }
    const fragment = document.createDocumentFragment();
    for (const entry of arrived.slice(0, this.#limits.shown)) if (this.#shows(entry)) fragment.append(this.#row(entry));
    this.#elements.body.prepend(fragment);
    this.#trim();
    return arrived.length;
  }

  #render(): void {
    if (!this.#visible) return;
    this.#rows.clear();
    const fragment = document.createDocumentFragment();
    let count = 0;
    for (const entry of this.#alerts) {
      if (count >= this.#limits.shown) break;
      if (!this.#shows(entry)) continue;
      fragment.append(this.#row(entry));
      count++;
    }
    this.#elements.body.replaceChildren(fragment);
    this.#trim();
  }

  #applyReviews(): void {
    for (const [id, row] of this.#rows) updateAlertRow(row, this.#reviews.get(id));
    this.#updateCounts();
  }

  #row(entry: DecisionEntry): HTMLTableRowElement {
    const row = alertRow(entry, this.#reviews.get(entry.id));
    this.#rows.set(entry.id, row);
    this.#entryOf.set(row, entry);
    return row;
  }

  #shows(entry: DecisionEntry): boolean {
    return !this.#elements.hideReviewed.checked || this.#reviews.get(entry.id) === undefined;
  }

  #trim(): void {
    const body = this.#elements.body;
    while (body.rows.length > this.#limits.shown) {
      const last = body.lastElementChild;
      if (!last) break;
      const id = last.getAttribute('data-id');
      if (id !== null && this.#rows.get(id) === last) this.#rows.delete(id);
      last.remove();
    }
    this.#elements.empty.hidden = body.rows.length > 0;
    setText(this.#elements.empty, this.#alerts.length > 0 ? 'Every alert shown is reviewed.' : 'No review or fraud decision yet.');
    this.#updateCounts();
  }

  #updateCounts(): void {
    const open = [...this.#pending, ...this.#alerts].filter((entry) => this.#reviews.get(entry.id) === undefined).length;
    setText(this.#elements.openCount, formatCount(open));
    this.#elements.openCount.dataset.zero = String(open === 0);
    const waiting = this.#pending.length;
    setText(this.#elements.note, waiting > 0 ? `${formatCount(waiting)} new alerts wait while you work in the list` : '');
  }
}
