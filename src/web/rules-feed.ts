import type { RuleInfo, RulesInfo } from './analyst-types.ts';
import { fetchRules } from './api.ts';

/**
 * The rules view (/api/rules) as the page last fetched it: hits, precision and
 * descriptions. Polled, since these figures change every second under load and an SSE
 * event per change would cost more than a small request every few seconds.
 */
export class RulesFeed {
  readonly #listeners: Array<(info: RulesInfo) => void> = [];
  #byId = new Map<string, RuleInfo>();
  #inFlight = false;
  #soonTimer: number | undefined;

  constructor(intervalMs: number) {
    window.setInterval(() => void this.refresh(), intervalMs);
  }

  /** A rule of the last view, e.g. for its description in the detail panel. */
  readonly lookup = (id: string): RuleInfo | undefined => this.#byId.get(id);

  onChange(listener: (info: RulesInfo) => void): void {
    this.#listeners.push(listener);
  }

  /** After a verdict: precision changes as soon as the server reads it back, a moment later. */
  soon(): void {
    window.clearTimeout(this.#soonTimer);
    this.#soonTimer = window.setTimeout(() => void this.refresh(true), 250);
  }

  /** Fetches the view now (skipped while the tab is hidden, unless forced); never rejects. */
  async refresh(force = false): Promise<void> {
    if (this.#inFlight || (document.hidden && !force)) return;
    this.#inFlight = true;
    try {
      const info = await fetchRules();
      if (!info) return;
      this.#byId = new Map(info.rules.map((rule) => [rule.id, rule]));
      for (const listener of this.#listeners) listener(info);
    } finally {
      this.#inFlight = false;
    }
  }
}
