import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { DEFAULT_RULES_FILE, parseRulesetText } from '../detector/rules/load.ts';
import { FraudError } from '../errors.ts';
import { diffAction, historyAction, publishAction, rollbackAction, showAction, type Output } from './rules-registry.ts';
import { addLogOptions } from './options.ts';

/**
 * `fraud rules`: check a ruleset; publish it to running detectors through the rules topic,
 * with an author and a note kept in the audit topic; list, show and compare the published
 * versions; roll back to one. Results go to `out` (standard output by default).
 */
export function rulesCommand(out: Output = (text) => void process.stdout.write(text)): Command {
  const rules = new Command('rules').description('check, publish, list, compare and roll back rulesets (hot reload through the rules topic, every version kept in the audit topic)');
  rules.addCommand(
    new Command('check')
      .description('compile a ruleset file and list every problem; exit code 2 when invalid')
      .argument('[file]', 'ruleset file, YAML or JSON', DEFAULT_RULES_FILE)
      .option('--json', 'print { file, version, rules, valid } as JSON')
      .action((file: string, flags: { json?: boolean }) => {
        const ruleset = parseRulesetText(readText(file), file);
        const summary = { file, version: ruleset.version, rules: ruleset.rules.length, valid: true };
        out(flags.json ? `${JSON.stringify(summary)}\n` : `${file}: version ${ruleset.version}, ${ruleset.rules.length} rule(s), valid\n`);
      }),
  );
  rules.addCommand(
    registryOptions(new Command('publish'))
      .description('check a ruleset (or with --model a trained model) and publish it: every running detector applies it within seconds; the audit topic records it with its author and note')
      .argument('[file]', 'ruleset file, YAML or JSON')
      .option('--model <file>', 'publish a trained model file (fraud train) instead of a ruleset')
      .option('--note <text>', 'why this version goes live (required)')
      .option('--author <name>', 'who publishes it (default: the OS user)')
      .option('--name <name>', 'key of the ruleset on the compacted topic', 'default')
      .option('--json', 'print the result as JSON')
      .action((file: string | undefined, flags: Record<string, unknown>) => {
        const { path, kind } = publishedFile(file, flags);
        return publishAction(out, path, readText(path), { ...flags, kind });
      }),
  );
  rules.addCommand(
    registryOptions(new Command('history'))
      .description('every published version, newest first, with author, note and time; the one in force marked *')
      .option('--model', 'the published models rather than rulesets')
      .option('--json', 'print { current, entries } as JSON')
      .action((flags: Record<string, unknown>) => historyAction(out, flags)),
  );
  rules.addCommand(
    registryOptions(new Command('show'))
      .description('print the content of a published version, as it was published')
      .argument('<version>', 'a version from `fraud rules history`, or "current"')
      .option('--model', 'a published model rather than a ruleset')
      .option('--json', 'print the whole publication record as JSON')
      .action((version: string, flags: Record<string, unknown>) => showAction(out, version, flags)),
  );
  rules.addCommand(
    registryOptions(new Command('diff'))
      .description('what changes from A to B: rules added, removed and changed (with their fields), thresholds, features and lists')
      .argument('<a>', 'a published version, "current", or a ruleset file')
      .argument('<b>', 'a published version, "current", or a ruleset file')
      .option('--json', 'print the diff as JSON')
      .action((a: string, b: string, flags: Record<string, unknown>) => diffAction(out, a, b, flags)),
  );
  rules.addCommand(
    registryOptions(new Command('rollback'))
      .description('publish an earlier version again as the one in force, recorded in the audit topic as a rollback')
      .argument('<version>', 'a version from `fraud rules history`')
      .option('--note <text>', 'why it is rolled back (required)')
      .option('--model', 'roll back the published model rather than the ruleset')
      .option('--author <name>', 'who rolls it back (default: the OS user)')
      .option('--json', 'print the result as JSON')
      .action((version: string, flags: Record<string, unknown>) => rollbackAction(out, version, flags)),
  );
  return rules;
}

function registryOptions(command: Command): Command {
  return addLogOptions(command).option('--rules-topic <name>', 'env RULES_TOPIC').option('--audit-topic <name>', 'env AUDIT_TOPIC');
}

/** The file to publish and its kind: a ruleset's as the argument, a model's with --model; exactly one. */
function publishedFile(file: string | undefined, flags: Record<string, unknown>): { path: string; kind: 'ruleset' | 'model' } {
  const model = typeof flags.model === 'string' ? flags.model : undefined;
  if ((file === undefined) === (model === undefined)) {
    throw new FraudError('FRAUD_USAGE', 'give a ruleset file or --model FILE, not both', { problems: ['file: give exactly one of <file> (a ruleset) and --model FILE'] });
  }
  return model !== undefined ? { path: model, kind: 'model' } : { path: file as string, kind: 'ruleset' };
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new FraudError('FRAUD_USAGE', `cannot read the ruleset ${file}`, { cause, problems: [`${file}: ${(cause as Error).message}`] });
  }
}
