import { featureNames } from '../../model/flatten.ts';
import { validateModel, type ModelFile } from '../../model/format.ts';
import { parseModelText, readModelFile } from '../../model/io.ts';
import { ModelScorer } from '../../model/model-scorer.ts';
import { compileRuleset } from '../rules/ruleset.ts';
import { newFeatureView, observe } from '../features/extract.ts';
import { DEFAULT_LIMITS } from '../state/limits.ts';
import { EntityStore } from '../state/store.ts';

/** A model the detector runs: validated against the features it computes, compiled for scoring. */
export interface LoadedModel {
  id: string;
  version: string;
  /** Where it came from: a file, or the rules topic's record. */
  origin: string;
  scorer: ModelScorer;
}

let available: ReadonlySet<string> | undefined;

/**
 * Every feature name this detector computes: what a model may read. Read off the
 * features of one transaction observed into a throwaway state (the features object's
 * getters need a transaction), as the trainer reads them off the first of its history.
 */
export function detectorFeatureNames(): ReadonlySet<string> {
  if (available) return available;
  const store = new EntityStore({ limits: DEFAULT_LIMITS, partitions: 1, memoryBytes: Number.POSITIVE_INFINITY });
  const { features: settings, channels, lists } = compileRuleset({ rules: [] });
  const view = newFeatureView();
  const features = observe(view, { id: 'probe', source: 'A', target: 'B', amount: 1, currency: 'EUR' }, 0, { store, limits: DEFAULT_LIMITS, settings, channels, lists });
  available = new Set(featureNames(features));
  return available;
}

/** Loads and checks a model file; throws FRAUD_MODEL_* with every problem (exit code 2 at start-up). */
export function loadModelFile(path: string): LoadedModel {
  return loaded(readModelFile(path, { availableFeatures: detectorFeatureNames() }), path);
}

/** A model from its text (a published artifact's content), checked as a file is. */
export function loadModelText(text: string, origin: string, version?: string): LoadedModel {
  return loaded(parseModelText(text, origin, { availableFeatures: detectorFeatureNames() }), origin, version);
}

/** A model already parsed (tests, the trainer's output), checked as a file is. */
export function loadModel(value: unknown, origin: string): LoadedModel {
  return loaded(validateModel(value, { availableFeatures: detectorFeatureNames() }), origin);
}

function loaded(model: ModelFile, origin: string, version?: string): LoadedModel {
  return { id: model.id, version: version ?? model.version, origin, scorer: new ModelScorer(model) };
}
