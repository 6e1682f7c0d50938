import type { Ensemble, Tree } from './types.ts';

/** Deeper trees take 2^depth slots each in this layout: past this depth the packed walk is used instead. */
export const COMPLETE_LAYOUT_MAX_DEPTH = 10;

/**
 * The ensemble's trees as complete binary trees of the deepest one's depth D: node n's
 * children are 2n + 1 and 2n + 2, so a walk loads no child index, and every walk takes
 * exactly D steps. A leaf above depth D becomes nodes whose two subtrees end in copies
 * of its value, whichever way a row goes. Four trees are walked side by side and each
 * step picks its child arithmetically, not by a branch: the four chains of dependent
 * loads overlap and no mispredicted branch flushes them. On the Handbook model (300
 * trees, depth 6) that halves the time of a row, 23 µs to 11 µs, with the very sum the
 * node-by-node walk gives (trees are added in the same order). The count of trees is
 * padded to a multiple of four with trees whose leaves are all 0 (adding 0 changes no
 * sum), so there is no loop for the last one to three.
 */
export class CompleteTrees {
  readonly depth: number;
  readonly #trees: number;
  readonly #internal: number;
  readonly #leaves: number;
  readonly #feature: Int32Array;
  readonly #threshold: Float64Array;
  readonly #value: Float64Array;

  constructor(ensemble: Ensemble, depth: number) {
    this.depth = depth;
    // Whole groups of four: the padding trees stay all zeros (feature 0, threshold 0, leaves 0).
    this.#trees = Math.ceil(ensemble.trees.length / 4) * 4;
    this.#internal = (1 << depth) - 1;
    this.#leaves = 1 << depth;
    this.#feature = new Int32Array(this.#trees * this.#internal);
    this.#threshold = new Float64Array(this.#trees * this.#internal);
    this.#value = new Float64Array(this.#trees * this.#leaves);
    ensemble.trees.forEach((tree, t) => this.#place(tree, t, 0, 0, 0));
  }

  /** Sum of every tree's leaf for the row at `x[offset]`, added to `base` tree by tree. */
  margin(x: ArrayLike<number>, offset: number, base: number): number {
    const feature = this.#feature;
    const threshold = this.#threshold;
    const value = this.#value;
    const depth = this.depth;
    const internal = this.#internal;
    const leaves = this.#leaves;
    const trees = this.#trees;
    // `+ 0` makes the sum a double from the start: begun as the tagged parameter, V8 kept
    // the loop's sum tagged and boxed it at every step of four trees, about a kilobyte of
    // garbage per row (a tenth of the walk's time, and collections for the whole detector).
    let sum = base + 0;
    // `+(a <= b)` is 1 or 0 without a branch; NaN fails the comparison and goes right (2n + 2), as the trainer put it.
    for (let t = 0; t < trees; t += 4) {
      const b0 = t * internal;
      const b1 = b0 + internal;
      const b2 = b1 + internal;
      const b3 = b2 + internal;
      let n0 = 0;
      let n1 = 0;
      let n2 = 0;
      let n3 = 0;
      for (let d = 0; d < depth; d++) {
        n0 = 2 * n0 + 2 - +((x[offset + (feature[b0 + n0] as number)] as number) <= (threshold[b0 + n0] as number));
        n1 = 2 * n1 + 2 - +((x[offset + (feature[b1 + n1] as number)] as number) <= (threshold[b1 + n1] as number));
        n2 = 2 * n2 + 2 - +((x[offset + (feature[b2 + n2] as number)] as number) <= (threshold[b2 + n2] as number));
        n3 = 2 * n3 + 2 - +((x[offset + (feature[b3 + n3] as number)] as number) <= (threshold[b3 + n3] as number));
      }
      const l = t * leaves - internal;
      sum += value[l + n0] as number;
      sum += value[l + leaves + n1] as number;
      sum += value[l + 2 * leaves + n2] as number;
      sum += value[l + 3 * leaves + n3] as number;
    }
    return sum;
  }

  /** Puts the subtree of `tree`'s node `node` at position `position` (depth `level`) of complete tree `t`. */
  #place(tree: Tree, t: number, node: number, position: number, level: number): void {
    if (level === this.depth) {
      this.#value[t * this.#leaves + position - this.#internal] = tree.value[node] as number;
      return;
    }
    const isLeaf = (tree.feature[node] as number) < 0;
    // A leaf's stand-in reads feature 0 against 0: either way leads to copies of the same value.
    this.#feature[t * this.#internal + position] = isLeaf ? 0 : (tree.feature[node] as number);
    this.#threshold[t * this.#internal + position] = isLeaf ? 0 : (tree.threshold[node] as number);
    this.#place(tree, t, isLeaf ? node : (tree.left[node] as number), 2 * position + 1, level + 1);
    this.#place(tree, t, isLeaf ? node : (tree.right[node] as number), 2 * position + 2, level + 1);
  }
}

/** The depth of the deepest tree (0 for an ensemble of single leaves). */
export function ensembleDepth(ensemble: Ensemble): number {
  let deepest = 0;
  for (const tree of ensemble.trees) {
    const depths = new Int32Array(tree.feature.length);
    // From the root down: a model file need not number a node's children after it.
    const stack = [0];
    while (stack.length > 0) {
      const node = stack.pop() as number;
      if ((tree.feature[node] as number) < 0) {
        deepest = Math.max(deepest, depths[node] as number);
        continue;
      }
      for (const child of [tree.left[node] as number, tree.right[node] as number]) {
        depths[child] = (depths[node] as number) + 1;
        stack.push(child);
      }
    }
  }
  return deepest;
}
