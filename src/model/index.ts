/** The learning side: train, save and load, score, explain, measure. Pure except io.ts. */
export { train, type TrainResult } from './train.ts';
export { DEFAULT_TRAIN_OPTIONS, type Ensemble, type FeatureMatrix, type TrainOptions, type Tree } from './types.ts';
export { CompiledEnsemble } from './scorer.ts';
export { TreeExplainer } from './shap.ts';
export { LeafPathExplainer } from './shap-leaves.ts';
export { ModelScorer, type Contribution } from './model-scorer.ts';
export { EXCLUDED_GROUPS, FeatureVectorizer, featureNames } from './flatten.ts';
export { MODEL_FORMAT, MODEL_FORMAT_VERSION, validateModel, type HeldOutMetrics, type ModelFile } from './format.ts';
export { parseModelText, readModelFile, writeModelFile } from './io.ts';
export { atThreshold, aucRoc, averagePrecision, type ThresholdFigures } from './metrics.ts';
export { cardPrecisionAtK, knownCompromisedCards, type ScoredTransaction } from './card-precision.ts';
