import { isRecord, text } from './messages.ts';

/**
 * The rules view's versions as the server sends them (/api/rules/versions, /diff,
 * /check), read defensively like every other answer: a different server version gives
 * an empty view, not a broken page.
 */
export interface VersionEntry {
  id: string;
  version: string;
  declaredVersion: string;
  action: 'publish' | 'rollback';
  author: string;
  note: string;
  publishedAt: string;
  previous: string;
  via: string;
}

export interface VersionHistory {
  /** The version in force and its publication's id ('' for a ruleset published without the audit trail). */
  current: { version: string; id: string } | undefined;
  entries: VersionEntry[];
}

export interface FieldChange {
  field: string;
  from: unknown;
  to: unknown;
}

export interface RuleSummary {
  id: string;
  when: string;
  score: number | undefined;
  shadow: boolean;
}

export interface DiffInfo {
  a: string;
  b: string;
  same: boolean;
  thresholds: FieldChange[];
  features: FieldChange[];
  lists: Array<{ list: string; addedCount: number; removedCount: number; added: string[]; removed: string[] }>;
  added: RuleSummary[];
  removed: RuleSummary[];
  changed: Array<{ id: string; fields: FieldChange[] }>;
  reordered: boolean;
  /** For artifacts other than rulesets: the JSON leaves that differ. */
  generic: FieldChange[];
}

export interface CheckInfo {
  version: string;
  renamed: boolean;
  unchanged: boolean;
  summary: string;
  diff: DiffInfo | undefined;
}

export function toHistory(raw: unknown): VersionHistory | undefined {
  if (!isRecord(raw) || !Array.isArray(raw.entries)) return undefined;
  const current = isRecord(raw.current) ? { version: text(raw.current.version), id: text(raw.current.id) } : undefined;
  return { current, entries: raw.entries.filter(isRecord).map(toEntry) };
}

function toEntry(raw: Record<string, unknown>): VersionEntry {
  return {
    id: text(raw.id),
    version: text(raw.version),
    declaredVersion: text(raw.declaredVersion),
    action: raw.action === 'rollback' ? 'rollback' : 'publish',
    author: text(raw.author),
    note: text(raw.note),
    publishedAt: text(raw.publishedAt),
    previous: text(raw.previous),
    via: text(raw.via),
  };
}

export function toDiff(raw: unknown): DiffInfo | undefined {
  if (!isRecord(raw) || !isRecord(raw.a) || !isRecord(raw.b)) return undefined;
  const ruleset = isRecord(raw.ruleset) ? raw.ruleset : {};
  const rules = isRecord(ruleset.rules) ? ruleset.rules : {};
  const generic = isRecord(raw.generic) ? raw.generic : {};
  return {
    a: text(raw.a.version),
    b: text(raw.b.version),
    same: raw.same === true,
    thresholds: changes(ruleset.thresholds),
    features: changes(ruleset.features),
    lists: records(ruleset.lists).map((list) => ({
      list: text(list.list),
      addedCount: count(list.addedCount),
      removedCount: count(list.removedCount),
      added: strings(list.added),
      removed: strings(list.removed),
    })),
    added: records(rules.added).map(toRule),
    removed: records(rules.removed).map(toRule),
    changed: records(rules.changed).map((rule) => ({ id: text(rule.id), fields: changes(rule.fields) })),
    reordered: rules.reordered === true,
    generic: changes(generic.changes),
  };
}

export function toCheck(raw: unknown): CheckInfo | undefined {
  if (!isRecord(raw) || typeof raw.version !== 'string') return undefined;
  return { version: raw.version, renamed: raw.renamed === true, unchanged: raw.unchanged === true, summary: text(raw.summary), diff: toDiff(raw.diff) };
}

function toRule(raw: Record<string, unknown>): RuleSummary {
  return { id: text(raw.id), when: text(raw.when), score: typeof raw.score === 'number' ? raw.score : undefined, shadow: raw.shadow === true };
}

function changes(value: unknown): FieldChange[] {
  return records(value).map((change) => ({ field: text(change.field), from: change.from, to: change.to }));
}

function records(value: unknown): Array<Record<string, unknown>> {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}
