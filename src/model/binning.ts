import type { FeatureMatrix } from './types.ts';

/** Rows sampled to place the bin edges; beyond that the quantiles barely move. */
const EDGE_SAMPLE = 200_000;

/**
 * Each feature's values cut into at most `maxBins` bins at quantiles, so a split search
 * scans bins instead of sorted values (the histogram method of LightGBM and XGBoost's
 * `hist`). Bin b holds the values in (edges[b-1], edges[b]], bin edges.length the values
 * above the last edge, and one more bin NaN (and +Infinity) alone, so a tree can tell
 * "missing" from any value. "bin <= b" is exactly "x <= thresholdOf(edges, b)", the test
 * the scorer makes.
 */
export interface Binned {
  /** Bin of each value, row after row (as the matrix). */
  bins: Uint8Array;
  /** Per feature, the upper edge of every bin but the last. */
  edges: Float64Array[];
}

export function binMatrix(matrix: FeatureMatrix, maxBins: number): Binned {
  if (maxBins < 3 || maxBins > 256) throw new RangeError('maxBins must be within 3..256');
  const { rows, columns, data } = matrix;
  const edges: Float64Array[] = [];
  const bins = new Uint8Array(rows * columns);
  const step = Math.max(1, Math.floor(rows / EDGE_SAMPLE));
  const column = new Float64Array(Math.ceil(rows / step));
  for (let f = 0; f < columns; f++) {
    let n = 0;
    for (let i = 0; i < rows; i += step) {
      const v = data[i * columns + f] as number;
      if (!Number.isNaN(v)) column[n++] = v;
    }
    const featureEdges = quantileEdges(column.subarray(0, n).sort(), maxBins - 1);
    edges.push(featureEdges);
    for (let i = 0; i < rows; i++) bins[i * columns + f] = binOf(featureEdges, data[i * columns + f] as number);
  }
  return { bins, edges };
}

/** Distinct values as edges when there are few; else edges at evenly spaced ranks. */
function quantileEdges(sorted: Float64Array, maxBins: number): Float64Array {
  const distinct: number[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const v = sorted[i] as number;
    if (distinct.length === 0 || v !== distinct[distinct.length - 1]) distinct.push(v);
  }
  // The largest value needs no edge of its own: it falls in the last bin.
  if (distinct.length <= maxBins) return Float64Array.from(distinct.slice(0, -1));
  const edges: number[] = [];
  for (let b = 1; b < maxBins; b++) {
    const v = sorted[Math.min(sorted.length - 1, Math.floor((b * sorted.length) / maxBins))] as number;
    if (edges.length === 0 || v > (edges[edges.length - 1] as number)) edges.push(v);
  }
  if (edges.length > 0 && edges[edges.length - 1] === sorted[sorted.length - 1]) edges.pop();
  return Float64Array.from(edges);
}

/** Bins of a feature with these edges: the value bins and the NaN bin. */
export function binCount(edges: Float64Array): number {
  return edges.length + 2;
}

/**
 * The threshold of a split after bin `b`: its upper edge, or for the split between the
 * values and NaN the largest double (every finite value is at or below it, NaN is not;
 * JSON cannot write Infinity).
 */
export function thresholdOf(edges: Float64Array, b: number): number {
  return b < edges.length ? (edges[b] as number) : Number.MAX_VALUE;
}

/** First bin whose upper edge is at least `v` (binary search); values above all edges in the last value bin, NaN and +Infinity in the bin after it. */
export function binOf(edges: Float64Array, v: number): number {
  if (Number.isNaN(v) || v === Number.POSITIVE_INFINITY) return edges.length + 1;
  let lo = 0;
  let hi = edges.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((edges[mid] as number) < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
