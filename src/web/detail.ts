import { pressChosen, reviewStatus, verdictButtons } from './alert-rows.ts';
import type { Evidence, Review } from './analyst-types.ts';
import { byId, el } from './dom.ts';
import { reasonList, shadowList, type RuleLookup } from './evidence-view.ts';
import { formatAmount, formatTime } from './format.ts';
import { isRecord, text, type DeadLetterEntry, type DecisionEntry, type Entry } from './messages.ts';
import { badge, kindOf } from './rows.ts';

/** Where the panel finds what arrived apart from the decision: its evidence, the rules, the verdict. */
export interface DetailSources {
  evidenceOf: (id: string) => Evidence | undefined;
  rule: RuleLookup;
  reviewOf: (id: string) => Review | undefined;
}

/** Context fields of a transaction worth a line of their own, in this order (CONTRACT.md). */
const CONTEXT_FIELDS = ['channel', 'merchant', 'mcc', 'country', 'lat', 'lon', 'device', 'ip', 'card'] as const;

/**
 * The side panel with everything about one row: the verdict buttons of an alert, every
 * reason with the values behind it, shadow hits, the context and the raw JSON.
 */
export class DetailPanel {
  readonly #panel = byId('detail');
  readonly #body = byId('detail-body');
  readonly #title = byId('detail-title');
  readonly #sources: DetailSources;
  #shown: Entry | undefined;

  constructor(sources: DetailSources) {
    this.#sources = sources;
    byId('detail-close').addEventListener('click', () => this.hide());
    document.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') this.hide();
    });
  }

  /** The flagged decision on show, which the verdict keys apply to. */
  get alert(): DecisionEntry | undefined {
    const entry = this.#shown;
    return !this.#panel.hidden && entry?.kind === 'decision' && entry.verdict !== 'legit' ? entry : undefined;
  }

  show(entry: Entry, focus = true): void {
    this.#shown = entry;
    this.#title.replaceChildren(badge(kindOf(entry)), ` ${entry.kind === 'decision' ? entry.id : entry.error}`);
    const sections = entry.kind === 'decision' ? this.#decisionSections(entry) : deadLetterSections(entry);
    this.#body.replaceChildren(...sections, section('Record', [el('pre', { className: 'raw mono', text: JSON.stringify(entry.raw, null, 2) })]));
    this.#panel.hidden = false;
    if (focus) byId('detail-close').focus();
  }

  /** Evidence or rule descriptions that arrived after the panel opened. */
  refresh(id?: string): void {
    const entry = this.#shown;
    if (this.#panel.hidden || entry?.kind !== 'decision' || (id !== undefined && entry.id !== id)) return;
    const scroll = this.#body.scrollTop;
    this.show(entry, false);
    this.#body.scrollTop = scroll;
  }

  /** A verdict changed: the status and the pressed button, in place (one of them may have the focus). */
  refreshReview(): void {
    const entry = this.alert;
    if (!entry) return;
    const review = this.#sources.reviewOf(entry.id);
    this.#body.querySelector('.detail-status')?.replaceChildren(reviewStatus(review));
    pressChosen(this.#body, review);
  }

  hide(): void {
    this.#panel.hidden = true;
  }

  #decisionSections(entry: DecisionEntry): HTMLElement[] {
    const { evidenceOf, rule, reviewOf } = this.#sources;
    const evidence = evidenceOf(entry.id);
    const sections = [section('Reasons and evidence', [reasonList(entry, evidence, rule)])];
    const shadow = shadowList(evidence, rule);
    if (shadow) sections.push(section('Shadow rules that fired (not part of the verdict)', [shadow]));
    sections.push(...decisionFacts(entry));
    if (entry.verdict === 'legit') return sections;
    const review = reviewOf(entry.id);
    const status = el('p', { className: 'detail-status' }, [reviewStatus(review)]);
    return [section('Analyst verdict', [status, verdictButtons(entry.id, review)], 'detail-actions'), ...sections];
  }
}

function decisionFacts(entry: DecisionEntry): HTMLElement[] {
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
  return [section('Transaction', [factList(facts)])];
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

function section(title: string, children: Node[], extraClass = ''): HTMLElement {
  return el('section', { className: `detail-section ${extraClass}`.trim() }, [el('h3', { text: title }), ...children]);
}

function factList(facts: Array<[string, string]>): HTMLDListElement {
  return el('dl', { className: 'facts' }, facts.flatMap(([name, value]) => [el('dt', { text: name }), el('dd', { className: 'mono', text: value || '–' })]));
}
