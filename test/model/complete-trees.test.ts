import assert from 'node:assert/strict';
import { test } from 'node:test';
import { COMPLETE_LAYOUT_MAX_DEPTH, CompleteTrees, ensembleDepth } from '../../src/model/complete-trees.ts';
import { CompiledEnsemble } from '../../src/model/scorer.ts';
import { train } from '../../src/model/train.ts';
import type { Ensemble, Tree } from '../../src/model/types.ts';
import { aDiagonalProblem, uniform } from './fixtures.ts';

/** The leaf a row reaches, node by node on the tree as the file holds it. */
function byHand(ensemble: Ensemble, x: ArrayLike<number>): number {
  let margin = ensemble.baseScore;
  for (const tree of ensemble.trees) {
    let node = 0;
    while ((tree.feature[node] as number) >= 0) node = (x[tree.feature[node] as number] as number) <= (tree.threshold[node] as number) ? (tree.left[node] as number) : (tree.right[node] as number);
    margin += tree.value[node] as number;
  }
  return margin;
}

/** A random tree of at most `depth` levels over `columns` features, leaves anywhere, children numbered before their parent sometimes. */
function randomTree(next: () => number, depth: number, columns: number): Tree {
  const tree: Tree = { feature: [], threshold: [], left: [], right: [], value: [], cover: [] };
  const grow = (level: number): number => {
    const node = tree.feature.length;
    tree.feature.push(-1);
    tree.threshold.push(0);
    tree.left.push(-1);
    tree.right.push(-1);
    tree.value.push(next() - 0.5);
    tree.cover.push(1);
    if (level < depth && next() < 0.8) {
      tree.feature[node] = Math.floor(next() * columns);
      tree.threshold[node] = next();
      tree.left[node] = grow(level + 1);
      tree.right[node] = grow(level + 1);
    }
    return node;
  };
  grow(0);
  return tree;
}

test('the complete layout sums exactly what the node-by-node walk sums, NaN going right, for trees of every shape', () => {
  const next = uniform(11);
  // 23 trees: the four-at-a-time walk and the ones left over; some single leaves, some lopsided.
  const ensemble: Ensemble = { kind: 'gbdt-logistic', baseScore: -2.5, trees: Array.from({ length: 23 }, (_, t) => randomTree(next, t % 7, 5)) };
  const depth = ensembleDepth(ensemble);
  assert.equal(depth, 6);
  const complete = new CompleteTrees(ensemble, depth);
  const compiled = new CompiledEnsemble(ensemble);
  const row = new Float64Array(5);
  for (let i = 0; i < 2000; i++) {
    for (let j = 0; j < 5; j++) row[j] = next() < 0.1 ? Number.NaN : next();
    const expected = byHand(ensemble, row);
    assert.equal(complete.margin(row, 0, ensemble.baseScore), expected);
    assert.equal(compiled.margin(row), expected);
    assert.equal(compiled.packedMargin(row), expected);
  }
});

test('a trained model scores the same through both layouts, and leaves-only or very deep ensembles still score', () => {
  const { matrix, labels } = aDiagonalProblem(2000, 4);
  const { ensemble } = train(matrix, labels, { trees: 37, maxDepth: 5 });
  const compiled = new CompiledEnsemble(ensemble);
  for (let i = 0; i < matrix.rows; i++) assert.equal(compiled.margin(matrix.data, i * 4), compiled.packedMargin(matrix.data, i * 4));

  const leaves: Ensemble = { kind: 'gbdt-logistic', baseScore: 0.5, trees: [randomTree(() => 0.9, 0, 1), randomTree(() => 0.9, 0, 1)] };
  assert.equal(ensembleDepth(leaves), 0);
  assert.equal(new CompiledEnsemble(leaves).margin([0.3]), 0.5 + 0.4 + 0.4);

  // Past the layout's depth the packed walk takes over (a complete tree of depth 20 would be a million slots).
  const next = uniform(5);
  const chain: Tree = { feature: [], threshold: [], left: [], right: [], value: [], cover: [] };
  const deep = COMPLETE_LAYOUT_MAX_DEPTH + 10;
  for (let level = 0; level < deep; level++) {
    chain.feature.push(0, -1);
    chain.threshold.push(level / deep, 0);
    chain.left.push(2 * level + 1, -1);
    chain.right.push(2 * level + 2, -1);
    chain.value.push(0, level);
    chain.cover.push(1, 1);
  }
  chain.feature.push(-1);
  chain.threshold.push(0);
  chain.left.push(-1);
  chain.right.push(-1);
  chain.value.push(deep);
  chain.cover.push(1);
  const deepEnsemble: Ensemble = { kind: 'gbdt-logistic', baseScore: 0, trees: [chain] };
  assert.equal(ensembleDepth(deepEnsemble), deep);
  const scorer = new CompiledEnsemble(deepEnsemble);
  for (let i = 0; i < 100; i++) {
    const x = [next()];
    assert.equal(scorer.margin(x), byHand(deepEnsemble, x));
  }
});
