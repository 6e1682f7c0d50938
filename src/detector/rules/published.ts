import { looksLikeArtifact, PublishedArtifactSchema } from '../../domain/artifact.ts';
import { FraudError } from '../../errors.ts';
import { parseRulesetText } from './load.ts';
import type { Ruleset } from './ruleset.ts';

export type PublishedRuleset = { kind: 'ruleset'; ruleset: Ruleset } | { kind: 'other'; artifactKind: string };

/**
 * A record of the rules topic as the detector reads it: a published artifact (what
 * `fraud rules publish` writes, with author, note and the version it goes by) or a bare
 * ruleset (what was published before artifacts, or by another client). A ruleset
 * artifact's version is the published one, so decisions name the version in force even
 * when it was renamed at publication. Other kinds (models) are left to their reader,
 * whatever else they hold. Throws FRAUD_RULES_INVALID with every problem.
 */
export function parsePublishedRuleset(text: string, origin: string): PublishedRuleset {
  if (!looksLikeArtifact(text)) return { kind: 'ruleset', ruleset: parseRulesetText(text, origin) };
  const value = JSON.parse(text) as { kind?: unknown };
  if (value.kind !== 'ruleset') return { kind: 'other', artifactKind: String(value.kind) };
  const parsed = PublishedArtifactSchema.safeParse(value);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'record'}: ${issue.message}`);
    throw new FraudError('FRAUD_RULES_INVALID', `${origin} is not a valid published ruleset`, { problems });
  }
  const artifact = parsed.data;
  const ruleset = parseRulesetText(artifact.content, origin);
  return { kind: 'ruleset', ruleset: { ...ruleset, version: artifact.version } };
}
