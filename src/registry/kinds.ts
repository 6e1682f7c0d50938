import type { ArtifactKind } from '../domain/artifact.ts';
import { FraudError } from '../errors.ts';
import { parseRulesetText } from '../detector/rules/load.ts';
import { detectorFeatureNames } from '../detector/model/loaded.ts';
import { parseModelText } from '../model/io.ts';
import type { ModelFile } from '../model/format.ts';

/** What the registry needs to know about one kind of artifact. */
export interface ArtifactHandler {
  kind: ArtifactKind;
  /** Key on the rules topic when none is given. */
  defaultName: string;
  /**
   * Validates the content as a detector would before running it, and returns the version
   * it declares and a summary for people ("12 rules"). Throws FRAUD_RULES_INVALID with
   * every problem.
   */
  check(content: string, origin: string): { declaredVersion: string; summary: string };
  /** The content as the structure a diff compares (defaults filled in). */
  definition(content: string, origin: string): unknown;
}

const rulesetHandler: ArtifactHandler = {
  kind: 'ruleset',
  defaultName: 'default',
  check(content, origin) {
    const ruleset = parseRulesetText(content, origin);
    return { declaredVersion: ruleset.version, summary: `${ruleset.rules.length} rule(s)` };
  },
  definition: (content, origin) => parseRulesetText(content, origin).definition,
};

/** A model is checked as a detector loads it: format, trees, and every feature it reads computed here. */
function checkedModel(content: string, origin: string): ModelFile {
  return parseModelText(content, origin, { availableFeatures: detectorFeatureNames() });
}

const modelHandler: ArtifactHandler = {
  kind: 'model',
  defaultName: 'model',
  check(content, origin) {
    const model = checkedModel(content, origin);
    const heldOut = model.metrics.heldOut;
    const figures = heldOut?.averagePrecision != null ? `, held-out AP ${heldOut.averagePrecision.toFixed(3)}` : '';
    return { declaredVersion: `${model.id}@${model.version}`.slice(0, 100), summary: `${model.model.trees.length} trees on ${model.features.length} features${figures}` };
  },
  // What a diff compares: everything but the trees (thousands of numbers no one reads).
  definition(content, origin) {
    const { model: ensemble, ...rest } = checkedModel(content, origin);
    return { ...rest, model: { kind: ensemble.kind, trees: ensemble.trees.length, baseScore: ensemble.baseScore } };
  },
};

/** One handler per kind the registry can publish. */
const HANDLERS: Partial<Record<ArtifactKind, ArtifactHandler>> = { ruleset: rulesetHandler, model: modelHandler };

export function handlerFor(kind: ArtifactKind): ArtifactHandler {
  const handler = HANDLERS[kind];
  if (!handler) throw new FraudError('FRAUD_USAGE', `${kind}s cannot be published through the registry yet`, { problems: [`kind: "${kind}" has no handler`] });
  return handler;
}

export function hasHandler(kind: ArtifactKind): boolean {
  return HANDLERS[kind] !== undefined;
}
