import type { ArtifactKind } from '../domain/artifact.ts';
import type { RulesetDefinition } from '../detector/rules/ruleset.ts';
import { FraudError } from '../errors.ts';
import { diffRulesets, diffValues, type FieldChange, type RulesetDiff } from './diff.ts';
import { handlerFor } from './kinds.ts';

/** One side of a diff: a published version, or a file. */
export interface DiffSide {
  kind: ArtifactKind;
  /** What the user named: a version, "current" or a file path. */
  label: string;
  version: string;
  source: 'audit' | 'file';
  content: string;
}

export interface ArtifactDiff {
  kind: ArtifactKind;
  a: Omit<DiffSide, 'content' | 'kind'>;
  b: Omit<DiffSide, 'content' | 'kind'>;
  /** True when nothing but the version differs. */
  same: boolean;
  /** For rulesets: rules, thresholds, features and lists. */
  ruleset: RulesetDiff | null;
  /** For other kinds: the JSON leaves that differ (`total` counts those beyond the list). */
  generic: { changes: FieldChange[]; total: number } | null;
}

export function compareArtifacts(a: DiffSide, b: DiffSide): ArtifactDiff {
  if (a.kind !== b.kind) {
    throw new FraudError('FRAUD_USAGE', 'a diff compares two of one kind', { problems: [`${a.label} is a ${a.kind}, ${b.label} a ${b.kind}`] });
  }
  const handler = handlerFor(a.kind);
  const left = handler.definition(a.content, a.label);
  const right = handler.definition(b.content, b.label);
  const sides = { kind: a.kind, a: describe(a), b: describe(b) };
  if (a.kind === 'ruleset') {
    const ruleset = diffRulesets(left as RulesetDefinition, right as RulesetDefinition, { a: a.version, b: b.version });
    return { ...sides, same: ruleset.same, ruleset, generic: null };
  }
  const generic = diffValues(withoutVersion(left), withoutVersion(right));
  return { ...sides, same: generic.total === 0, ruleset: null, generic };
}

function describe(side: DiffSide): ArtifactDiff['a'] {
  return { label: side.label, version: side.version, source: side.source };
}

function withoutVersion(value: unknown): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const { version: _version, ...rest } = value as Record<string, unknown>;
  return rest;
}
