import { byId, setText } from './dom.ts';
import { formatCount, formatMs, formatPercent, formatRate, formatTime } from './format.ts';
import type { Stats } from './messages.ts';

/** The totals row, filled from each `stats` event: the feed may be sampled, the counters never are. */
export class Counters {
  readonly #nodes = {
    transactions: byId('count-transactions'),
    legit: byId('count-legit'),
    review: byId('count-review'),
    fraud: byId('count-fraud'),
    deadLetter: byId('count-dead-letter'),
    since: byId('count-since'),
    shareLegit: byId('share-legit'),
    shareReview: byId('share-review'),
    shareFraud: byId('share-fraud'),
    shareDeadLetter: byId('share-dead-letter'),
    rate: byId('rate'),
    rateSub: byId('rate-sub'),
    latencySub: byId('latency-sub'),
    latency: byId('latency'),
  };

  update(stats: Stats): void {
    const n = this.#nodes;
    const total = stats.transactions;
    setText(n.transactions, formatCount(total));
    setText(n.legit, formatCount(stats.legit));
    setText(n.review, formatCount(stats.review));
    setText(n.fraud, formatCount(stats.fraud));
    setText(n.deadLetter, formatCount(stats.deadLetter));
    setText(n.since, `since ${formatTime(Date.parse(stats.since))}`);
    setText(n.shareLegit, formatPercent(stats.legit, total));
    setText(n.shareReview, formatPercent(stats.review, total));
    setText(n.shareFraud, formatPercent(stats.fraud, total));
    setText(n.shareDeadLetter, formatPercent(stats.deadLetter, total));
    setText(n.rate, formatRate(stats.rates.last10s.transactions));
    setText(n.rateSub, `tx/s · 1 min avg ${formatRate(stats.rates.last60s.transactions)}`);
    setText(n.latency, `${formatMs(stats.latencyMs.p50)} / ${formatMs(stats.latencyMs.p99)}`);
    setText(n.latencySub, stats.backlog === null ? 'end to end, last minute' : `end to end · backlog ${formatCount(stats.backlog)}`);
  }
}
