/**
 * A feature matrix: `rows` × `columns` numbers, row after row. One Float64Array rather
 * than an array of rows, so 67,000 rows of 100 features are one allocation, and the
 * trainer and scorer read them without boxing.
 */
export interface FeatureMatrix {
  readonly data: Float64Array;
  readonly rows: number;
  readonly columns: number;
}

/**
 * One regression tree in flat arrays, node 0 the root. An internal node sends a row
 * left when `x[feature] <= threshold` (NaN goes right), a leaf has `feature` -1 and its
 * output in `value`. `cover` is the number of training rows that reached the node: the
 * background distribution TreeSHAP weighs the paths by.
 */
export interface Tree {
  feature: number[];
  threshold: number[];
  left: number[];
  right: number[];
  value: number[];
  cover: number[];
}

/** A boosted ensemble for binary classification: probability = sigmoid(baseScore + Σ leaf values). */
export interface Ensemble {
  kind: 'gbdt-logistic';
  baseScore: number;
  trees: Tree[];
}

export interface TrainOptions {
  /** Boosting rounds (trees). */
  trees: number;
  /** Shrinkage applied to each tree's leaf values. */
  learningRate: number;
  maxDepth: number;
  /** A child needs at least this sum of hessians (XGBoost's min_child_weight). */
  minChildWeight: number;
  /** L2 regularisation of leaf values (XGBoost's lambda). */
  lambda: number;
  /** A split must gain at least this much (XGBoost's gamma). */
  minSplitGain: number;
  /** Share of rows drawn, without replacement, for each tree. */
  subsample: number;
  /** Share of features drawn for each tree. */
  colsample: number;
  /** Histogram bins per feature, at most 256. */
  maxBins: number;
  /** Weight of the positive class's gradients (for very rare frauds). */
  scalePosWeight: number;
  seed: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = {
  trees: 200,
  learningRate: 0.1,
  maxDepth: 6,
  minChildWeight: 1,
  lambda: 1,
  minSplitGain: 0,
  subsample: 0.8,
  colsample: 0.8,
  maxBins: 255,
  scalePosWeight: 1,
  seed: 1,
};
