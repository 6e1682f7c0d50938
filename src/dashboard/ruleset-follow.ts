import { DEFAULT_RULES_FILE, loadRulesetFile } from '../detector/rules/load.ts';
import type { Ruleset } from '../detector/rules/ruleset.ts';
import { fileChangedAt, RulesetSource } from '../detector/rules/source.ts';
import type { Log } from '../log/types.ts';
import type { Logger } from '../observability/logger.ts';

export interface FollowedRuleset {
  current: () => Ruleset;
  close(): Promise<void>;
}

export interface FollowRulesetOptions {
  log: Log;
  topic: string;
  /** The shipped ruleset when absent. */
  file?: string;
  logger: Logger;
}

/**
 * The ruleset the detector runs, followed the way the detector follows it (its file,
 * then the newer of it and the rules topic), for descriptions in the rules view. An
 * unreadable file fails the start (`--rules` was wrong); a rules topic that cannot be
 * read only leaves the file's ruleset in place, since descriptions are not worth an outage.
 */
export async function followRuleset(options: FollowRulesetOptions): Promise<FollowedRuleset> {
  const { log, topic, logger } = options;
  const file = options.file ?? DEFAULT_RULES_FILE;
  const source = new RulesetSource(loadRulesetFile(file), logger, fileChangedAt(file));
  source.watchFile(file);
  const stop = new AbortController();
  try {
    await source.followTopic(log, topic, stop.signal);
  } catch (error) {
    logger.warn({ err: error, topic }, 'dashboard cannot follow the rules topic; rule descriptions come from the file');
  }
  return {
    current: () => source.current(),
    close: async () => {
      stop.abort();
      await source.close();
    },
  };
}
