import { el } from './dom.ts';
import type { DiffInfo, FieldChange, RuleSummary } from './versions-types.ts';

/**
 * A diff of two rulesets as a reviewer reads it: rules added, removed and changed (each
 * changed field old → new), then thresholds, features and lists. Text only.
 */
export function diffNodes(diff: DiffInfo): HTMLElement[] {
  const sections = [
    section('Rules', [
      ...diff.added.map((rule) => ruleItem('added', '+', rule)),
      ...diff.removed.map((rule) => ruleItem('removed', '−', rule)),
      ...diff.changed.map((rule) => el('li', { className: 'diff-changed' }, [el('span', { className: 'diff-sign', text: '~' }), el('span', { className: 'rule', text: rule.id }), fieldList(rule.fields)])),
      ...(diff.reordered ? [el('li', { className: 'muted', text: 'The rules kept are in another order (reasons are listed in rule order).' })] : []),
    ]),
    section('Thresholds', diff.thresholds.map(fieldItem)),
    section('Features', diff.features.map(fieldItem)),
    section('Lists', diff.lists.map((list) => el('li', {}, [el('span', { className: 'mono', text: list.list }), ...listPart('added', '+', list.addedCount, list.added), ...listPart('removed', '−', list.removedCount, list.removed)]))),
    section('Fields', diff.generic.map(fieldItem)),
  ].filter((node): node is HTMLElement => node !== undefined);
  if (diff.same) sections.push(el('p', { className: 'muted diff-same', text: diff.a === diff.b ? 'Identical.' : 'Identical but for the version.' }));
  return sections;
}

function section(title: string, items: HTMLElement[]): HTMLElement | undefined {
  if (items.length === 0) return undefined;
  return el('section', { className: 'diff-section' }, [el('h4', { text: title }), el('ul', { className: 'diff-list' }, items)]);
}

function ruleItem(kind: 'added' | 'removed', sign: string, rule: RuleSummary): HTMLElement {
  const flags = [rule.score === undefined ? '' : `score ${rule.score}`, rule.shadow ? 'shadow' : ''].filter(Boolean).join(', ');
  return el('li', { className: `diff-${kind}` }, [
    el('span', { className: 'diff-sign', text: sign }),
    el('span', { className: 'rule', text: rule.id }),
    el('span', { className: 'muted', text: ` ${flags}` }),
    el('code', { className: 'diff-when', text: rule.when }),
  ]);
}

function fieldList(fields: FieldChange[]): HTMLElement {
  return el('ul', { className: 'diff-fields' }, fields.map(fieldItem));
}

function fieldItem(change: FieldChange): HTMLElement {
  return el('li', {}, [
    el('span', { className: 'diff-field', text: change.field }),
    el('span', { className: 'diff-from mono', text: shown(change.from) }),
    el('span', { className: 'diff-arrow', text: '→' }),
    el('span', { className: 'diff-to mono', text: shown(change.to) }),
  ]);
}

function listPart(kind: 'added' | 'removed', sign: string, count: number, ids: string[]): HTMLElement[] {
  if (count === 0) return [];
  const more = count > ids.length ? `, … ${count - ids.length} more` : '';
  return [el('span', { className: `diff-${kind} diff-ids`, text: ` ${sign}${count} (${ids.join(', ')}${more})` })];
}

function shown(value: unknown): string {
  if (value === null || value === undefined) return '(none)';
  return typeof value === 'string' ? value : JSON.stringify(value);
}
