import { el } from './dom.ts';
import { formatAmount, formatTime } from './format.ts';
import { text, type DeadLetterEntry, type DecisionEntry, type Entry, type EntryKind } from './messages.ts';

/** Class names come from this fixed table, never from data. */
const KIND_CLASS: Record<EntryKind, string> = {
  legit: 'legit',
  review: 'review',
  fraud: 'fraud',
  'dead-letter': 'dead-letter',
};

const MAX_REASONS_SHOWN = 3;

export function kindOf(entry: Entry): EntryKind {
  return entry.kind === 'decision' ? entry.verdict : 'dead-letter';
}

export function badge(kind: EntryKind): HTMLSpanElement {
  return el('span', { className: `badge badge-${KIND_CLASS[kind]}`, text: kind === 'dead-letter' ? 'dead letter' : kind });
}

export function entryRow(entry: Entry): HTMLTableRowElement {
  const row = entry.kind === 'decision' ? decisionRow(entry) : deadLetterRow(entry);
  row.className = `row row-${KIND_CLASS[kindOf(entry)]}`;
  row.tabIndex = 0;
  return row;
}

function decisionRow(entry: DecisionEntry): HTMLTableRowElement {
  return el('tr', {}, [
    el('td', { className: 'time', text: formatTime(entry.time) }),
    el('td', { className: 'id mono', text: entry.id, title: entry.id }),
    el('td', { className: 'parties' }, [
      el('span', { className: 'account mono', text: entry.source, title: entry.source }),
      el('span', { className: 'arrow', text: '→' }),
      el('span', { className: 'account mono', text: entry.target, title: entry.target }),
    ]),
    el('td', { className: 'num amount', text: formatAmount(entry.amount, entry.currency) }),
    el('td', { className: 'verdict' }, [badge(entry.verdict)]),
    el('td', { className: 'num score', text: entry.score === undefined ? '–' : String(entry.score) }),
    el('td', { className: 'reasons' }, reasonNodes(entry)),
  ]);
}

function reasonNodes(entry: DecisionEntry): Node[] {
  if (entry.reasons.length === 0) return [el('span', { className: 'muted', text: 'no rule matched' })];
  const shown = entry.reasons.slice(0, MAX_REASONS_SHOWN).map((reason) =>
    el('span', { className: 'reason', title: `${reason.rule}: ${reason.detail}` }, [
      el('span', { className: 'rule', text: reason.rule }),
      `: ${reason.detail}`,
    ]),
  );
  const more = entry.reasons.length - shown.length;
  return more > 0 ? [...shown, el('span', { className: 'muted', text: `+${more} more` })] : shown;
}

function deadLetterRow(entry: DeadLetterEntry): HTMLTableRowElement {
  return el('tr', {}, [
    el('td', { className: 'time', text: formatTime(entry.time) }),
    el('td', { className: 'id mono', text: entry.where, title: entry.where }),
    el('td', { className: 'parties mono payload', text: entry.payload, title: entry.payload.slice(0, 500) }),
    el('td', { className: 'num amount', text: '–' }),
    el('td', { className: 'verdict' }, [badge('dead-letter')]),
    el('td', { className: 'num score', text: '–' }),
    el('td', { className: 'reasons' }, [
      el('span', { className: 'reason', title: `${entry.error}: ${entry.reason}` }, [el('span', { className: 'rule', text: entry.error }), `: ${entry.reason}`]),
    ]),
  ]);
}

/** Case-insensitive match on what an analyst searches by: ids, accounts, merchant, rules, errors. */
export function matchesQuery(entry: Entry, query: string): boolean {
  if (query === '') return true;
  const fields =
    entry.kind === 'decision'
      ? [entry.id, entry.source, entry.target, text(entry.raw.merchant), ...entry.reasons.map((reason) => reason.rule)]
      : [entry.where, entry.error, entry.reason];
  return fields.some((field) => field.toLowerCase().includes(query));
}
