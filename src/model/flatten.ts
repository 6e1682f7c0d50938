/**
 * The model's view of the detector's features: every number and boolean of the `f`
 * object rules see, flattened to `group.field` names in the order the features object
 * defines them. Discovered rather than listed, so a feature added to the detector is a
 * model input at the next training, and the vector is filled from the very object the
 * rules read, so training and scoring cannot compute a feature differently.
 */

/** Groups of `f` that are not model inputs: block and allow lists are policy, and the model's own score is its output. */
export const EXCLUDED_GROUPS: readonly string[] = ['lists', 'model'];

type Node = Record<string, unknown>;

/** `group.field` of every number or boolean in a features object (nested groups joined by dots). */
export function featureNames(features: object, excluded: readonly string[] = EXCLUDED_GROUPS): string[] {
  const names: string[] = [];
  const walk = (node: Node, prefix: string): void => {
    for (const key of Object.keys(node)) {
      if (prefix === '' && excluded.includes(key)) continue;
      const value = node[key];
      const name = prefix === '' ? key : `${prefix}.${key}`;
      if (typeof value === 'number' || typeof value === 'boolean') names.push(name);
      else if (value !== null && typeof value === 'object') walk(value as Node, name);
    }
  };
  walk(features as Node, '');
  return names;
}

/**
 * Fills feature vectors in a fixed order of names. A name the features object does not
 * have reads as NaN (the trees send NaN right, as in training), booleans as 1 or 0.
 */
export class FeatureVectorizer {
  readonly names: readonly string[];
  readonly #paths: string[][];
  readonly #compiled: ((features: object, out: Float64Array, offset: number) => void) | undefined;

  constructor(names: readonly string[]) {
    this.names = names;
    this.#paths = names.map((name) => name.split('.'));
    this.#compiled = compiledFill(names);
  }

  get width(): number {
    return this.names.length;
  }

  /** Writes the features into out[offset .. offset + width). */
  fill(features: object, out: Float64Array, offset = 0): void {
    if (this.#compiled) {
      this.#compiled(features, out, offset);
      return;
    }
    const paths = this.#paths;
    for (let i = 0; i < paths.length; i++) out[offset + i] = numberAt(features as Node, paths[i] as string[]);
  }
}

function numberAt(root: Node, path: string[]): number {
  let node: unknown = root;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return Number.NaN;
    node = (node as Node)[part];
  }
  if (typeof node === 'number') return node;
  if (typeof node === 'boolean') return node ? 1 : 0;
  return Number.NaN;
}

/** Names that are plain identifiers joined by dots: safe to write into code as property accesses. */
const PLAIN_PATH = /^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$/;

/**
 * The fill as straight-line code, one property read per feature (`f.source.max_1h`):
 * each read site then has its own inline cache, where the generic walk's `node[part]`
 * is one megamorphic lookup for every feature of every group, the largest cost of
 * scoring in the stream after the trees. Only for names that are plain identifiers
 * (what featureNames gives); anything else keeps the generic walk, so no file's text
 * ever becomes code.
 */
function compiledFill(names: readonly string[]): ((features: object, out: Float64Array, offset: number) => void) | undefined {
  if (!names.every((name) => PLAIN_PATH.test(name))) return undefined;
  const lines = names.map((name, i) => {
    const parts = name.split('.');
    // Every step but the last must be an object, as numberAt checks.
    const guards = parts.slice(0, -1).map((_, j) => `(g = ${j === 0 ? 'f' : 'g'}.${parts[j]}) !== null && typeof g === 'object'`);
    const read = `${parts.length === 1 ? 'f' : 'g'}.${parts.at(-1)}`;
    const value = guards.length > 0 ? `(${guards.join(' && ')}) ? ${read} : undefined` : read;
    return `v = ${value}; out[o + ${i}] = typeof v === 'number' ? v : v === true ? 1 : v === false ? 0 : NaN;`;
  });
  return new Function('f', 'out', 'o', `let g; let v;\n${lines.join('\n')}`) as (features: object, out: Float64Array, offset: number) => void;
}
