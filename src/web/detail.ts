import { byId, el } from './dom.ts';
import { formatAmount, formatTime } from './format.ts';
import { isRecord, text, type DeadLetterEntry, type DecisionEntry, type Entry } from './messages.ts';
import { badge, kindOf } from './rows.ts';

/** Context fields of a transaction worth a line of their own, in this order (CONTRACT.md). */
const CONTEXT_FIELDS = ['channel', 'merchant', 'mcc', 'country', 'lat', 'lon', 'device', 'ip', 'card'] as const;

/** The side panel with everything about one row: every reason, the context and the raw JSON. */
export class DetailPanel {
  readonly #panel = byId('detail');
  readonly #body = byId('detail-body');
  readonly #title = byId('detail-title');

  constructor() {
    byId('detail-close').addEventListener('click', () => this.hide());
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.hide();
    });
  }

  show(entry: Entry): void {
    this.#title.replaceChildren(badge(kindOf(entry)), ` ${entry.kind === 'decision' ? entry.id : entry.error}`);
    const sections = entry.kind === 'decision' ? decisionSections(entry) : deadLetterSections(entry);
    this.#body.replaceChildren(...sections, section('Record', [el('pre', { className: 'raw mono', text: JSON.stringify(entry.raw, null, 2) })]));
    this.#panel.hidden = false;
    byId('detail-close').focus();
  }

  hide(): void {
    this.#panel.hidden = true;
  }
}

function decisionSections(entry: DecisionEntry): HTMLElement[] {
  const decision = isRecord(entry.raw.decision) ? entry.raw.decision : {};
  const facts: Array<[string, string]> = [
    ['Time', formatTime(entry.time)],
    ['Source', entry.source],
    ['Target', entry.target],
    ['Amount', formatAmount(entry.amount, entry.currency)],
    ['Score', entry.score === undefined ? '–' : String(entry.score)],
    ['Ruleset', text(decision.rules)],
    ['Decided at', text(decision.decidedAt)],
  ];
  for (const field of CONTEXT_FIELDS) {
    if (entry.raw[field] !== undefined && entry.raw[field] !== null) facts.push([field, text(entry.raw[field])]);
  }
  const reasons =
    entry.reasons.length === 0
      ? [el('p', { className: 'muted', text: 'No rule matched.' })]
      : [el('ul', { className: 'reason-list' }, entry.reasons.map((r) => el('li', {}, [el('span', { className: 'rule', text: r.rule }), el('span', { text: r.detail })])))];
  return [section('Reasons', reasons), section('Transaction', [factList(facts)])];
}

function deadLetterSections(entry: DeadLetterEntry): HTMLElement[] {
  const facts: Array<[string, string]> = [
    ['Error', entry.error],
    ['Reason', entry.reason],
    ['Read from', entry.where],
    ['Payload bytes', text(entry.raw.payloadBytes)],
    ['Encoding', text(entry.raw.payloadEncoding)],
  ];
  return [section('Dead letter', [factList(facts)]), section('Payload', [el('pre', { className: 'raw mono', text: entry.payload })])];
}

function section(title: string, children: Node[]): HTMLElement {
  return el('section', { className: 'detail-section' }, [el('h3', { text: title }), ...children]);
}

function factList(facts: Array<[string, string]>): HTMLDListElement {
  return el('dl', { className: 'facts' }, facts.flatMap(([name, value]) => [el('dt', { text: name }), el('dd', { className: 'mono', text: value || '–' })]));
}
