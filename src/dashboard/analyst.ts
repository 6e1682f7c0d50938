import type { Config } from '../config/schema.ts';
import type { Ruleset } from '../detector/rules/ruleset.ts';
import type { Log, LogProducer } from '../log/types.ts';
import type { Logger } from '../observability/logger.ts';
import { FeedbackReader } from './feedback-reader.ts';
import { FeedbackService } from './feedback-service.ts';
import { FeedbackStore, type Review } from './feedback-store.ts';
import { FlaggedIndex } from './flagged.ts';
import { RuleStats } from './rule-stats.ts';
import { rulesView, type RulesView } from './rules-view.ts';
import { followRuleset, type FollowedRuleset } from './ruleset-follow.ts';
import type { DashboardOptions, DashboardTuning, FeedItem } from './types.ts';

export interface AnalystDeskOptions {
  log: Log;
  topics: Config['topics'];
  tuning: DashboardTuning;
  logger: Logger;
  ruleset: DashboardOptions['ruleset'];
  followRules: DashboardOptions['followRules'];
  /** Each verdict read from the feedback topic. */
  onReview: (review: Review) => void;
}

/**
 * What the dashboard offers analysts beyond the live feed: the index of flagged
 * decisions they may give a verdict on, the feedback topic written and read back,
 * hits per rule, and the ruleset for descriptions. Opened and closed with the server.
 */
export class AnalystDesk {
  readonly flagged: FlaggedIndex;
  readonly feedback: FeedbackService;
  readonly store: FeedbackStore;
  readonly #stats: RuleStats;
  readonly #reader: FeedbackReader;
  readonly #producer: LogProducer;
  readonly #ruleset: (() => Ruleset) | undefined;
  readonly #followed: FollowedRuleset | undefined;

  private constructor(parts: { options: AnalystDeskOptions; store: FeedbackStore; reader: FeedbackReader; producer: LogProducer; followed: FollowedRuleset | undefined }) {
    const { tuning, topics } = parts.options;
    this.flagged = new FlaggedIndex(tuning.flaggedKept);
    this.store = parts.store;
    this.#stats = new RuleStats(Date.now(), { maxRules: tuning.maxRules, maxVersions: tuning.maxVersions });
    this.#reader = parts.reader;
    this.#producer = parts.producer;
    this.#followed = parts.followed;
    this.#ruleset = parts.options.ruleset ?? parts.followed?.current;
    this.feedback = new FeedbackService({ producer: parts.producer, topic: topics.feedback, labelsTopic: topics.labels, flagged: this.flagged });
  }

  static async open(options: AnalystDeskOptions): Promise<AnalystDesk> {
    const { log, topics, tuning, logger } = options;
    const followed = options.ruleset === undefined && options.followRules ? await followRuleset({ log, topic: topics.rules, file: options.followRules.file, logger }) : undefined;
    const opened: Array<{ close(): Promise<void> }> = followed ? [followed] : [];
    try {
      const store = new FeedbackStore({ reviews: tuning.reviewsKept, rules: tuning.maxRules });
      const reader = await FeedbackReader.open({ log, topic: topics.feedback, store, logger, onReview: options.onReview });
      opened.push(reader);
      const producer = await log.createProducer();
      return new AnalystDesk({ options, store, reader, producer, followed });
    } catch (error) {
      for (const part of opened.reverse()) await part.close();
      throw error;
    }
  }

  start(): void {
    this.#reader.start();
  }

  record(items: FeedItem[], now: number): void {
    for (const item of items) {
      this.flagged.remember(item);
      this.#stats.record(item, now);
    }
  }

  rules(now = Date.now()): RulesView {
    return rulesView({ now, activity: this.#stats.snapshot(now), precision: this.store.precision(), ruleset: this.#ruleset?.() });
  }

  async close(): Promise<void> {
    await this.#reader.close();
    await this.#producer.close();
    await this.#followed?.close();
  }
}
