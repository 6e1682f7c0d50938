import type { CompiledEnsemble } from './scorer.ts';

/**
 * Per-feature contributions to one row's log-odds by TreeSHAP (Lundberg, Erion and Lee,
 * "Consistent individualized feature attribution for tree ensembles", 2018, algorithm 2;
 * the port follows the reference implementation in the `shap` package): exact Shapley
 * values of the trees, with the training rows that reached each node (`cover`) as the
 * background. Chosen over Saabas' path attribution because Shapley values are consistent
 * (a feature the model leans on more never gets less credit) and add up exactly:
 * expectedMargin + Σ contributions = margin. The stream explains with LeafPathExplainer,
 * the same values computed leaf by leaf at a fraction of this recursion's cost; this port
 * of the published algorithm is what the tests check that one against, and where the
 * expected margin comes from.
 */
export class TreeExplainer {
  readonly #model: CompiledEnsemble;
  /** Mean margin over the training distribution: what the contributions are measured from. */
  readonly expectedMargin: number;
  readonly #feature: Int32Array;
  readonly #zero: Float64Array;
  readonly #one: Float64Array;
  readonly #weight: Float64Array;

  constructor(model: CompiledEnsemble) {
    this.#model = model;
    let expected = model.baseScore;
    let maxDepth = 0;
    for (let t = 0; t < model.treeCount; t++) {
      const root = model.roots[t] as number;
      expected += this.#expectedValue(root);
      maxDepth = Math.max(maxDepth, this.#depth(root));
    }
    this.expectedMargin = expected;
    // One path segment per recursion level, each one longer than its parent's.
    const size = ((maxDepth + 3) * (maxDepth + 4)) / 2 + 1;
    this.#feature = new Int32Array(size);
    this.#zero = new Float64Array(size);
    this.#one = new Float64Array(size);
    this.#weight = new Float64Array(size);
  }

  /** Adds each feature's contribution for row `x` into `phi` (zeroed first) and returns it. */
  contributions(x: ArrayLike<number>, phi: Float64Array, offset = 0): Float64Array {
    phi.fill(0);
    const m = this.#model;
    for (let t = 0; t < m.treeCount; t++) this.#recurse(x, offset, phi, m.roots[t] as number, 0, 0, 1, 1, -1);
    return phi;
  }

  #expectedValue(node: number): number {
    const m = this.#model;
    if ((m.feature[node] as number) < 0) return m.value[node] as number;
    const l = m.left[node] as number;
    const r = m.right[node] as number;
    const cover = m.cover[node] as number;
    if (cover === 0) return 0;
    return ((m.cover[l] as number) * this.#expectedValue(l) + (m.cover[r] as number) * this.#expectedValue(r)) / cover;
  }

  #depth(node: number): number {
    const m = this.#model;
    if ((m.feature[node] as number) < 0) return 0;
    return 1 + Math.max(this.#depth(m.left[node] as number), this.#depth(m.right[node] as number));
  }

  // Eight parameters: the reference algorithm's recursion state, kept positional on this hot private path.
  #recurse(x: ArrayLike<number>, offset: number, phi: Float64Array, node: number, parentPath: number, depth: number, parentZero: number, parentOne: number, parentFeature: number): void {
    const m = this.#model;
    const path = parentPath + depth + 1;
    this.#copy(parentPath, path, depth + 1);
    this.#extend(path, depth, parentZero, parentOne, parentFeature);
    const feature = m.feature[node] as number;
    if (feature < 0) {
      const leaf = m.value[node] as number;
      for (let i = 1; i <= depth; i++) {
        const w = this.#unwoundSum(path, depth, i);
        const k = path + i;
        const f = this.#feature[k] as number;
        phi[f] = (phi[f] as number) + w * ((this.#one[k] as number) - (this.#zero[k] as number)) * leaf;
      }
      return;
    }
    const goesLeft = (x[offset + feature] as number) <= (m.threshold[node] as number);
    const hot = goesLeft ? (m.left[node] as number) : (m.right[node] as number);
    const cold = goesLeft ? (m.right[node] as number) : (m.left[node] as number);
    const cover = m.cover[node] as number;
    const hotZero = cover > 0 ? (m.cover[hot] as number) / cover : 0;
    const coldZero = cover > 0 ? (m.cover[cold] as number) / cover : 0;
    let incomingZero = 1;
    let incomingOne = 1;
    let d = depth;
    // A feature already on the path is unwound, so it is counted once, with both splits' fractions.
    let at = 0;
    while (at <= d && (this.#feature[path + at] as number) !== feature) at++;
    if (at <= d) {
      incomingZero = this.#zero[path + at] as number;
      incomingOne = this.#one[path + at] as number;
      this.#unwind(path, d, at);
      d--;
    }
    this.#recurse(x, offset, phi, hot, path, d + 1, hotZero * incomingZero, incomingOne, feature);
    this.#recurse(x, offset, phi, cold, path, d + 1, coldZero * incomingZero, 0, feature);
  }

  #copy(from: number, to: number, count: number): void {
    this.#feature.copyWithin(to, from, from + count);
    this.#zero.copyWithin(to, from, from + count);
    this.#one.copyWithin(to, from, from + count);
    this.#weight.copyWithin(to, from, from + count);
  }

  #extend(path: number, depth: number, zero: number, one: number, feature: number): void {
    const w = this.#weight;
    this.#feature[path + depth] = feature;
    this.#zero[path + depth] = zero;
    this.#one[path + depth] = one;
    w[path + depth] = depth === 0 ? 1 : 0;
    for (let i = depth - 1; i >= 0; i--) {
      w[path + i + 1] = (w[path + i + 1] as number) + (one * (w[path + i] as number) * (i + 1)) / (depth + 1);
      w[path + i] = (zero * (w[path + i] as number) * (depth - i)) / (depth + 1);
    }
  }

  #unwind(path: number, depth: number, index: number): void {
    const w = this.#weight;
    const one = this.#one[path + index] as number;
    const zero = this.#zero[path + index] as number;
    let next = w[path + depth] as number;
    for (let i = depth - 1; i >= 0; i--) {
      if (one !== 0) {
        const tmp = w[path + i] as number;
        w[path + i] = (next * (depth + 1)) / ((i + 1) * one);
        next = tmp - ((w[path + i] as number) * zero * (depth - i)) / (depth + 1);
      } else {
        w[path + i] = ((w[path + i] as number) * (depth + 1)) / (zero * (depth - i));
      }
    }
    for (let i = index; i < depth; i++) {
      this.#feature[path + i] = this.#feature[path + i + 1] as number;
      this.#zero[path + i] = this.#zero[path + i + 1] as number;
      this.#one[path + i] = this.#one[path + i + 1] as number;
    }
  }

  #unwoundSum(path: number, depth: number, index: number): number {
    const w = this.#weight;
    const one = this.#one[path + index] as number;
    const zero = this.#zero[path + index] as number;
    let next = w[path + depth] as number;
    let total = 0;
    for (let i = depth - 1; i >= 0; i--) {
      if (one !== 0) {
        const tmp = (next * (depth + 1)) / ((i + 1) * one);
        total += tmp;
        next = (w[path + i] as number) - tmp * zero * ((depth - i) / (depth + 1));
      } else if (zero !== 0) {
        total += (w[path + i] as number) / zero / ((depth - i) / (depth + 1));
      }
    }
    return total;
  }
}
