/**
 * Threshold-free and threshold metrics of fraud scores, defined as the benchmark's
 * score.py (and scikit-learn) define them, so our figures and the Handbook's compare.
 * `labels[i]` is true for fraud; a higher score means more suspicious.
 */

/** Area under the ROC curve; tied scores count one half (the Mann-Whitney statistic). NaN without both classes. */
export function aucRoc(labels: ArrayLike<boolean | number>, scores: ArrayLike<number>): number {
  const n = scores.length;
  const order = sortedIndices(scores, 'ascending');
  let positives = 0;
  let rankSum = 0;
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1] as number] === scores[order[i] as number]) j++;
    // Ranks i+1 .. j+1 share their mean.
    const rank = (i + 1 + j + 1) / 2;
    for (let k = i; k <= j; k++) {
      if (labels[order[k] as number]) {
        positives++;
        rankSum += rank;
      }
    }
    i = j + 1;
  }
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return Number.NaN;
  return (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);
}

/**
 * Average precision as scikit-learn's average_precision_score: the sum over distinct
 * thresholds, from high to low, of (recall gained) × precision there. NaN without frauds.
 */
export function averagePrecision(labels: ArrayLike<boolean | number>, scores: ArrayLike<number>): number {
  const n = scores.length;
  const order = sortedIndices(scores, 'descending');
  let total = 0;
  for (let i = 0; i < n; i++) if (labels[i]) total++;
  if (total === 0) return Number.NaN;
  let tp = 0;
  let previousRecall = 0;
  let ap = 0;
  for (let i = 0; i < n; i++) {
    if (labels[order[i] as number]) tp++;
    const last = i === n - 1 || scores[order[i + 1] as number] !== scores[order[i] as number];
    if (!last) continue;
    const recall = tp / total;
    ap += (recall - previousRecall) * (tp / (i + 1));
    previousRecall = recall;
  }
  return ap;
}

export interface ThresholdFigures {
  threshold: number;
  flagged: number;
  truePositives: number;
  /** NaN when nothing is flagged. */
  precision: number;
  /** NaN without frauds. */
  recall: number;
}

/** Precision and recall of flagging every score at or above `threshold`. */
export function atThreshold(labels: ArrayLike<boolean | number>, scores: ArrayLike<number>, threshold: number): ThresholdFigures {
  let flagged = 0;
  let truePositives = 0;
  let frauds = 0;
  for (let i = 0; i < scores.length; i++) {
    const fraud = Boolean(labels[i]);
    if (fraud) frauds++;
    if ((scores[i] as number) >= threshold) {
      flagged++;
      if (fraud) truePositives++;
    }
  }
  return {
    threshold,
    flagged,
    truePositives,
    precision: flagged === 0 ? Number.NaN : truePositives / flagged,
    recall: frauds === 0 ? Number.NaN : truePositives / frauds,
  };
}

/** A stable sort of indices by score (equal scores keep their input order, as numpy's mergesort). */
function sortedIndices(scores: ArrayLike<number>, direction: 'ascending' | 'descending'): Int32Array {
  const order = Int32Array.from({ length: scores.length }, (_, i) => i);
  const sign = direction === 'ascending' ? 1 : -1;
  // Array.prototype.sort is stable; a typed array's sort with a comparator is too (ES2019).
  return order.sort((a, b) => sign * ((scores[a] as number) - (scores[b] as number)) || a - b);
}
