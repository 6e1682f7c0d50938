import type { Verdict } from '../domain/decision.ts';
import type { SideDecision } from './paired.ts';
import type { ChangedDecision, DayChanges, RuleChanges } from './types.ts';

const DAY_MS = 86_400_000;

export interface Totals {
  transactions: number;
  changed: number;
  newlyFlagged: number;
  noLongerFlagged: number;
  verdictChanges: number;
  scoreChanges: number;
}

interface SideCounts {
  alerts: number;
  review: number;
  fraud: number;
}

/** Counts of both sides' decisions: in total, per rule and per UTC day. */
export class ChangeTally {
  readonly totals: Totals = { transactions: 0, changed: 0, newlyFlagged: 0, noLongerFlagged: 0, verdictChanges: 0, scoreChanges: 0 };
  readonly sides: { baseline: SideCounts; candidate: SideCounts } = { baseline: emptySide(), candidate: emptySide() };
  readonly #rules = new Map<string, RuleChanges>();
  readonly #days = new Map<number, DayChanges>();
  #lastDay = Number.NaN;
  #day: DayChanges | undefined;

  /** Counts one transaction; returns whether its verdict changed. */
  add(eventTime: number, baseline: SideDecision, candidate: SideDecision): boolean {
    const day = this.#dayOf(eventTime);
    this.totals.transactions++;
    day.transactions++;
    const flaggedBefore = countSide(this.sides.baseline, baseline.verdict);
    const flaggedAfter = countSide(this.sides.candidate, candidate.verdict);
    if (flaggedBefore) day.baselineAlerts++;
    if (flaggedAfter) day.candidateAlerts++;
    for (const id of baseline.hits) this.#rule(id).baselineHits++;
    for (const id of candidate.hits) this.#rule(id).candidateHits++;
    if (baseline.verdict === candidate.verdict) {
      if (baseline.score !== candidate.score) this.totals.scoreChanges++;
      return false;
    }
    this.totals.changed++;
    day.changed++;
    if (!flaggedBefore) {
      this.totals.newlyFlagged++;
      day.newlyFlagged++;
      for (const id of candidate.hits) this.#rule(id).newlyFlagged++;
    } else if (!flaggedAfter) {
      this.totals.noLongerFlagged++;
      day.noLongerFlagged++;
      for (const id of baseline.hits) this.#rule(id).noLongerFlagged++;
    } else {
      this.totals.verdictChanges++;
    }
    for (const id of new Set([...baseline.hits, ...candidate.hits])) this.#rule(id).changed++;
    return true;
  }

  byRule(): Record<string, RuleChanges> {
    return Object.fromEntries([...this.#rules.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  byDay(): DayChanges[] {
    return [...this.#days.entries()].sort(([a], [b]) => a - b).map(([, day]) => day);
  }

  #rule(id: string): RuleChanges {
    let rule = this.#rules.get(id);
    if (!rule) this.#rules.set(id, (rule = { baselineHits: 0, candidateHits: 0, changed: 0, newlyFlagged: 0, noLongerFlagged: 0 }));
    return rule;
  }

  #dayOf(eventTime: number): DayChanges {
    const number = Math.floor(eventTime / DAY_MS);
    if (number === this.#lastDay && this.#day) return this.#day;
    let day = this.#days.get(number);
    if (!day) {
      day = { day: new Date(number * DAY_MS).toISOString().slice(0, 10), transactions: 0, baselineAlerts: 0, candidateAlerts: 0, changed: 0, newlyFlagged: 0, noLongerFlagged: 0 };
      this.#days.set(number, day);
    }
    this.#lastDay = number;
    this.#day = day;
    return day;
  }
}

function emptySide(): SideCounts {
  return { alerts: 0, review: 0, fraud: 0 };
}

/** Counts a verdict; true when it is an alert (review or fraud). */
function countSide(side: SideCounts, verdict: Verdict): boolean {
  if (verdict === 'legit') return false;
  side.alerts++;
  side[verdict]++;
  return true;
}

/**
 * A fixed-size sample of the changed decisions, every one equally likely to be kept
 * (reservoir sampling, seeded: the same history gives the same sample), so the sample
 * spreads over the period instead of showing its first day.
 */
export class ChangeSample {
  readonly #size: number;
  readonly #kept: ChangedDecision[] = [];
  #seen = 0;
  #state: number;

  constructor(size: number, seed = 0x9e3779b9) {
    this.#size = size;
    this.#state = seed >>> 0 || 1;
  }

  /** Whether the next changed decision is to be kept: ask before rendering its reasons. */
  wants(): number {
    this.#seen++;
    if (this.#kept.length < this.#size) return this.#kept.length;
    const slot = Math.floor(this.#random() * this.#seen);
    return slot < this.#size ? slot : -1;
  }

  keep(slot: number, decision: ChangedDecision): void {
    this.#kept[slot] = decision;
  }

  get decisions(): ChangedDecision[] {
    return [...this.#kept].sort((a, b) => a.timestamp.localeCompare(b.timestamp));
  }

  #random(): number {
    // xorshift32: enough for picking a sample, and reproducible.
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state / 0x1_0000_0000;
  }
}
