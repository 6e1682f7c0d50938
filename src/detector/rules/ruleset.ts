import { createHash } from 'node:crypto';
import { z } from 'zod';
import { FraudError } from '../../errors.ts';
import { ChannelVocabulary } from '../features/channels.ts';
import { FeatureSettingsSchema, type FeatureSettings } from '../features/settings.ts';
import { compileExpression, type CompiledExpression } from './cel.ts';
import { compileTemplate, type CompiledTemplate } from './template.ts';

/** A ruleset as users write it (YAML or JSON): rules are data, thresholds map scores to verdicts. */
export const RuleDefinitionSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lowercase letters, digits and "-", at most 64'),
  description: z.string().min(1),
  when: z.string().min(1),
  /** Negative scores lower the total: an allow-list rule can outweigh weak signals. */
  score: z.number().min(-100).max(100),
  reason: z.string().min(1),
  /** Evaluated and counted, but never changes a verdict: how a new rule is tried on live traffic. */
  shadow: z.boolean().default(false),
  enabled: z.boolean().default(true),
});

const idList = z.array(z.string().min(1).max(256)).max(1_000_000).default([]);

/** Allow and block lists: looked up in O(1) per transaction, exposed to rules as `f.lists.*`. */
export const ListsSchema = z
  .object({
    blocked: z.object({ accounts: idList, cards: idList, devices: idList, ips: idList }).prefault({}),
    allowed: z.object({ accounts: idList }).prefault({}),
  })
  .prefault({});

export const RulesetDefinitionSchema = z
  .object({
    version: z.string().min(1).max(64).optional(),
    lists: ListsSchema,
    features: FeatureSettingsSchema,
    thresholds: z
      .object({ review: z.number().min(0).max(100).default(50), fraud: z.number().min(0).max(100).default(80) })
      .prefault({}),
    rules: z.array(RuleDefinitionSchema),
  })
  .superRefine((ruleset, context) => {
    if (ruleset.thresholds.review > ruleset.thresholds.fraud) {
      context.addIssue({ code: 'custom', path: ['thresholds'], message: 'review must not be above fraud' });
    }
    const ids = new Set<string>();
    ruleset.rules.forEach((rule, index) => {
      if (ids.has(rule.id)) context.addIssue({ code: 'custom', path: ['rules', index, 'id'], message: `duplicate rule id "${rule.id}"` });
      ids.add(rule.id);
    });
  });

export type RuleDefinition = z.infer<typeof RuleDefinitionSchema>;
export type RulesetDefinition = z.infer<typeof RulesetDefinitionSchema>;
export type Lists = z.infer<typeof ListsSchema>;

export interface CompiledRule {
  id: string;
  description: string;
  score: number;
  shadow: boolean;
  when: CompiledExpression;
  reason: CompiledTemplate;
  /** The `tx.*` and `f.*.*` paths the expression reads: the evidence shown with a hit. */
  reads: string[];
}

const READ_PATHS = /\b(?:f\.[a-z_]+\.[a-z0-9_]+|tx\.[A-Za-z_][A-Za-z0-9_]*)/g;

function pathsRead(expression: string): string[] {
  return [...new Set(expression.match(READ_PATHS) ?? [])];
}

/** The lists as sets: one hash lookup per transaction, whatever their length. */
export interface CompiledLists {
  blockedAccounts: ReadonlySet<string>;
  blockedCards: ReadonlySet<string>;
  blockedDevices: ReadonlySet<string>;
  blockedIps: ReadonlySet<string>;
  allowedAccounts: ReadonlySet<string>;
}

export interface Ruleset {
  version: string;
  thresholds: { review: number; fraud: number };
  rules: CompiledRule[];
  lists: CompiledLists;
  features: FeatureSettings;
  /** The channel vocabulary of `features.channels`, compiled. */
  channels: ChannelVocabulary;
  definition: RulesetDefinition;
}

/**
 * Validates and compiles a ruleset, listing every problem (schema and CEL syntax) so
 * that a bad ruleset is refused whole and the running one stays.
 */
export function compileRuleset(input: unknown): Ruleset {
  const parsed = RulesetDefinitionSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'ruleset'}: ${issue.message}`);
    throw new FraudError('FRAUD_RULES_INVALID', 'the ruleset is invalid', { problems });
  }
  const definition = parsed.data;
  const problems: string[] = [];
  const rules: CompiledRule[] = [];
  for (const rule of definition.rules.filter((candidate) => candidate.enabled)) {
    try {
      rules.push({
        id: rule.id,
        description: rule.description,
        score: rule.score,
        shadow: rule.shadow,
        when: compileExpression(rule.when),
        reason: compileTemplate(rule.reason),
        reads: pathsRead(rule.when),
      });
    } catch (error) {
      problems.push(`rule ${rule.id}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
    }
  }
  if (problems.length > 0) throw new FraudError('FRAUD_RULES_INVALID', 'the ruleset does not compile', { problems });
  return {
    version: definition.version ?? contentVersion(definition),
    thresholds: definition.thresholds,
    rules,
    lists: compileLists(definition.lists),
    features: definition.features,
    channels: new ChannelVocabulary(definition.features.channels),
    definition,
  };
}

function compileLists(lists: Lists): CompiledLists {
  return {
    blockedAccounts: new Set(lists.blocked.accounts),
    blockedCards: new Set(lists.blocked.cards),
    blockedDevices: new Set(lists.blocked.devices),
    blockedIps: new Set(lists.blocked.ips),
    allowedAccounts: new Set(lists.allowed.accounts),
  };
}

/** A version derived from content, so two different rulesets never share one by accident. */
function contentVersion(definition: RulesetDefinition): string {
  return `sha-${createHash('sha256').update(JSON.stringify(definition)).digest('hex').slice(0, 10)}`;
}
