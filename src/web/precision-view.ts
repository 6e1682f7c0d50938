import type { RulesInfo } from './analyst-types.ts';
import { byId, el, setText } from './dom.ts';
import { formatCount, formatPrecision } from './format.ts';
import { precisionBar, verdictCounts } from './rules-table.ts';

/**
 * Beside the alert queue: how often the analysts' verdicts confirm the alerts, overall
 * and per rule, measured from the feedback topic.
 */
export function renderPrecision(info: RulesInfo): void {
  const { precision } = info;
  const reviewed = precision.confirmed + precision.falsePositives;
  setText(byId('precision-overall'), formatPrecision(precision.precision));
  setText(
    byId('precision-sub'),
    reviewed === 0 ? 'no verdicts yet' : `${formatCount(precision.confirmed)} confirmed · ${formatCount(precision.falsePositives)} false positives`,
  );
  const rated = info.rules.filter((rule) => rule.feedback.confirmed + rule.feedback.falsePositives > 0);
  rated.sort((a, b) => (a.feedback.precision ?? 0) - (b.feedback.precision ?? 0));
  byId('precision-body').replaceChildren(
    ...rated.map((rule) =>
      el('tr', { attrs: { 'data-rule': rule.id } }, [
        el('td', { className: 'rule', text: rule.id, title: rule.description }),
        el('td', {}, [precisionBar(rule.feedback)]),
        el('td', { className: 'num muted', text: verdictCounts(rule.feedback) }),
      ]),
    ),
  );
  byId('precision-empty').hidden = rated.length > 0;
}
