import type { Verdict } from '../domain/decision.ts';
import { BoundedMap } from '../util/bounded-map.ts';
import type { FeedItem } from './types.ts';

/** What the server vouches for in a feedback record: the detector's own verdict, rules and version. */
export interface FlaggedDecision {
  id: string;
  verdict: Exclude<Verdict, 'legit'>;
  rules: string[];
  rulesVersion: string;
}

/**
 * The recent review and fraud decisions, by transaction id, history included: an
 * analyst may only give a verdict on an alert the server has seen, and the feedback
 * record takes its verdict and rules from here, never from the browser. Bounded: the
 * oldest leave first.
 */
export class FlaggedIndex {
  readonly #items: BoundedMap<string, FlaggedDecision>;

  constructor(capacity: number) {
    this.#items = new BoundedMap(capacity);
  }

  remember(item: FeedItem): void {
    if (item.kind !== 'decision' || item.verdict === 'legit' || item.facts.id === '') return;
    const { id, rules, rulesVersion } = item.facts;
    // Set again, a decision read again (a replay) counts as recent.
    this.#items.set(id, { id, verdict: item.verdict, rules, rulesVersion });
  }

  get(id: string): FlaggedDecision | undefined {
    return this.#items.get(id);
  }

  get size(): number {
    return this.#items.size;
  }
}
