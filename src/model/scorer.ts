import { COMPLETE_LAYOUT_MAX_DEPTH, CompleteTrees, ensembleDepth } from './complete-trees.ts';
import type { Ensemble } from './types.ts';

/**
 * An ensemble compiled for scoring: every tree's nodes in shared typed arrays (child
 * indices absolute), so scoring a row walks numbers in a few contiguous buffers and
 * allocates nothing.
 */
export class CompiledEnsemble {
  readonly baseScore: number;
  readonly treeCount: number;
  readonly roots: Int32Array;
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly value: Float64Array;
  readonly cover: Float64Array;
  /** Features the trees read: 1 + the highest index used. */
  readonly width: number;
  /**
   * The same trees laid out for scoring alone, in breadth-first order with siblings side
   * by side: per node its threshold (or leaf value) and two integers, its feature (-1
   * for a leaf) and its left child (the right one right after it). Two dense arrays
   * instead of six, no right-child lookup: fewer cache lines per node, in the stream
   * where the detector's state keeps evicting the model from the caches. Built on first
   * use: the complete layout scores all but very deep trees, so most models never need it.
   */
  #packed: Packed | undefined;
  readonly #ensemble: Ensemble;
  /** The faster layout, for all but very deep trees (see CompleteTrees). */
  readonly #complete: CompleteTrees | undefined;

  constructor(ensemble: Ensemble) {
    const total = ensemble.trees.reduce((sum, tree) => sum + tree.feature.length, 0);
    this.baseScore = ensemble.baseScore;
    this.treeCount = ensemble.trees.length;
    this.roots = new Int32Array(ensemble.trees.length);
    this.feature = new Int32Array(total);
    this.threshold = new Float64Array(total);
    this.left = new Int32Array(total);
    this.right = new Int32Array(total);
    this.value = new Float64Array(total);
    this.cover = new Float64Array(total);
    let offset = 0;
    let width = 0;
    ensemble.trees.forEach((tree, t) => {
      this.roots[t] = offset;
      for (let i = 0; i < tree.feature.length; i++) {
        const f = tree.feature[i] as number;
        const k = offset + i;
        this.feature[k] = f;
        this.threshold[k] = tree.threshold[i] as number;
        this.left[k] = f < 0 ? -1 : offset + (tree.left[i] as number);
        this.right[k] = f < 0 ? -1 : offset + (tree.right[i] as number);
        this.value[k] = tree.value[i] as number;
        this.cover[k] = tree.cover[i] as number;
        if (f + 1 > width) width = f + 1;
      }
      offset += tree.feature.length;
    });
    this.width = width;
    this.#ensemble = ensemble;
    const depth = ensembleDepth(ensemble);
    this.#complete = depth <= COMPLETE_LAYOUT_MAX_DEPTH ? new CompleteTrees(ensemble, depth) : undefined;
  }

  /** The log-odds of fraud for one row of features (in the model's feature order), read from `x[offset]` on. */
  margin(x: ArrayLike<number>, offset = 0): number {
    return this.#complete ? this.#complete.margin(x, offset, this.baseScore) : this.packedMargin(x, offset);
  }

  /** The same sum, node by node through the packed layout (any depth). */
  packedMargin(x: ArrayLike<number>, offset = 0): number {
    this.#packed ??= pack(this.#ensemble);
    const { values, nodes, roots } = this.#packed;
    let sum = this.baseScore;
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t] as number;
      let f = nodes[2 * node] as number;
      while (f >= 0) {
        // NaN fails the comparison and goes right, as the trainer put it.
        const leftChild = nodes[2 * node + 1] as number;
        node = (x[offset + f] as number) <= (values[node] as number) ? leftChild : leftChild + 1;
        f = nodes[2 * node] as number;
      }
      sum += values[node] as number;
    }
    return sum;
  }

  /** The probability of fraud for one row. */
  probability(x: ArrayLike<number>, offset = 0): number {
    return 1 / (1 + Math.exp(-this.margin(x, offset)));
  }

  /** Probabilities of every row of a row-major matrix, into `out`. */
  probabilities(data: Float64Array, columns: number, out: Float64Array): Float64Array {
    const rows = out.length;
    for (let i = 0; i < rows; i++) out[i] = this.probability(data, i * columns);
    return out;
  }
}

interface Packed {
  values: Float64Array;
  nodes: Int32Array;
  roots: Int32Array;
}

/** Every tree breadth first, siblings adjacent: see CompiledEnsemble's #packed. */
function pack(ensemble: Ensemble): Packed {
  const total = ensemble.trees.reduce((sum, tree) => sum + tree.feature.length, 0);
  const values = new Float64Array(total);
  const nodes = new Int32Array(total * 2);
  const roots = new Int32Array(ensemble.trees.length);
  let next = 0; // the next free node position
  ensemble.trees.forEach((tree, t) => {
    roots[t] = next;
    const queue: Array<[node: number, position: number]> = [[0, next++]];
    for (let q = 0; q < queue.length; q++) {
      const [node, position] = queue[q] as [number, number];
      const f = tree.feature[node] as number;
      if (f < 0) {
        values[position] = tree.value[node] as number;
        nodes[2 * position] = -1;
        continue;
      }
      const leftPosition = next;
      next += 2;
      values[position] = tree.threshold[node] as number;
      nodes[2 * position] = f;
      nodes[2 * position + 1] = leftPosition;
      queue.push([tree.left[node] as number, leftPosition], [tree.right[node] as number, leftPosition + 1]);
    }
  });
  return { values, nodes, roots };
}
