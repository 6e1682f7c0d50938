import { FeatureVectorizer } from './flatten.ts';
import type { ModelFile } from './format.ts';
import { CompiledEnsemble } from './scorer.ts';
import { LeafPathExplainer } from './shap-leaves.ts';

export interface Contribution {
  feature: string;
  value: number;
  /** Log-odds this feature added to the score (TreeSHAP). */
  contribution: number;
}

/**
 * A loaded model ready for the stream: reads its features from the detector's `f`
 * object into one reused vector, scores it, and on demand says which features pushed
 * the score up. One per partition or thread (it reuses its buffers); allocates nothing
 * per score.
 */
export class ModelScorer {
  readonly model: ModelFile;
  readonly #vectorizer: FeatureVectorizer;
  readonly #compiled: CompiledEnsemble;
  readonly #vector: Float64Array;
  /** Positions in the model's vector of the features its trees split on, and their values for this transaction. */
  readonly #used: Int32Array;
  readonly #usedValues: Float64Array;
  #explainer: LeafPathExplainer | undefined;
  #phi: Float64Array | undefined;

  constructor(model: ModelFile) {
    this.model = model;
    this.#compiled = new CompiledEnsemble(model.model);
    // Only the features some split reads are computed: a feature is a getter over the
    // entity state, and a model commonly splits on less than half of those it was offered.
    this.#used = Int32Array.from(new Set(model.model.trees.flatMap((tree) => tree.feature.filter((f) => f >= 0)))).sort();
    this.#vectorizer = new FeatureVectorizer([...this.#used].map((i) => model.features[i] as string));
    this.#usedValues = new Float64Array(this.#used.length);
    // The others stay NaN: no tree reads them, and TreeSHAP gives them nothing.
    this.#vector = new Float64Array(model.features.length).fill(Number.NaN);
  }

  /** Features the trees split on (the rest are never computed for scoring). */
  get usedFeatures(): number {
    return this.#used.length;
  }

  /** Probability of fraud for the features of the transaction being decided. */
  score(features: object): number {
    const used = this.#used;
    const values = this.#usedValues;
    const vector = this.#vector;
    this.#vectorizer.fill(features, values);
    for (let i = 0; i < used.length; i++) vector[used[i] as number] = values[i] as number;
    return this.#compiled.probability(vector);
  }

  /**
   * The features that pushed the last scored transaction's score up the most, largest
   * first (call right after `score`, before the features object moves on).
   */
  topContributions(limit: number): Contribution[] {
    this.#explainer ??= new LeafPathExplainer(this.#compiled);
    this.#phi ??= new Float64Array(this.#vector.length);
    const phi = this.#explainer.contributions(this.#vector, this.#phi);
    const order: number[] = [];
    for (let i = 0; i < phi.length; i++) if ((phi[i] as number) > 0) order.push(i);
    order.sort((a, b) => (phi[b] as number) - (phi[a] as number));
    return order.slice(0, limit).map((i) => ({ feature: this.model.features[i] as string, value: this.#vector[i] as number, contribution: phi[i] as number }));
  }
}
