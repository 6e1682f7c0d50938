import { cardPrecisionAtK, type ScoredTransaction } from '../model/card-precision.ts';
import { averagePrecision } from '../model/metrics.ts';
import type { SideFigures } from './types.ts';

const DAY_MS = 86_400_000;

/** The rows scored by both sides, with their truth, kept only when there are labels. */
export class ScoredRows {
  #count = 0;
  #baseline = new Float32Array(1 << 16);
  #candidate = new Float32Array(1 << 16);
  /** Bit 0: fraud; bit 1: baseline alert; bit 2: candidate alert. */
  #flags = new Uint8Array(1 << 16);
  #days = new Int32Array(1 << 16);
  readonly #cards: string[] = [];

  add(row: { fraud: boolean; card: string; eventTime: number; baseline: { score: number; alert: boolean }; candidate: { score: number; alert: boolean } }): void {
    if (this.#count === this.#flags.length) this.#grow();
    const i = this.#count++;
    this.#baseline[i] = row.baseline.score;
    this.#candidate[i] = row.candidate.score;
    this.#flags[i] = (row.fraud ? 1 : 0) | (row.baseline.alert ? 2 : 0) | (row.candidate.alert ? 4 : 0);
    this.#days[i] = Math.floor(row.eventTime / DAY_MS);
    this.#cards.push(row.card);
  }

  /** Precision and recall of the alerts, average precision of the score, card precision@100 of the score. */
  figures(side: 'baseline' | 'candidate'): Pick<SideFigures, 'labelledFrauds' | 'truePositives' | 'precision' | 'recall' | 'averagePrecision' | 'cardPrecisionAt100'> {
    const n = this.#count;
    const scores = (side === 'baseline' ? this.#baseline : this.#candidate).subarray(0, n);
    const alertBit = side === 'baseline' ? 2 : 4;
    const truth = new Uint8Array(n);
    let frauds = 0;
    let alerts = 0;
    let hits = 0;
    for (let i = 0; i < n; i++) {
      const flags = this.#flags[i] as number;
      const fraud = flags & 1;
      truth[i] = fraud;
      frauds += fraud;
      if (flags & alertBit) {
        alerts++;
        hits += fraud;
      }
    }
    const rows: ScoredTransaction[] = [];
    const dayNames = new Map<number, string>();
    for (let i = 0; i < n; i++) {
      const number = this.#days[i] as number;
      let day = dayNames.get(number);
      if (day === undefined) dayNames.set(number, (day = new Date(number * DAY_MS).toISOString().slice(0, 10)));
      rows.push({ day, card: this.#cards[i] as string, score: scores[i] as number, fraud: truth[i] === 1 });
    }
    return {
      labelledFrauds: frauds,
      truePositives: hits,
      precision: alerts === 0 ? null : hits / alerts,
      recall: frauds === 0 ? null : hits / frauds,
      averagePrecision: finiteOrNull(averagePrecision(truth, scores)),
      cardPrecisionAt100: finiteOrNull(cardPrecisionAtK(rows, { k: 100 }).mean),
    };
  }

  #grow(): void {
    const size = this.#flags.length * 2;
    const grown = <T extends Float32Array | Uint8Array | Int32Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.#baseline = grown(this.#baseline, new Float32Array(size));
    this.#candidate = grown(this.#candidate, new Float32Array(size));
    this.#flags = grown(this.#flags, new Uint8Array(size));
    this.#days = grown(this.#days, new Int32Array(size));
  }
}

/** Figures without labels: the counts only. */
export const NO_LABEL_FIGURES = { labelledFrauds: null, truePositives: null, precision: null, recall: null, averagePrecision: null, cardPrecisionAt100: null } as const;

function finiteOrNull(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}
