import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { z } from 'zod';
import { DEFAULT_RULES_FILE, parseRulesetText } from '../detector/rules/load.ts';
import { FraudError } from '../errors.ts';
import { openLog, pipelineTopics } from '../log/open.ts';
import { addLogOptions, configAndOptions } from './options.ts';

const PublishOptions = z.object({
  name: z.string().regex(/^[a-z0-9-]{1,64}$/, 'must be lowercase letters, digits and "-"').default('default'),
  json: z.boolean().default(false),
});

/** `fraud rules check|publish`: validate a ruleset, and hand it to running detectors through the rules topic. */
export function rulesCommand(): Command {
  const rules = new Command('rules').description('check a ruleset, or publish it to running detectors (hot reload through the rules topic)');
  rules.addCommand(
    new Command('check')
      .description('compile a ruleset file and list every problem; exit code 2 when invalid')
      .argument('[file]', 'ruleset file, YAML or JSON', DEFAULT_RULES_FILE)
      .option('--json', 'print { file, version, rules, valid } as JSON')
      .action((file: string, flags: { json?: boolean }) => {
        const ruleset = parseRulesetText(readText(file), file);
        const summary = { file, version: ruleset.version, rules: ruleset.rules.length, valid: true };
        process.stdout.write(flags.json ? `${JSON.stringify(summary)}\n` : `${file}: version ${ruleset.version}, ${ruleset.rules.length} rule(s), valid\n`);
      }),
  );
  rules.addCommand(
    addLogOptions(new Command('publish'))
      .description('check a ruleset and publish it to the rules topic; every running detector applies it within seconds')
      .argument('<file>', 'ruleset file, YAML or JSON')
      .option('--name <name>', 'key of the ruleset on the compacted topic', 'default')
      .option('--rules-topic <name>', 'env RULES_TOPIC')
      .option('--json', 'print { version, rules, topic, name } as JSON')
      .action(async (file: string, flags: Record<string, unknown>) => {
        const { config, options } = configAndOptions(PublishOptions, flags);
        if (typeof flags.rulesTopic === 'string') config.topics.rules = flags.rulesTopic;
        const text = readText(file);
        const ruleset = parseRulesetText(text, file); // refuse before anyone sees it
        const log = await openLog(config);
        try {
          await log.ensureTopics(pipelineTopics(config));
          const producer = await log.createProducer();
          await producer.send([{ topic: config.topics.rules, key: options.name, value: text }]);
          await producer.close();
        } finally {
          await log.close();
        }
        const published = { version: ruleset.version, rules: ruleset.rules.length, topic: config.topics.rules, name: options.name };
        process.stdout.write(
          options.json ? `${JSON.stringify(published)}\n` : `published ruleset ${ruleset.version} (${ruleset.rules.length} rules) to ${config.topics.rules} as "${options.name}"\n`,
        );
      }),
  );
  return rules;
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new FraudError('FRAUD_USAGE', `cannot read the ruleset ${file}`, { cause, problems: [`${file}: ${(cause as Error).message}`] });
  }
}
