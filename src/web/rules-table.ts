import type { RuleInfo, RulesInfo, Tally } from './analyst-types.ts';
import { byId, el, setText } from './dom.ts';
import { formatCount, formatPrecision, formatRate, formatShare, formatTime } from './format.ts';

/** The rules view: the ruleset in force, the versions seen, and per rule its hits and precision. */
export function renderRules(info: RulesInfo): void {
  const { ruleset } = info;
  setText(byId('ruleset-version'), ruleset ? ruleset.version : 'not known to the dashboard');
  setText(byId('ruleset-thresholds'), ruleset ? `review at score ${ruleset.review}, fraud at ${ruleset.fraud}` : 'rules are named by the ids seen in decisions');
  byId('versions').replaceChildren(...(info.versions.length > 0 ? info.versions.map(versionChip) : [el('span', { className: 'muted', text: 'none yet' })]));
  setText(byId('rules-decisions'), `${formatCount(info.decisions)} decisions since the dashboard started`);
  byId('rules-body').replaceChildren(...info.rules.map(ruleRow));
  byId('rules-empty').hidden = info.rules.length > 0;
}

function versionChip(version: RulesInfo['versions'][number]): HTMLElement {
  return el('span', { className: 'version-chip', title: `last decision ${formatTime(Date.parse(version.lastSeen) || undefined)}` }, [
    el('span', { className: 'mono', text: version.version }),
    el('span', { className: 'muted', text: ` ${formatCount(version.decisions)} decisions` }),
  ]);
}

function ruleRow(rule: RuleInfo): HTMLTableRowElement {
  const hits = rule.mode === 'shadow' ? rule.shadowHits : rule.hits + rule.shadowHits;
  return el('tr', { className: hits === 0 ? 'idle' : '' }, [
    el('td', { className: 'rule-cell' }, [
      el('span', { className: 'rule', text: rule.id }),
      ...(rule.description ? [el('span', { className: 'rule-description', text: rule.description })] : []),
    ]),
    el('td', {}, [modeBadge(rule.mode)]),
    el('td', { className: 'num', text: rule.score === undefined ? '–' : String(rule.score) }),
    el('td', { className: 'num strong', text: formatCount(hits) }),
    el('td', { className: 'num', text: formatRate(rule.perMinute) }),
    el('td', { className: 'num', text: formatShare(rule.share) }),
    el('td', { className: 'precision-cell' }, [precisionBar(rule.feedback)]),
    el('td', { className: 'num muted', text: verdictCounts(rule.feedback) }),
    el('td', { className: 'time', text: rule.lastHitAt ? formatTime(Date.parse(rule.lastHitAt) || undefined) : '–' }),
  ]);
}

function modeBadge(mode: RuleInfo['mode']): HTMLElement {
  if (mode === '') return el('span', { className: 'muted', text: '–' });
  return el('span', { className: `mode mode-${mode === 'shadow' ? 'shadow' : 'live'}`, text: mode });
}

/** The precision figure with a bar, coloured by how much an analyst can trust the rule. */
export function precisionBar(tally: Tally): HTMLElement {
  const wrap = el('span', { className: 'precision' }, [el('span', { className: 'precision-value', text: formatPrecision(tally.precision) })]);
  if (tally.precision === null) return wrap;
  const fill = el('span', { className: `bar-fill ${precisionClass(tally.precision)}` });
  // CSSOM, not a style attribute: the CSP forbids inline style markup, not this.
  fill.style.width = `${Math.round(tally.precision * 100)}%`;
  wrap.prepend(el('span', { className: 'bar', attrs: { 'aria-hidden': 'true' } }, [fill]));
  return wrap;
}

/** "3 / 1": confirmed, then false positives (the column head says which is which). */
export function verdictCounts(tally: Tally): string {
  return tally.confirmed + tally.falsePositives === 0 ? '–' : `${formatCount(tally.confirmed)} / ${formatCount(tally.falsePositives)}`;
}

function precisionClass(precision: number): string {
  if (precision >= 0.8) return 'good';
  return precision >= 0.5 ? 'fair' : 'poor';
}
