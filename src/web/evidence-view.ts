import type { Evidence, RuleInfo } from './analyst-types.ts';
import { el } from './dom.ts';
import { formatValue } from './format.ts';
import type { DecisionEntry, Reason } from './messages.ts';

/** Looks a rule up in the last rules view the page fetched. */
export type RuleLookup = (id: string) => RuleInfo | undefined;

/**
 * Every reason of a decision, each with what the rule is for and the values its
 * expression read ("f.source.count_1m = 7"): what an analyst weighs before a verdict.
 */
export function reasonList(entry: DecisionEntry, evidence: Evidence | undefined, lookup: RuleLookup): HTMLElement {
  if (entry.reasons.length === 0) return el('p', { className: 'muted', text: 'No rule matched.' });
  const items = entry.reasons.map((reason) => reasonItem(reason, evidence?.rules[reason.rule], lookup(reason.rule)));
  const list = el('ul', { className: 'reason-list' }, items);
  if (evidence !== undefined || entry.verdict === 'legit') return list;
  return el('div', {}, [list, el('p', { className: 'muted small', text: 'No evidence arrived with this decision (the detector adds it to review and fraud decisions).' })]);
}

function reasonItem(reason: Reason, values: Record<string, unknown> | undefined, info: RuleInfo | undefined): HTMLLIElement {
  const head = el('div', { className: 'reason-head' }, [el('span', { className: 'rule', text: reason.rule })]);
  if (info?.score !== undefined) head.append(el('span', { className: 'score-chip', text: `+${info.score}` }));
  const children: Node[] = [head];
  if (info?.description) children.push(el('p', { className: 'rule-description', text: info.description }));
  children.push(el('p', { className: 'reason-detail', text: reason.detail }));
  if (values !== undefined) children.push(valueList(values));
  return el('li', {}, children);
}

/** One line per value, `path = value`, as text nodes: values come from transactions anyone can write. */
function valueList(values: Record<string, unknown>): HTMLElement {
  const rows = Object.entries(values).map(([path, value]) =>
    el('li', { className: 'mono' }, [el('span', { className: 'path', text: path }), el('span', { className: 'eq', text: ' = ' }), el('span', { className: 'value', text: formatValue(value) })]),
  );
  return el('ul', { className: 'evidence', attrs: { 'aria-label': 'Values the rule read' } }, rows);
}

/** Shadow rules that fired: tried on live traffic, never part of the verdict. */
export function shadowList(evidence: Evidence | undefined, lookup: RuleLookup): HTMLElement | undefined {
  if (!evidence || evidence.shadow.length === 0) return undefined;
  const items = evidence.shadow.map((id) => {
    const description = lookup(id)?.description;
    return el('li', {}, [el('span', { className: 'rule', text: id }), ...(description ? [el('span', { className: 'muted', text: ` ${description}` })] : [])]);
  });
  return el('ul', { className: 'shadow-list' }, items);
}
