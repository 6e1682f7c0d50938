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
  }

  /** The log-odds of fraud for one row of features (in the model's feature order), read from `x[offset]` on. */
  margin(x: ArrayLike<number>, offset = 0): number {
    const { feature, threshold, left, right, value, roots } = this;
    let sum = this.baseScore;
    for (let t = 0; t < roots.length; t++) {
      let node = roots[t] as number;
      let f = feature[node] as number;
      while (f >= 0) {
        // NaN fails the comparison and goes right, as the trainer put it.
        node = (x[offset + f] as number) <= (threshold[node] as number) ? (left[node] as number) : (right[node] as number);
        f = feature[node] as number;
      }
      sum += value[node] as number;
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
