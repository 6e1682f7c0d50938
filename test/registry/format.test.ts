import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatHistory, type History } from '../../src/registry/index.ts';
import { anEntry } from './fixtures.ts';

test('history is a table, newest first, the publication in force marked *, notes on one line', () => {
  const first = anEntry({ version: 'v1', author: 'ana', note: 'first', publishedAt: '2026-03-01T10:00:00.000Z' });
  const second = anEntry({ version: 'v2', author: 'bob', note: 'lower\nthe limit', publishedAt: '2026-03-02T11:30:05.123Z', previous: 'v1' });
  const rollback = { ...first, id: 'rollback-1', action: 'rollback' as const, author: 'carla', note: 'too many alerts', previous: 'v2', publishedAt: '2026-03-03T09:00:00.000Z' };
  const history: History = {
    entries: [rollback, second, first],
    current: { kind: 'ruleset', version: 'v1', digest: first.digest, content: first.content, name: 'default', at: rollback.publishedAt, artifact: rollback },
  };
  assert.equal(
    formatHistory(history),
    [
      '   VERSION  ACTION              AUTHOR  PUBLISHED (UTC)      NOTE',
      '*  v1       rollback (from v2)  carla   2026-03-03 09:00:00  too many alerts',
      '   v2       publish             bob     2026-03-02 11:30:05  lower the limit',
      '   v1       publish             ana     2026-03-01 10:00:00  first',
      '',
      '* in force: v1',
      '',
    ].join('\n'),
  );
});

test('an empty trail says so, and names a ruleset in force that was published without it', () => {
  assert.equal(formatHistory({ entries: [], current: null }), 'no publication in the audit topic yet\n');
  const bare = formatHistory({ entries: [], current: { kind: 'ruleset', version: 'legacy', digest: '', content: '', name: 'default', at: '2026-03-01T10:00:00.000Z', artifact: null } });
  assert.match(bare, /in force: legacy \(published without the audit trail, at 2026-03-01 10:00:00\)/);
});
