import { thresholdOf } from './binning.ts';
import { bestSplit, buildHistogram, SLOTS, subtractHistogram, type RoundData, type SplitRules } from './histogram.ts';
import type { Tree } from './types.ts';

export interface GrowOptions extends SplitRules {
  maxDepth: number;
  learningRate: number;
}

/** A grown tree, and for each node the bin its split is at (for updating margins without thresholds). */
export interface Grown {
  tree: Tree;
  splitBin: number[];
}

interface Pending {
  node: number;
  start: number;
  end: number;
  depth: number;
  hist: Float64Array;
  grad: number;
  hess: number;
}

/**
 * Grows one tree depth first on rows[0, count) (the round's sample, reordered in place
 * as nodes split). Only the smaller child's histogram is built from its rows; the
 * larger one's is the parent's minus it, so each level reads each row about once.
 */
export function growTree(data: RoundData, rows: Uint32Array, count: number, edges: Float64Array[], options: GrowOptions): Grown {
  const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [], cover: [] };
  const splitBin: number[] = [];
  const pool: Float64Array[] = [];
  const take = (): Float64Array => pool.pop() ?? new Float64Array(data.totalBins * SLOTS);
  const addNode = (): number => {
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(0);
    tree.cover.push(0);
    splitBin.push(-1);
    return tree.feature.length - 1;
  };
  const rootHist = take();
  buildHistogram(data, rows, 0, count, rootHist);
  let grad = 0;
  let hess = 0;
  for (let i = 0; i < count; i++) {
    grad += data.grad[rows[i] as number] as number;
    hess += data.hess[rows[i] as number] as number;
  }
  const stack: Pending[] = [{ node: addNode(), start: 0, end: count, depth: 0, hist: rootHist, grad, hess }];
  while (stack.length > 0) {
    const p = stack.pop() as Pending;
    const n = p.end - p.start;
    tree.cover[p.node] = n;
    const split = p.depth < options.maxDepth && n >= 2 ? bestSplit(data, p.hist, { grad: p.grad, hess: p.hess, count: n }, options) : undefined;
    if (!split) {
      tree.value[p.node] = (-p.grad / (p.hess + options.lambda)) * options.learningRate;
      pool.push(p.hist);
      continue;
    }
    const mid = partition(data, rows, p.start, p.end, split.feature, split.bin);
    const left = addNode();
    const right = addNode();
    tree.feature[p.node] = split.feature;
    tree.threshold[p.node] = thresholdOf(edges[split.feature] as Float64Array, split.bin);
    tree.left[p.node] = left;
    tree.right[p.node] = right;
    splitBin[p.node] = split.bin;
    const leftN = mid - p.start;
    const small = take();
    const leftSmaller = leftN <= p.end - mid;
    if (leftSmaller) buildHistogram(data, rows, p.start, mid, small);
    else buildHistogram(data, rows, mid, p.end, small);
    subtractHistogram(data, p.hist, small);
    const leftHist = leftSmaller ? small : p.hist;
    const rightHist = leftSmaller ? p.hist : small;
    const depth = p.depth + 1;
    stack.push({ node: right, start: mid, end: p.end, depth, hist: rightHist, grad: p.grad - split.leftGrad, hess: p.hess - split.leftHess });
    stack.push({ node: left, start: p.start, end: mid, depth, hist: leftHist, grad: split.leftGrad, hess: split.leftHess });
  }
  return { tree, splitBin };
}

/** Reorders rows[start, end) so the rows whose bin is <= `bin` come first; returns where the rest start. */
function partition(data: RoundData, rows: Uint32Array, start: number, end: number, feature: number, bin: number): number {
  const { bins, columns } = data;
  let i = start;
  let j = end - 1;
  while (i <= j) {
    if ((bins[(rows[i] as number) * columns + feature] as number) <= bin) i++;
    else {
      const t = rows[i] as number;
      rows[i] = rows[j] as number;
      rows[j] = t;
      j--;
    }
  }
  return i;
}

/** The leaf a binned row reaches: the same path as thresholds on the raw values give. */
export function leafOfBinned(grown: Grown, bins: Uint8Array, base: number): number {
  const { tree, splitBin } = grown;
  let node = 0;
  while ((tree.feature[node] as number) >= 0) {
    node = (bins[base + (tree.feature[node] as number)] as number) <= (splitBin[node] as number) ? (tree.left[node] as number) : (tree.right[node] as number);
  }
  return node;
}
