import assert from 'node:assert/strict';
import { test } from 'node:test';
import { binMatrix, binOf, thresholdOf } from '../../src/model/binning.ts';
import { aucRoc } from '../../src/model/metrics.ts';
import { CompiledEnsemble } from '../../src/model/scorer.ts';
import { train } from '../../src/model/train.ts';
import { aDiagonalProblem } from './fixtures.ts';

test('boosted trees learn a diagonal boundary no single split can draw', () => {
  const { matrix, labels } = aDiagonalProblem(4000, 5);
  const held = aDiagonalProblem(2000, 5, 99);
  const { ensemble } = train(matrix, labels, { trees: 60, maxDepth: 3, learningRate: 0.2 });
  const model = new CompiledEnsemble(ensemble);
  const scores = model.probabilities(held.matrix.data, 5, new Float64Array(2000));
  assert.ok(aucRoc(held.labels, scores) > 0.97, `AUC ${aucRoc(held.labels, scores)}`);
  // Each of the two features that matter is split on more than any noise feature (2..4).
  const uses = [0, 0, 0, 0, 0];
  for (const tree of ensemble.trees) for (const f of tree.feature) if (f >= 0) uses[f] = (uses[f] as number) + 1;
  const noise = Math.max(...uses.slice(2));
  assert.ok((uses[0] as number) > 1.5 * noise && (uses[1] as number) > 1.5 * noise, `uses ${uses}`);
});

test('the same seed trains the same trees; another seed samples differently', () => {
  const { matrix, labels } = aDiagonalProblem(1500, 4);
  const a = train(matrix, labels, { trees: 10, seed: 5 }).ensemble;
  const b = train(matrix, labels, { trees: 10, seed: 5 }).ensemble;
  const c = train(matrix, labels, { trees: 10, seed: 6 }).ensemble;
  assert.deepEqual(a, b);
  assert.notDeepEqual(a, c);
});

test('the scorer on raw values agrees with the margins training reached on bins', () => {
  const { matrix, labels } = aDiagonalProblem(1000, 3);
  const { ensemble } = train(matrix, labels, { trees: 15, maxDepth: 4, subsample: 1, colsample: 1 });
  const model = new CompiledEnsemble(ensemble);
  // Summing each tree's leaf by hand on the raw values is what the compiled arrays must give.
  for (let i = 0; i < 50; i++) {
    const x = matrix.data.subarray(i * 3, i * 3 + 3);
    let margin = ensemble.baseScore;
    for (const tree of ensemble.trees) {
      let node = 0;
      while ((tree.feature[node] as number) >= 0) {
        node = (x[tree.feature[node] as number] as number) <= (tree.threshold[node] as number) ? (tree.left[node] as number) : (tree.right[node] as number);
      }
      margin += tree.value[node] as number;
    }
    assert.ok(Math.abs(model.margin(x) - margin) < 1e-12);
    assert.ok(Math.abs(model.probability(matrix.data, i * 3) - 1 / (1 + Math.exp(-margin))) < 1e-12);
  }
});

test('bins: bin(x) <= b exactly when x <= the split threshold after b; NaN in a bin of its own', () => {
  const data = Float64Array.from([5, 1, 1, 2, 3, 3, 3, 9, Number.NaN, 4]);
  const { bins, edges } = binMatrix({ data, rows: data.length, columns: 1 }, 5);
  const e = edges[0] as Float64Array;
  assert.ok(e.length <= 3, `edges ${e}`);
  for (let i = 0; i < data.length; i++) {
    for (let b = 0; b <= e.length; b++) {
      assert.equal((bins[i] as number) <= b, (data[i] as number) <= thresholdOf(e, b), `value ${data[i]} after bin ${b}`);
    }
  }
  assert.equal(binOf(e, Number.NaN), e.length + 1);
  assert.equal(binOf(e, 1e300), e.length);
});

test('a feature that is NaN at scoring goes right, where training put the NaNs', () => {
  const rows = 400;
  const data = new Float64Array(rows);
  const labels = new Uint8Array(rows);
  for (let i = 0; i < rows; i++) {
    // Missing values are all frauds; the present ones are legit.
    data[i] = i % 4 === 0 ? Number.NaN : i;
    labels[i] = i % 4 === 0 ? 1 : 0;
  }
  const model = new CompiledEnsemble(train({ data, rows, columns: 1 }, labels, { trees: 20, learningRate: 0.3, subsample: 1, colsample: 1 }).ensemble);
  assert.ok(model.probability([Number.NaN]) > 0.9);
  assert.ok(model.probability([10]) < 0.1);
});

test('invalid training input is refused with every problem listed', () => {
  assert.throws(
    () => train({ data: new Float64Array(6), rows: 3, columns: 2 }, Uint8Array.from([0, 2]), { trees: 0, subsample: 0 }),
    (error: Error & { code?: string; problems?: string[] }) => {
      assert.equal(error.code, 'FRAUD_MODEL_TRAINING');
      assert.ok((error.problems ?? []).length >= 3, String(error.problems));
      return true;
    },
  );
});

test('features that never vary are never split on, and a history with none that vary still trains', () => {
  const { matrix, labels } = aDiagonalProblem(800, 2);
  // Column 0: constant; columns 1 and 2: the problem's features.
  const data = new Float64Array(800 * 3);
  for (let i = 0; i < 800; i++) {
    data[i * 3] = 7;
    data[i * 3 + 1] = matrix.data[i * 2] as number;
    data[i * 3 + 2] = matrix.data[i * 2 + 1] as number;
  }
  const { ensemble } = train({ data, rows: 800, columns: 3 }, labels, { trees: 10 });
  assert.ok(ensemble.trees.every((tree) => !tree.feature.includes(0)));
  const flat = train({ data: new Float64Array(100).fill(1), rows: 100, columns: 1 }, labels.subarray(0, 100), { trees: 3 });
  assert.ok(flat.ensemble.trees.every((tree) => tree.feature.length === 1 && tree.feature[0] === -1));
});
