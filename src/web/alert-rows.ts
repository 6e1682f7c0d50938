import type { Label, Review } from './analyst-types.ts';
import { el } from './dom.ts';
import { formatAmount, formatTime } from './format.ts';
import type { DecisionEntry } from './messages.ts';
import { badge } from './rows.ts';

const LABEL_TEXT: Record<Label, string> = { fraud: 'Confirmed fraud', legit: 'False positive' };
const LABEL_CLASS: Record<Label, string> = { fraud: 'confirmed', legit: 'false-positive' };

/**
 * The two verdict buttons of an alert. They carry the transaction id as a data
 * attribute (set by name, never markup); one listener on the page handles them all.
 * The chosen one stays pressed, and pressing the other changes the verdict.
 */
export function verdictButtons(id: string, review: Review | undefined): HTMLElement {
  const button = (label: Label, text: string, key: string): HTMLButtonElement =>
    el('button', {
      className: `verdict-button verdict-${LABEL_CLASS[label]}`,
      text,
      title: `${LABEL_TEXT[label]} (key ${key})`,
      attrs: { type: 'button', 'data-verdict': label, 'data-id': id, 'aria-pressed': String(review?.label === label) },
    });
  return el('div', { className: 'verdict-buttons', attrs: { role: 'group', 'aria-label': 'Analyst verdict' } }, [
    button('fraud', 'Confirm fraud', 'F'),
    button('legit', 'False positive', 'L'),
  ]);
}

/** "Confirmed fraud · ana · 12:03:04", or that the alert is still open. */
export function reviewStatus(review: Review | undefined): HTMLElement {
  if (!review) return el('span', { className: 'status-open', text: 'Open' });
  const who = [review.analyst, formatTime(Date.parse(review.at) || undefined)].filter((part) => part !== '' && part !== '–').join(' · ');
  const status = el('span', { className: `status-reviewed status-${LABEL_CLASS[review.label]}`, text: LABEL_TEXT[review.label] });
  return who === '' ? status : el('span', {}, [status, el('span', { className: 'muted reviewer', text: ` · ${who}` })]);
}

/**
 * One alert: what it is (id and time), who paid whom, how much, the verdict and the
 * rules behind it, then its status above the verdict buttons. Narrower than a feed row:
 * the queue shares the width with the precision panel.
 */
export function alertRow(entry: DecisionEntry, review: Review | undefined): HTMLTableRowElement {
  const row = el('tr', { className: `alert-row row-${entry.verdict}`, attrs: { 'data-id': entry.id } }, [
    el('td', { className: 'alert-id' }, [el('span', { className: 'mono', text: entry.id, title: entry.id }), el('span', { className: 'time', text: formatTime(entry.time) })]),
    el('td', { className: 'parties' }, [
      el('span', { className: 'account mono', text: entry.source, title: entry.source }),
      el('span', { className: 'arrow', text: '→' }),
      el('span', { className: 'account mono', text: entry.target, title: entry.target }),
    ]),
    el('td', { className: 'num amount', text: formatAmount(entry.amount, entry.currency) }),
    el('td', { className: 'verdict', title: entry.score === undefined ? '' : `score ${entry.score}` }, [badge(entry.verdict)]),
    el('td', { className: 'rules' }, entry.reasons.map((reason) => el('span', { className: 'rule-chip', text: reason.rule, title: reason.detail }))),
    el('td', { className: 'actions' }, [el('div', { className: 'review' }, [reviewStatus(review)]), verdictButtons(entry.id, review)]),
  ]);
  markReviewed(row, review);
  row.tabIndex = 0;
  return row;
}

/** Updates a row in place when a verdict arrives, so the focus and the scroll position stay. */
export function updateAlertRow(row: HTMLTableRowElement, review: Review | undefined): void {
  markReviewed(row, review);
  row.querySelector('.review')?.replaceChildren(reviewStatus(review));
  pressChosen(row, review);
}

/** Sets which verdict button is pressed, on the buttons already there (one may have the focus). */
export function pressChosen(container: ParentNode, review: Review | undefined): void {
  for (const button of container.querySelectorAll<HTMLButtonElement>('button[data-verdict]')) {
    button.setAttribute('aria-pressed', String(review?.label === button.dataset.verdict));
  }
}

function markReviewed(row: HTMLTableRowElement, review: Review | undefined): void {
  row.classList.toggle('reviewed', review !== undefined);
  if (review) row.dataset.label = LABEL_CLASS[review.label];
  else delete row.dataset.label;
}
