import type { RuleDefinition, RulesetDefinition } from '../detector/rules/ruleset.ts';

/** One field that differs; `null` stands for "absent" on that side. */
export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

/** Ids added to and removed from one allow or block list: counts, and the first ones by name. */
export interface ListChange {
  list: string;
  addedCount: number;
  removedCount: number;
  added: string[];
  removed: string[];
}

export interface RuleChange {
  id: string;
  fields: FieldChange[];
}

export interface RulesetDiff {
  /** True when nothing but the version differs. */
  same: boolean;
  version: FieldChange | null;
  thresholds: FieldChange[];
  features: FieldChange[];
  lists: ListChange[];
  rules: { added: RuleDefinition[]; removed: RuleDefinition[]; changed: RuleChange[]; reordered: boolean };
}

/** Ids of a list change shown by name; the rest are counted. */
export const LIST_SAMPLE = 20;

const RULE_FIELDS = ['description', 'when', 'score', 'reason', 'shadow', 'enabled'] as const satisfies ReadonlyArray<keyof RuleDefinition>;

type ListPath = readonly ['blocked' | 'allowed', string];
const LIST_PATHS: readonly ListPath[] = [
  ['blocked', 'accounts'],
  ['blocked', 'cards'],
  ['blocked', 'devices'],
  ['blocked', 'ips'],
  ['allowed', 'accounts'],
];

/**
 * What changes from ruleset `a` to ruleset `b`, on their definitions with defaults filled
 * in (a threshold left to its default and the default written out are the same): rules
 * by id (added, removed, changed with the fields that changed), thresholds, feature
 * settings and list entries. Order of rules matters only for the order of reasons, so it
 * is one flag.
 */
export function diffRulesets(a: RulesetDefinition, b: RulesetDefinition, versions: { a: string; b: string }): RulesetDiff {
  const rules = diffRules(a.rules, b.rules);
  const thresholds = diffFlat(a.thresholds, b.thresholds);
  const features = diffFlat(a.features, b.features);
  const lists = LIST_PATHS.flatMap((path) => diffList(path, a, b));
  const same = thresholds.length + features.length + lists.length + rules.added.length + rules.removed.length + rules.changed.length === 0 && !rules.reordered;
  return { same, version: versions.a === versions.b ? null : { field: 'version', from: versions.a, to: versions.b }, thresholds, features, lists, rules };
}

function diffRules(a: RuleDefinition[], b: RuleDefinition[]): RulesetDiff['rules'] {
  const before = new Map(a.map((rule) => [rule.id, rule]));
  const after = new Map(b.map((rule) => [rule.id, rule]));
  const changed: RuleChange[] = [];
  for (const rule of b) {
    const old = before.get(rule.id);
    if (!old) continue;
    const fields = RULE_FIELDS.filter((field) => old[field] !== rule[field]).map((field) => ({ field, from: old[field], to: rule[field] }));
    if (fields.length > 0) changed.push({ id: rule.id, fields });
  }
  const kept = (rules: RuleDefinition[], other: Map<string, RuleDefinition>) => rules.filter((rule) => other.has(rule.id)).map((rule) => rule.id);
  return {
    added: b.filter((rule) => !before.has(rule.id)),
    removed: a.filter((rule) => !after.has(rule.id)),
    changed,
    reordered: kept(a, after).join('\n') !== kept(b, before).join('\n'),
  };
}

function diffFlat(a: object, b: object): FieldChange[] {
  const before = a as Record<string, unknown>;
  const after = b as Record<string, unknown>;
  const fields = [...new Set([...Object.keys(before), ...Object.keys(after)])];
  // Nested settings (the channel vocabulary) are compared by value.
  const same = (x: unknown, y: unknown): boolean => x === y || (typeof x === 'object' && JSON.stringify(x) === JSON.stringify(y));
  return fields.filter((field) => !same(before[field], after[field])).map((field) => ({ field, from: before[field] ?? null, to: after[field] ?? null }));
}

function diffList(path: ListPath, a: RulesetDefinition, b: RulesetDefinition): ListChange[] {
  const [group, name] = path;
  const of = (ruleset: RulesetDefinition): string[] => (ruleset.lists[group] as Record<string, string[]>)[name] ?? [];
  const before = new Set(of(a));
  const after = new Set(of(b));
  const added = [...after].filter((id) => !before.has(id)).sort();
  const removed = [...before].filter((id) => !after.has(id)).sort();
  if (added.length + removed.length === 0) return [];
  return [{ list: `${group}.${name}`, addedCount: added.length, removedCount: removed.length, added: added.slice(0, LIST_SAMPLE), removed: removed.slice(0, LIST_SAMPLE) }];
}

/** Changes listed by a generic diff at most; the rest are counted. */
export const GENERIC_LIMIT = 200;

/**
 * Leaf by leaf, for artifacts without a diff of their own (models until they have one):
 * JSON paths whose values differ, objects walked by key and arrays by index.
 */
export function diffValues(a: unknown, b: unknown): { changes: FieldChange[]; total: number } {
  const changes: FieldChange[] = [];
  let total = 0;
  const walk = (left: unknown, right: unknown, path: string): void => {
    if (isContainer(left) && isContainer(right) && Array.isArray(left) === Array.isArray(right)) {
      const l = left as Record<string, unknown>;
      const r = right as Record<string, unknown>;
      for (const key of new Set([...Object.keys(l), ...Object.keys(r)])) walk(l[key], r[key], Array.isArray(left) ? `${path}[${key}]` : path === '' ? key : `${path}.${key}`);
      return;
    }
    if (JSON.stringify(left) === JSON.stringify(right)) return;
    total++;
    if (changes.length < GENERIC_LIMIT) changes.push({ field: path || '(root)', from: left ?? null, to: right ?? null });
  };
  walk(a, b, '');
  return { changes, total };
}

function isContainer(value: unknown): value is object {
  return typeof value === 'object' && value !== null;
}
