import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CompiledEnsemble } from '../../src/model/scorer.ts';
import { LeafPathExplainer } from '../../src/model/shap-leaves.ts';
import { TreeExplainer } from '../../src/model/shap.ts';
import { train } from '../../src/model/train.ts';
import type { Ensemble, Tree } from '../../src/model/types.ts';
import { aDiagonalProblem, uniform } from './fixtures.ts';

/** E[tree | the features in `known` take x's values], the others averaged by cover (the paper's algorithm 1). */
function conditional(tree: Tree, x: ArrayLike<number>, known: Set<number>, node = 0): number {
  const f = tree.feature[node] as number;
  if (f < 0) return tree.value[node] as number;
  const l = tree.left[node] as number;
  const r = tree.right[node] as number;
  if (known.has(f)) return conditional(tree, x, known, (x[f] as number) <= (tree.threshold[node] as number) ? l : r);
  const cover = tree.cover[node] as number;
  return ((tree.cover[l] as number) * conditional(tree, x, known, l) + (tree.cover[r] as number) * conditional(tree, x, known, r)) / cover;
}

/** Shapley values by their definition: every subset of the other features, weighted. */
function bruteForceShapley(ensemble: Ensemble, x: ArrayLike<number>, features: number): number[] {
  const value = (known: Set<number>): number => ensemble.trees.reduce((sum, tree) => sum + conditional(tree, x, known), ensemble.baseScore);
  const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
  const phi = new Array<number>(features).fill(0);
  for (let i = 0; i < features; i++) {
    const others = [...Array(features).keys()].filter((j) => j !== i);
    for (let mask = 0; mask < 1 << others.length; mask++) {
      const subset = new Set(others.filter((_, k) => (mask >> k) & 1));
      const weight = (factorial(subset.size) * factorial(features - subset.size - 1)) / factorial(features);
      phi[i] = (phi[i] as number) + weight * (value(new Set([...subset, i])) - value(subset));
    }
  }
  return phi;
}

/** The two exact algorithms: the reference port, and the leaf-by-leaf one the stream uses. */
const EXPLAINERS = [
  { name: 'TreeSHAP (reference recursion)', make: (model: CompiledEnsemble) => new TreeExplainer(model) },
  { name: 'leaf-path TreeSHAP', make: (model: CompiledEnsemble) => new LeafPathExplainer(model) },
];

for (const { name, make } of EXPLAINERS) {
  test(`${name} gives the exact Shapley values of the trees, and they add up to the margin`, () => {
    const { matrix, labels } = aDiagonalProblem(1500, 4, 11);
    const { ensemble } = train(matrix, labels, { trees: 8, maxDepth: 4, learningRate: 0.3 });
    const model = new CompiledEnsemble(ensemble);
    const explainer = make(model);
    const expectedMargin = new TreeExplainer(model).expectedMargin;
    const phi = new Float64Array(4);
    for (let row = 0; row < 20; row++) {
      const x = matrix.data.subarray(row * 4, row * 4 + 4);
      explainer.contributions(x, phi);
      const expected = bruteForceShapley(ensemble, x, 4);
      for (let f = 0; f < 4; f++) assert.ok(Math.abs((phi[f] as number) - (expected[f] as number)) < 1e-9, `row ${row} feature ${f}: ${phi[f]} vs ${expected[f]}`);
      const sum = phi.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(expectedMargin + sum - model.margin(x)) < 1e-9);
    }
  });

  test(`${name}: a feature split on twice in one path is credited once, with both splits`, () => {
    // x0 decides alone, through two nested splits on it: all the credit is x0's.
    const tree: Tree = {
      feature: [0, 0, -1, -1, -1],
      threshold: [0.5, 0.25, 0, 0, 0],
      left: [1, 3, -1, -1, -1],
      right: [2, 4, -1, -1, -1],
      value: [0, 0, 2, -1, 1],
      cover: [100, 50, 50, 25, 25],
    };
    const model = new CompiledEnsemble({ kind: 'gbdt-logistic', baseScore: 0, trees: [tree] });
    const phi = make(model).contributions([0.1, 0.9], new Float64Array(2));
    // Expected value: 0.5 * 2 + 0.25 * -1 + 0.25 * 1 = 1; x0 = 0.1 reaches -1.
    assert.equal(new TreeExplainer(model).expectedMargin, 1);
    assert.ok(Math.abs((phi[0] as number) - -2) < 1e-12, `phi ${phi}`);
    assert.equal(phi[1], 0);
  });
}

test('the leaf-path explainer agrees with the reference on deep trees, repeated splits and missing values', () => {
  // Six features, depth 7 (paths repeat features), and a quarter of the values missing.
  const columns = 6;
  const { matrix, labels } = aDiagonalProblem(3000, columns, 5);
  const { ensemble } = train(matrix, labels, { trees: 40, maxDepth: 7, learningRate: 0.2 });
  const model = new CompiledEnsemble(ensemble);
  const reference = new TreeExplainer(model);
  const leafPath = new LeafPathExplainer(model);
  const next = uniform(8);
  const a = new Float64Array(columns);
  const b = new Float64Array(columns);
  let compared = 0;
  for (let row = 0; row < 200; row++) {
    const x = Array.from({ length: columns }, () => (next() < 0.25 ? Number.NaN : next()));
    reference.contributions(x, a);
    leafPath.contributions(x, b);
    for (let f = 0; f < columns; f++) {
      assert.ok(Math.abs((a[f] as number) - (b[f] as number)) < 1e-9, `row ${row} feature ${f}: ${a[f]} vs ${b[f]}`);
      if (a[f] !== 0) compared++;
    }
    assert.ok(Math.abs(reference.expectedMargin + b.reduce((s, v) => s + v, 0) - model.margin(x)) < 1e-9);
  }
  // The rows did exercise the trees: most contributions are not zero.
  assert.ok(compared > 600, `only ${compared} non-zero contributions compared`);
});
