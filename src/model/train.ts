import { uniformInt } from 'pure-rand/distribution/uniformInt';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import { FraudError } from '../errors.ts';
import { binCount, binMatrix } from './binning.ts';
import { growTree, leafOfBinned } from './grow.ts';
import { histogramOffsets, type RoundData } from './histogram.ts';
import { DEFAULT_TRAIN_OPTIONS, type Ensemble, type FeatureMatrix, type TrainOptions } from './types.ts';

export interface TrainResult {
  ensemble: Ensemble;
  options: TrainOptions;
  /** Rows and positives trained on. */
  rows: number;
  positives: number;
  /** Wall time of the training itself (binning and boosting), in milliseconds. */
  millis: number;
}

/**
 * Gradient-boosted trees on the logistic loss, grown on histograms of binned features
 * (the method of LightGBM and XGBoost's `hist`): second-order leaf values, L2 on the
 * leaves, row and feature sampling per tree, all seeded so a training run is reproducible.
 * `labels[i]` is 1 for fraud, 0 for legit.
 */
export function train(matrix: FeatureMatrix, labels: Uint8Array, options: Partial<TrainOptions> = {}): TrainResult {
  const started = performance.now();
  const o: TrainOptions = { ...DEFAULT_TRAIN_OPTIONS, ...options };
  validate(matrix, labels, o);
  const { rows: n, columns } = matrix;
  const { bins, edges } = binMatrix(matrix, o.maxBins);
  let positives = 0;
  for (let i = 0; i < n; i++) positives += labels[i] as number;
  // Start from the log-odds of the base rate (clamped, so one class alone still trains).
  const rate = Math.min(1 - 1e-6, Math.max(1e-6, positives / Math.max(1, n)));
  const baseScore = Math.log(rate / (1 - rate));
  const margin = new Float64Array(n).fill(baseScore);
  const binCounts = Int32Array.from(edges, binCount);
  const data: RoundData = {
    bins,
    columns,
    grad: new Float64Array(n),
    hess: new Float64Array(n),
    features: new Int32Array(0),
    binCounts,
    ...histogramOffsets(binCounts),
  };
  // A feature whose values all share one bin cannot split: leaving it out of every
  // histogram saves its share of the work (most context features of a card-only history).
  const splittable = splittableFeatures(bins, columns, n);
  const rng = xoroshiro128plus(o.seed | 0);
  const all = Uint32Array.from({ length: n }, (_, i) => i);
  const sample = new Uint32Array(n);
  const ensemble: Ensemble = { kind: 'gbdt-logistic', baseScore, trees: [] };
  for (let t = 0; t < o.trees; t++) {
    gradients(margin, labels, o.scalePosWeight, data.grad, data.hess);
    const count = drawRows(all, sample, o.subsample, rng);
    data.features = drawFeatures(splittable, o.colsample, rng);
    const grown = growTree(data, sample, count, edges, o);
    ensemble.trees.push(grown.tree);
    // Every row's margin moves, in-sample or not: the next tree fits what all rows still miss.
    for (let i = 0; i < n; i++) margin[i] = (margin[i] as number) + (grown.tree.value[leafOfBinned(grown, bins, i * columns)] as number);
  }
  return { ensemble, options: o, rows: n, positives, millis: performance.now() - started };
}

function gradients(margin: Float64Array, labels: Uint8Array, posWeight: number, grad: Float64Array, hess: Float64Array): void {
  for (let i = 0; i < margin.length; i++) {
    const p = 1 / (1 + Math.exp(-(margin[i] as number)));
    const y = labels[i] as number;
    const w = y === 1 ? posWeight : 1;
    grad[i] = (p - y) * w;
    hess[i] = Math.max(p * (1 - p), 1e-16) * w;
  }
}

type Rng = ReturnType<typeof xoroshiro128plus>;

/** A partial Fisher-Yates shuffle: the first `count` of `out` are a uniform sample without replacement. */
function drawRows(all: Uint32Array, out: Uint32Array, share: number, rng: Rng): number {
  out.set(all);
  const n = all.length;
  const count = share >= 1 ? n : Math.max(1, Math.round(n * share));
  if (count === n) return n;
  for (let i = 0; i < count; i++) {
    const j = uniformInt(rng, i, n - 1);
    const t = out[i] as number;
    out[i] = out[j] as number;
    out[j] = t;
  }
  return count;
}

function drawFeatures(splittable: Int32Array, share: number, rng: Rng): Int32Array {
  const all = splittable.slice();
  const columns = all.length;
  if (columns === 0) return all;
  const count = share >= 1 ? columns : Math.max(1, Math.round(columns * share));
  for (let i = 0; i < count; i++) {
    const j = uniformInt(rng, i, columns - 1);
    const t = all[i] as number;
    all[i] = all[j] as number;
    all[j] = t;
  }
  return all.slice(0, count).sort();
}

function splittableFeatures(bins: Uint8Array, columns: number, rows: number): Int32Array {
  const out: number[] = [];
  for (let f = 0; f < columns; f++) {
    const first = bins[f] as number;
    for (let i = 1; i < rows; i++) {
      if (bins[i * columns + f] !== first) {
        out.push(f);
        break;
      }
    }
  }
  return Int32Array.from(out);
}

function validate(matrix: FeatureMatrix, labels: Uint8Array, o: TrainOptions): void {
  const problems: string[] = [];
  if (matrix.data.length !== matrix.rows * matrix.columns) problems.push('the matrix data does not hold rows × columns numbers');
  if (labels.length !== matrix.rows) problems.push(`${labels.length} labels for ${matrix.rows} rows`);
  if (matrix.rows === 0 || matrix.columns === 0) problems.push('nothing to train on (no rows or no features)');
  if (!Number.isInteger(o.trees) || o.trees < 1) problems.push('trees must be a whole number of at least 1');
  if (!(o.learningRate > 0 && o.learningRate <= 1)) problems.push('learningRate must be within (0, 1]');
  if (!Number.isInteger(o.maxDepth) || o.maxDepth < 1 || o.maxDepth > 16) problems.push('maxDepth must be within 1..16');
  if (!(o.subsample > 0 && o.subsample <= 1)) problems.push('subsample must be within (0, 1]');
  if (!(o.colsample > 0 && o.colsample <= 1)) problems.push('colsample must be within (0, 1]');
  if (!(o.lambda >= 0) || !(o.minChildWeight >= 0) || !(o.minSplitGain >= 0) || !(o.scalePosWeight > 0)) {
    problems.push('lambda, minChildWeight and minSplitGain must be at least 0, scalePosWeight above 0');
  }
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== 0 && labels[i] !== 1) {
      problems.push(`label ${i} is ${labels[i]}, not 0 or 1`);
      break;
    }
  }
  if (problems.length > 0) throw new FraudError('FRAUD_MODEL_TRAINING', 'cannot train a model on this input', { problems });
}
