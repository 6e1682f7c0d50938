/** Slots per bin in a histogram: sum of gradients, sum of hessians, rows. */
export const SLOTS = 3;

/** What a tree grower needs to know about the rows of one boosting round. */
export interface RoundData {
  bins: Uint8Array;
  columns: number;
  grad: Float64Array;
  hess: Float64Array;
  /** Features this tree may split on. */
  features: Int32Array;
  /** Bins of each feature (value bins and the NaN bin). */
  binCounts: Int32Array;
  /**
   * Where each feature's bins start in a histogram, which holds only the bins features
   * have (`histogramOffsets`): most features have far fewer than 256 (counts, flags), so
   * a node's histogram is a fraction of features × 256 (the same trees, less memory).
   */
  binOffsets: Int32Array;
  /** Bins of all features: a histogram is this × SLOTS numbers. */
  totalBins: number;
}

/** Each feature's first bin in a compact histogram, and the bins of all. */
export function histogramOffsets(binCounts: Int32Array): { binOffsets: Int32Array; totalBins: number } {
  const binOffsets = new Int32Array(binCounts.length);
  let total = 0;
  for (let f = 0; f < binCounts.length; f++) {
    binOffsets[f] = total;
    total += binCounts[f] as number;
  }
  return { binOffsets, totalBins: total };
}

/** Sums gradients, hessians and counts of rows[start, end) into `out`, per feature and bin. */
export function buildHistogram(data: RoundData, rows: Uint32Array, start: number, end: number, out: Float64Array): void {
  const { bins, columns, grad, hess, features, binOffsets, binCounts } = data;
  for (const f of features) out.fill(0, (binOffsets[f] as number) * SLOTS, ((binOffsets[f] as number) + (binCounts[f] as number)) * SLOTS);
  const nf = features.length;
  for (let i = start; i < end; i++) {
    const row = rows[i] as number;
    const base = row * columns;
    const g = grad[row] as number;
    const h = hess[row] as number;
    for (let j = 0; j < nf; j++) {
      const f = features[j] as number;
      const o = ((binOffsets[f] as number) + (bins[base + f] as number)) * SLOTS;
      out[o] = (out[o] as number) + g;
      out[o + 1] = (out[o + 1] as number) + h;
      out[o + 2] = (out[o + 2] as number) + 1;
    }
  }
}

/** parent - child, in place into `parent`: the sibling's histogram without reading its rows. */
export function subtractHistogram(data: RoundData, parent: Float64Array, child: Float64Array): void {
  for (const f of data.features) {
    const from = (data.binOffsets[f] as number) * SLOTS;
    const to = from + (data.binCounts[f] as number) * SLOTS;
    for (let o = from; o < to; o++) parent[o] = (parent[o] as number) - (child[o] as number);
  }
}

export interface Split {
  feature: number;
  /** Rows with bin <= this go left. */
  bin: number;
  gain: number;
  leftGrad: number;
  leftHess: number;
  leftCount: number;
}

export interface SplitRules {
  lambda: number;
  minChildWeight: number;
  minSplitGain: number;
}

/**
 * The best split of a node from its histogram (XGBoost's gain: half the gain in the
 * regularised objective), or undefined when none gains more than `minSplitGain`.
 */
export function bestSplit(data: RoundData, hist: Float64Array, totals: { grad: number; hess: number; count: number }, rules: SplitRules): Split | undefined {
  const { lambda, minChildWeight, minSplitGain } = rules;
  const parentScore = (totals.grad * totals.grad) / (totals.hess + lambda);
  let best: Split | undefined;
  for (const f of data.features) {
    const nb = data.binCounts[f] as number;
    let gl = 0;
    let hl = 0;
    let cl = 0;
    const base = (data.binOffsets[f] as number) * SLOTS;
    for (let b = 0; b < nb - 1; b++) {
      const o = base + b * SLOTS;
      gl += hist[o] as number;
      hl += hist[o + 1] as number;
      cl += hist[o + 2] as number;
      if (hl < minChildWeight || cl === 0) continue;
      const hr = totals.hess - hl;
      if (hr < minChildWeight || totals.count - cl === 0) break;
      const gr = totals.grad - gl;
      const gain = 0.5 * ((gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore);
      if (gain > minSplitGain && (best === undefined || gain > best.gain)) {
        best = { feature: f, bin: b, gain, leftGrad: gl, leftHess: hl, leftCount: cl };
      }
    }
  }
  return best;
}
