import { RateWindow } from './rate-window.ts';
import type { FeedItem } from './types.ts';

/** How often one rule fired on the decisions that arrived since the server started. */
export interface RuleActivity {
  id: string;
  /** Decisions it fired on as a live rule (it is among their reasons). */
  hits: number;
  /** Decisions it fired on as a shadow rule (header `fraud-shadow`). */
  shadowHits: number;
  /** Hits of either kind per minute, over the last minute. */
  perMinute: number;
  /** Hits of either kind over the decisions counted: 0.02 = fired on 2 % of them. */
  share: number;
  lastHitAt: string | null;
}

/** A ruleset version seen in decisions (history read at start included). */
export interface VersionSeen {
  version: string;
  /** Decisions it decided since the server started. */
  decisions: number;
  /** Log time of the newest decision it decided. */
  lastSeen: string;
}

export interface RuleActivitySnapshot {
  /** Decisions counted since the server started (the denominator of `share`). */
  decisions: number;
  rules: RuleActivity[];
  /** Most recently seen first. */
  versions: VersionSeen[];
}

interface RuleCounter {
  hits: number;
  shadowHits: number;
  window: RateWindow;
  lastHitAt: number;
}

export interface RuleStatsLimits {
  maxRules: number;
  maxVersions: number;
}

/**
 * Hits per rule and decisions per ruleset version, like the counters: only decisions
 * that arrive after start count (history would show as a burst). Fixed memory: a rate
 * ring per rule, and at most `maxRules` rules and `maxVersions` versions.
 */
export class RuleStats {
  readonly #since: number;
  readonly #limits: RuleStatsLimits;
  readonly #rules = new Map<string, RuleCounter>();
  readonly #versions = new Map<string, { decisions: number; lastSeen: number }>();
  #decisions = 0;

  constructor(since: number, limits: RuleStatsLimits) {
    this.#since = since;
    this.#limits = limits;
  }

  record(item: FeedItem, now: number): void {
    if (item.kind !== 'decision') return;
    this.#seeVersion(item.facts.rulesVersion, item.timestamp, item.live);
    if (!item.live) return;
    this.#decisions++;
    for (const rule of item.facts.rules) this.#hit(rule, now, 'hits');
    for (const rule of item.facts.shadow) this.#hit(rule, now, 'shadowHits');
  }

  snapshot(now: number): RuleActivitySnapshot {
    const rules = [...this.#rules].map(([id, counter]): RuleActivity => ({
      id,
      hits: counter.hits,
      shadowHits: counter.shadowHits,
      perMinute: Math.round(counter.window.perSecond(now, 60, this.#since) * 60 * 10) / 10,
      share: this.#decisions > 0 ? (counter.hits + counter.shadowHits) / this.#decisions : 0,
      lastHitAt: new Date(counter.lastHitAt).toISOString(),
    }));
    const versions = [...this.#versions]
      .map(([version, seen]) => ({ version, decisions: seen.decisions, lastSeen: new Date(seen.lastSeen).toISOString() }))
      .sort((a, b) => b.lastSeen.localeCompare(a.lastSeen));
    return { decisions: this.#decisions, rules, versions };
  }

  #hit(rule: string, now: number, field: 'hits' | 'shadowHits'): void {
    let counter = this.#rules.get(rule);
    if (!counter) {
      if (this.#rules.size >= this.#limits.maxRules) return;
      counter = { hits: 0, shadowHits: 0, window: new RateWindow(61), lastHitAt: now };
      this.#rules.set(rule, counter);
    }
    counter[field]++;
    counter.window.add(now);
    counter.lastHitAt = now;
  }

  #seeVersion(version: string, at: number, live: boolean): void {
    if (version === '') return;
    let seen = this.#versions.get(version);
    if (!seen) {
      seen = { decisions: 0, lastSeen: at };
      this.#versions.set(version, seen);
      if (this.#versions.size > this.#limits.maxVersions) this.#forgetStalestVersion();
    }
    if (live) seen.decisions++;
    seen.lastSeen = Math.max(seen.lastSeen, at);
  }

  #forgetStalestVersion(): void {
    let stalest: string | undefined;
    let oldest = Number.POSITIVE_INFINITY;
    for (const [version, seen] of this.#versions) {
      if (seen.lastSeen < oldest) {
        oldest = seen.lastSeen;
        stalest = version;
      }
    }
    if (stalest !== undefined) this.#versions.delete(stalest);
  }
}
