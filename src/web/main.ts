import { Charts } from './charts.ts';
import { LiveStream, type ConnectionState } from './connection.ts';
import { bindControls } from './controls.ts';
import { Counters } from './counters.ts';
import { DetailPanel } from './detail.ts';
import { byId, setText } from './dom.ts';
import { FeedView } from './feed.ts';
import { formatCount } from './format.ts';
import type { Stats } from './messages.ts';

const STATE_LABELS: Record<ConnectionState, string> = { connecting: 'connecting', live: 'live', reconnecting: 'reconnecting' };

function start(): void {
  const detail = new DetailPanel();
  const feed = new FeedView(
    { body: byId<HTMLTableSectionElement>('feed-body'), empty: byId('feed-empty'), note: byId('feed-note') },
    { kept: 1000, shown: 200 },
    (entry) => detail.show(entry),
  );
  const counters = new Counters();
  const charts = new Charts();
  const status = byId('connection');
  bindControls({ onFilter: (filter) => feed.setFilter(filter), onPause: (paused) => feed.setPaused(paused) });

  const stream = new LiveStream('/events', {
    onHello: (hello) => {
      if (!hello.resumed) feed.reset();
    },
    onEntry: (entry) => feed.add(entry),
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
