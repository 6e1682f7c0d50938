import type { PublishedArtifact } from '../../src/domain/artifact.ts';
import { contentDigest } from '../../src/registry/index.ts';

export interface RuleSpec {
  id: string;
  when?: string;
  score?: number;
  shadow?: boolean;
  description?: string;
}

/** A small ruleset's YAML text: a version, thresholds, a block list and rules. */
export function aRulesetText(options: { version?: string; review?: number; blocked?: string[]; smallAmount?: number; rules?: RuleSpec[] } = {}): string {
  const rules = options.rules ?? [{ id: 'big', when: 'tx.amount >= 900.0', score: 60 }];
  const lines = [
    ...(options.version === undefined ? [] : [`version: ${options.version}`]),
    `thresholds: { review: ${options.review ?? 50}, fraud: 80 }`,
    ...(options.smallAmount === undefined ? [] : [`features: { smallAmount: ${options.smallAmount} }`]),
    `lists: { blocked: { accounts: [${(options.blocked ?? []).join(', ')}] } }`,
    'rules:',
    ...rules.map(
      (rule) =>
        `  - { id: ${rule.id}, description: "${rule.description ?? `rule ${rule.id}`}", when: "${rule.when ?? 'tx.amount > 1.0'}", score: ${rule.score ?? 10}, reason: "hit", shadow: ${rule.shadow ?? false} }`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}

let sequence = 0;

/** An audit entry as the registry writes it. */
export function anEntry(overrides: Partial<PublishedArtifact> & { content?: string } = {}): PublishedArtifact {
  sequence++;
  const content = overrides.content ?? aRulesetText({ version: overrides.version ?? `v${sequence}` });
  return {
    id: `entry-${sequence}`,
    kind: 'ruleset',
    name: 'default',
    version: `v${sequence}`,
    declaredVersion: overrides.version ?? `v${sequence}`,
    digest: contentDigest(content),
    content,
    author: 'ana',
    note: 'a note',
    publishedAt: new Date(1_700_000_000_000 + sequence * 1000).toISOString(),
    action: 'publish',
    previous: null,
    via: 'cli',
    ...overrides,
  };
}
