import type { ArtifactKind } from '../domain/artifact.ts';
import { FraudError } from '../errors.ts';
import { parseRulesetText } from '../detector/rules/load.ts';

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

/**
 * One handler per kind the registry can publish. Models join with their own handler
 * (their file declares its id and version); until then publishing one is refused.
 */
const HANDLERS: Partial<Record<ArtifactKind, ArtifactHandler>> = { ruleset: rulesetHandler };

export function handlerFor(kind: ArtifactKind): ArtifactHandler {
  const handler = HANDLERS[kind];
  if (!handler) throw new FraudError('FRAUD_USAGE', `${kind}s cannot be published through the registry yet`, { problems: [`kind: "${kind}" has no handler`] });
  return handler;
}

export function hasHandler(kind: ArtifactKind): boolean {
  return HANDLERS[kind] !== undefined;
}
