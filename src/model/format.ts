import { z } from 'zod';
import { FraudError } from '../errors.ts';
import type { Ensemble, Tree } from './types.ts';

/** The format this code writes and reads. A file of another version is refused, never guessed at. */
export const MODEL_FORMAT = 'fraud-detector-model';
export const MODEL_FORMAT_VERSION = 1;

const ThresholdFiguresSchema = z.object({
  threshold: z.number(),
  flagged: z.number(),
  truePositives: z.number(),
  precision: z.number().nullable(),
  recall: z.number().nullable(),
});

/** Figures on a period the model was not trained on (NaN is written as null). */
export const HeldOutMetricsSchema = z.object({
  since: z.string(),
  until: z.string(),
  transactions: z.number().int().min(0),
  frauds: z.number().int().min(0),
  /** Transactions left out as the Handbook does (cards known to be compromised by then). */
  excludedKnownCompromised: z.number().int().min(0),
  aucRoc: z.number().nullable(),
  averagePrecision: z.number().nullable(),
  cardPrecisionAt100: z.number().nullable(),
  review: ThresholdFiguresSchema,
  fraud: ThresholdFiguresSchema,
});
export type HeldOutMetrics = z.infer<typeof HeldOutMetricsSchema>;

const TreeSchema = z.object({
  feature: z.array(z.number().int().min(-1)),
  threshold: z.array(z.number()),
  left: z.array(z.number().int().min(-1)),
  right: z.array(z.number().int().min(-1)),
  value: z.array(z.number()),
  cover: z.array(z.number().min(0)),
});

export const ModelFileSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  formatVersion: z.literal(MODEL_FORMAT_VERSION),
  /** What the model is (e.g. "handbook"), and which training of it. */
  id: z.string().min(1).max(200),
  version: z.string().min(1).max(200),
  createdAt: z.string(),
  /** Feature names in the order of the vector the trees read (`source.count_24h`, …). */
  features: z.array(z.string().min(1)).min(1),
  training: z.object({
    since: z.string(),
    until: z.string(),
    delayDays: z.number().min(0),
    rows: z.number().int().min(0),
    frauds: z.number().int().min(0),
    seconds: z.number().min(0),
  }),
  library: z.object({ name: z.string(), version: z.string(), runtime: z.string() }),
  hyperParameters: z.record(z.string(), z.union([z.number(), z.string(), z.boolean()])),
  metrics: z.object({ heldOut: HeldOutMetricsSchema.optional() }),
  model: z.object({ kind: z.literal('gbdt-logistic'), baseScore: z.number(), trees: z.array(TreeSchema).min(1) }),
});
export type ModelFile = z.infer<typeof ModelFileSchema>;

/**
 * Checks a parsed model file: its format and version first (FRAUD_MODEL_FORMAT), then
 * its shape and trees (FRAUD_MODEL_INVALID, every problem listed), then, when the
 * detector's feature names are given, that it computes every feature the model reads
 * (FRAUD_MODEL_FEATURES). A model is refused whole rather than scored half-blind.
 */
export function validateModel(value: unknown, options: { availableFeatures?: ReadonlySet<string> } = {}): ModelFile {
  const head = z.object({ format: z.unknown(), formatVersion: z.unknown() }).safeParse(value);
  if (!head.success || head.data.format !== MODEL_FORMAT || head.data.formatVersion !== MODEL_FORMAT_VERSION) {
    const found = head.success ? `${String(head.data.format)} version ${String(head.data.formatVersion)}` : 'not an object';
    throw new FraudError('FRAUD_MODEL_FORMAT', `expected a ${MODEL_FORMAT} file of format version ${MODEL_FORMAT_VERSION}`, {
      problems: [`found: ${found}`],
    });
  }
  const parsed = ModelFileSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(file)'}: ${issue.message}`);
    throw new FraudError('FRAUD_MODEL_INVALID', 'the model file does not have the expected shape', { problems });
  }
  const model = parsed.data;
  const problems = model.model.trees.flatMap((tree, t) => treeProblems(tree, model.features.length).map((p) => `model.trees.${t}: ${p}`));
  if (new Set(model.features).size !== model.features.length) problems.push('features: a feature is listed twice');
  if (problems.length > 0) throw new FraudError('FRAUD_MODEL_INVALID', 'the model file has broken trees', { problems });
  const available = options.availableFeatures;
  if (available) {
    const missing = model.features.filter((name) => !available.has(name));
    if (missing.length > 0) {
      throw new FraudError('FRAUD_MODEL_FEATURES', `the model reads ${missing.length} feature(s) this detector does not compute`, {
        problems: missing.map((name) => `missing feature: ${name}`),
      });
    }
  }
  return model;
}

/** A tree must be a tree: arrays of one length, children after their parent (so no cycle), features in range. */
function treeProblems(tree: Tree, featureCount: number): string[] {
  const n = tree.feature.length;
  if ([tree.threshold, tree.left, tree.right, tree.value, tree.cover].some((a) => a.length !== n)) return ['node arrays differ in length'];
  const problems: string[] = [];
  for (let i = 0; i < n && problems.length < 5; i++) {
    const f = tree.feature[i] as number;
    if (f < 0) continue;
    const l = tree.left[i] as number;
    const r = tree.right[i] as number;
    if (f >= featureCount) problems.push(`node ${i} reads feature ${f}, past the ${featureCount} listed`);
    if (!(l > i && l < n && r > i && r < n && l !== r)) problems.push(`node ${i} has children ${l} and ${r}, not later nodes of the tree`);
  }
  return problems;
}

export function ensembleOf(model: ModelFile): Ensemble {
  return model.model;
}
