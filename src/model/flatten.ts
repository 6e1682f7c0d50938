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

/**
 * Where a group object says some of its fields live: field `name` is `read()[slot]`.
 * The detector's window and label fields are getters that each call their group's
 * `read` (memoised per transaction) and index its array; a model reads over a hundred
 * of them per transaction, and through the getters that is a hundred calls of a getter,
 * of `read` and of its memo check, most too many for V8 to inline. Declared, the
 * vectorizer calls each group's `read` once and copies the slots. Only a value the
 * getter would give is declared: both paths read the same array.
 */
const ARRAY_FIELDS = Symbol('fraud.arrayFields');
interface ArrayField {
  read: () => ArrayLike<number>;
  slot: number;
}
type WithArrayFields = { [ARRAY_FIELDS]?: Map<string, ArrayField> };

/** Declares that `group[name]` is always `read()[slot]` (a number). */
export function declareArrayField(group: object, name: string, read: () => ArrayLike<number>, slot: number): void {
  let fields = (group as WithArrayFields)[ARRAY_FIELDS];
  if (!fields) {
    fields = new Map();
    Object.defineProperty(group, ARRAY_FIELDS, { value: fields, enumerable: false });
  }
  fields.set(name, { read, slot });
}

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
  readonly #compiled: CompiledFill | undefined;
  /**
   * The compiled fill bound to each features object it was given (its groups' arrays):
   * one per feature view, and a backtest's two sides may share one model.
   */
  readonly #bindings = new WeakMap<object, BoundFill>();
  #lastFeatures: object | undefined;
  #lastFill: BoundFill | undefined;

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
      let bound = this.#lastFeatures === features ? this.#lastFill : this.#bindings.get(features);
      if (!bound || !bound(out, offset)) {
        // A new features object, or one whose groups were replaced since: bind anew.
        bound = this.#compiled(features);
        this.#bindings.set(features, bound);
        bound(out, offset);
      }
      this.#lastFeatures = features;
      this.#lastFill = bound;
      return;
    }
    const paths = this.#paths;
    for (let i = 0; i < paths.length; i++) out[offset + i] = numberAt(features as Node, paths[i] as string[]);
  }
}

/** A fill for one features object: false (and nothing written) if its groups are no longer those it was bound to. */
type BoundFill = (out: Float64Array, offset: number) => boolean;
type CompiledFill = (features: object) => BoundFill;

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
 * scoring in the stream after the trees. A field its group declares an array slot
 * (declareArrayField) is copied from that array instead, each group's `read` called
 * once per fill. Only for names that are plain identifiers (what featureNames gives);
 * anything else keeps the generic walk, so no file's text ever becomes code.
 */
function compiledFill(names: readonly string[]): CompiledFill | undefined {
  if (!names.every((name) => PLAIN_PATH.test(name))) return undefined;
  return (features) => {
    const groups: object[] = [];
    const groupPaths: string[] = [];
    const reads: Array<() => ArrayLike<number>> = [];
    const lines = names.map((name, i) => {
      const parts = name.split('.');
      const field = parts.at(-1) as string;
      const groupPath = parts.slice(0, -1);
      const group = groupPath.length > 0 ? objectAt(features as Node, groupPath) : undefined;
      const declared = group ? (group as WithArrayFields)[ARRAY_FIELDS]?.get(field) : undefined;
      if (group && declared && Object.hasOwn(group, field)) {
        let g = groups.indexOf(group);
        if (g < 0) g = groups.push(group) - 1;
        groupPaths[g] = `f.${groupPath.join('?.')}`;
        let r = reads.indexOf(declared.read);
        if (r < 0) r = reads.push(declared.read) - 1;
        return `out[o + ${i}] = a${r}[${declared.slot}];`;
      }
      // Every step but the last must be an object, as numberAt checks.
      const guards = groupPath.map((_, j) => `(g = ${j === 0 ? 'f' : 'g'}.${parts[j]}) !== null && typeof g === 'object'`);
      const read = `${parts.length === 1 ? 'f' : 'g'}.${field}`;
      const value = guards.length > 0 ? `(${guards.join(' && ')}) ? ${read} : undefined` : read;
      return `v = ${value}; out[o + ${i}] = typeof v === 'number' ? v : v === true ? 1 : v === false ? 0 : NaN;`;
    });
    // A declared slot is only right for the group object that declared it: checked before every fill.
    const check = groupPaths.map((path, g) => `${path} !== G[${g}]`).join(' || ');
    const body = [
      `return (out, o) => {`,
      `let g; let v;`,
      ...(check ? [`if (${check}) return false;`] : []),
      ...reads.map((_, r) => `const a${r} = R[${r}]();`),
      ...lines,
      `return true;`,
      `};`,
    ].join('\n');
    return new Function('f', 'G', 'R', body)(features, groups, reads) as BoundFill;
  };
}

/** The object at `path` of `root`, if every step is one. */
function objectAt(root: Node, path: readonly string[]): object | undefined {
  let node: unknown = root;
  for (const part of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Node)[part];
  }
  return node !== null && typeof node === 'object' ? node : undefined;
}
