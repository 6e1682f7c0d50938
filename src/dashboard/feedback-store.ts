import { BoundedMap } from '../util/bounded-map.ts';
import type { FeedbackRecord, Label } from './feedback-schema.ts';

/** Confirmed alerts and false positives, and the precision they measure (null before any feedback). */
export interface Tally {
  confirmed: number;
  falsePositives: number;
  precision: number | null;
}

export interface Precision {
  overall: Tally;
  /** Per live rule that fired on the reviewed decisions. */
  rules: Record<string, Tally>;
}

/** The latest verdict on one transaction, as the page marks its alert. */
export interface Review {
  id: string;
  label: Label;
  analyst: string | undefined;
  at: string | undefined;
}

interface Counts {
  confirmed: number;
  falsePositives: number;
}

interface Stored {
  review: Review;
  rules: string[];
}

export interface FeedbackStoreLimits {
  /** Transactions whose latest verdict is kept. */
  reviews: number;
  /** Distinct rule ids counted. */
  rules: number;
}

/**
 * Precision measured from analysts' verdicts: per rule, confirmed / (confirmed + false
 * positives) over the reviewed decisions it fired on. The latest verdict on a
 * transaction counts, so a corrected mistake replaces the earlier one instead of
 * counting twice. Bounded: a verdict on a transaction forgotten long ago counts anew.
 */
export class FeedbackStore {
  readonly #limits: FeedbackStoreLimits;
  readonly #latest: BoundedMap<string, Stored>;
  readonly #overall: Counts = { confirmed: 0, falsePositives: 0 };
  readonly #perRule = new Map<string, Counts>();

  constructor(limits: FeedbackStoreLimits) {
    this.#limits = limits;
    this.#latest = new BoundedMap(limits.reviews);
  }

  add(record: FeedbackRecord): Review {
    const review: Review = { id: record.id, label: record.label, analyst: record.analyst, at: record.at };
    const previous = this.#latest.get(record.id);
    if (previous) this.#count(previous.review.label, previous.rules, -1);
    this.#latest.set(record.id, { review, rules: record.rules });
    this.#count(record.label, record.rules, 1);
    return review;
  }

  /** The newest `limit` reviews, newest first. */
  reviews(limit: number): Review[] {
    const all = [...this.#latest.values()];
    return all.slice(-limit).reverse().map((stored) => stored.review);
  }

  precision(): Precision {
    const rules: Record<string, Tally> = {};
    for (const [rule, counts] of this.#perRule) rules[rule] = tally(counts);
    return { overall: tally(this.#overall), rules };
  }

  #count(label: Label, rules: string[], step: 1 | -1): void {
    const field = label === 'fraud' ? 'confirmed' : 'falsePositives';
    this.#overall[field] += step;
    for (const rule of rules) {
      let counts = this.#perRule.get(rule);
      if (!counts) {
        if (this.#perRule.size >= this.#limits.rules) continue;
        counts = { confirmed: 0, falsePositives: 0 };
        this.#perRule.set(rule, counts);
      }
      counts[field] += step;
    }
  }
}

export function tally(counts: Counts): Tally {
  const reviewed = counts.confirmed + counts.falsePositives;
  return { confirmed: counts.confirmed, falsePositives: counts.falsePositives, precision: reviewed > 0 ? counts.confirmed / reviewed : null };
}
