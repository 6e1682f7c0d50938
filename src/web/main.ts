import { AlertQueue } from './alerts.ts';
import type { Evidence } from './analyst-types.ts';
import { BoundedMap } from './bounded-map.ts';
import { Charts } from './charts.ts';
import { LiveStream, type ConnectionState } from './connection.ts';
import { bindControls } from './controls.ts';
import { Counters } from './counters.ts';
import { DetailPanel } from './detail.ts';
import { byId, setText } from './dom.ts';
import { FeedView } from './feed.ts';
import { formatCount } from './format.ts';
import { bindAlertKeys } from './keys.ts';
import type { Entry, Stats } from './messages.ts';
import { renderPrecision } from './precision-view.ts';
import { ReviewStore } from './reviews.ts';
import { renderRules } from './rules-table.ts';
import { RulesFeed } from './rules-feed.ts';
import { Tabs } from './tabs.ts';
import { VerdictDesk } from './verdicts.ts';
import { VersionsDesk } from './versions-desk.ts';

const STATE_LABELS: Record<ConnectionState, string> = { connecting: 'connecting', live: 'live', reconnecting: 'reconnecting' };
const RULES_POLL_MS = 3000;

function start(): void {
  const tabs = new Tabs();
  const evidence = new BoundedMap<string, Evidence>(2000);
  const reviews = new ReviewStore();
  const rules = new RulesFeed(RULES_POLL_MS);
  const versions = new VersionsDesk(() => rules.soon());
  const detail = new DetailPanel({ evidenceOf: (id) => evidence.get(id), rule: rules.lookup, reviewOf: (id) => reviews.get(id) });
  const select = (entry: Entry): void => detail.show(entry);
  const feed = new FeedView({ body: byId<HTMLTableSectionElement>('feed-body'), empty: byId('feed-empty'), note: byId('feed-note') }, { kept: 1000, shown: 200 }, select);
  const alerts = bindAlerts(reviews, select);
  const verdicts = new VerdictDesk({ reviews, analyst: byId<HTMLInputElement>('analyst'), notice: byId('notice'), onRecorded: () => rules.soon() });
  bindAlertKeys({ tabs, alerts, alertsBody: byId<HTMLTableSectionElement>('alerts-body'), detail, verdicts, select });
  reviews.onChange(() => detail.refreshReview());
  let described = false;
  rules.onChange((info) => {
    renderRules(info);
    renderPrecision(info);
    // Once, when descriptions first arrive: later polls must not rebuild an open panel under the analyst.
    if (!described && info.rules.some((rule) => rule.description !== '')) {
      described = true;
      detail.refresh();
    }
  });
  tabs.onChange((tab) => {
    feed.setVisible(tab === 'feed');
    alerts.setVisible(tab === 'alerts');
    void rules.refresh();
    if (tab === 'rules') void versions.refresh();
  });
  if (tabs.current === 'rules') void versions.refresh();
  feed.setVisible(tabs.current === 'feed');
  alerts.setVisible(tabs.current === 'alerts');
  bindControls({ onFilter: (filter) => feed.setFilter(filter), onPause: (paused) => feed.setPaused(paused) });
  openStream({ feed, alerts, reviews, rules, detail, evidence });
}

function bindAlerts(reviews: ReviewStore, select: (entry: Entry) => void): AlertQueue {
  const body = byId<HTMLTableSectionElement>('alerts-body');
  const elements = { body, empty: byId('alerts-empty'), openCount: byId('alerts-open'), hideReviewed: byId<HTMLInputElement>('hide-reviewed'), note: byId('alerts-note') };
  const alerts = new AlertQueue(elements, { kept: 1000, shown: 200 }, reviews);
  body.addEventListener('click', (event) => {
    // A click on a verdict button gives the verdict; anywhere else on the row opens it.
    if (event.target instanceof Element && event.target.closest('button')) return;
    const entry = alerts.entryOf(event.target instanceof Element ? event.target : null);
    if (entry) select(entry);
  });
  return alerts;
}

interface StreamParts {
  feed: FeedView;
  alerts: AlertQueue;
  reviews: ReviewStore;
  rules: RulesFeed;
  detail: DetailPanel;
  evidence: BoundedMap<string, Evidence>;
}

function openStream(parts: StreamParts): void {
  const { feed, alerts, reviews, rules, detail, evidence } = parts;
  const counters = new Counters();
  const charts = new Charts();
  const status = byId('connection');
  const stream = new LiveStream('/events', {
    onHello: (hello) => {
      if (!hello.resumed) {
        feed.reset();
        alerts.reset();
      }
      // Verdicts given while this page was away: asked again on every (re)connection.
      void reviews.reload();
      void rules.refresh(true);
    },
    onEntry: (entry) => {
      feed.add(entry);
      if (entry.kind === 'decision') alerts.add(entry);
    },
    onEvidence: (item) => {
      evidence.set(item.id, item);
      detail.refresh(item.id);
    },
    onReview: (review) => {
      reviews.apply(review);
      rules.soon();
    },
    onStats: (stats) => {
      counters.update(stats);
      charts.update(stats);
      feed.setNote(samplingNote(stats));
    },
    onState: (state) => {
      status.dataset.state = state;
      setText(byId('connection-label'), STATE_LABELS[state]);
    },
  });
  stream.open();
}

function samplingNote(stats: Stats): string {
  const stream = stats.stream;
  if (!stream?.sampling) return '';
  return `High rate: all review and fraud shown, legit sampled (${formatCount(stream.sampledOut)} not shown; counters are exact)`;
}

start();
