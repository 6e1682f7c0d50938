import type { RuleDefinition } from '../detector/rules/ruleset.ts';
import type { ArtifactDiff } from './compare.ts';
import type { FieldChange, ListChange, RulesetDiff } from './diff.ts';
import type { History } from './registry.ts';

const NOTE_SHOWN = 72;

/** `fraud rules history`: newest first, the one in force marked with `*`. */
export function formatHistory(history: History): string {
  if (history.entries.length === 0) {
    const bare = history.current ? `\nin force: ${history.current.version} (published without the audit trail, at ${shortTime(history.current.at)})` : '';
    return `no publication in the audit topic yet${bare}\n`;
  }
  const inForce = history.current?.artifact?.id;
  const rows = history.entries.map((entry) => [
    entry.id === inForce ? '*' : ' ',
    entry.version,
    entry.action === 'rollback' ? `rollback (from ${entry.previous ?? '–'})` : 'publish',
    entry.author,
    shortTime(entry.publishedAt),
    oneLine(entry.note),
  ]);
  const table = columns([[' ', 'VERSION', 'ACTION', 'AUTHOR', 'PUBLISHED (UTC)', 'NOTE'], ...rows]);
  const footer = inForceFooter(history);
  return `${table}${footer}`;
}

function inForceFooter(history: History): string {
  const current = history.current;
  if (!current) return '\nnothing in force on the rules topic\n';
  if (current.artifact) return `\n* in force: ${current.version}\n`;
  return `\nin force: ${current.version}, published without the audit trail at ${shortTime(current.at)}\n`;
}

/** `fraud rules diff A B` for people: what a reviewer of the change needs to see. */
export function formatDiff(diff: ArtifactDiff): string {
  const lines = [`${diff.kind} ${side(diff.a)} -> ${side(diff.b)}`];
  if (diff.ruleset) lines.push(...rulesetLines(diff.ruleset));
  if (diff.generic) {
    for (const change of diff.generic.changes) lines.push(`  ${change.field}: ${value(change.from)} -> ${value(change.to)}`);
    if (diff.generic.total > diff.generic.changes.length) lines.push(`  … and ${diff.generic.total - diff.generic.changes.length} more`);
  }
  if (diff.same) lines.push(diff.a.version === diff.b.version ? 'identical' : 'identical but for the version');
  return `${lines.join('\n')}\n`;
}

function side(info: ArtifactDiff['a']): string {
  return info.source === 'file' ? `${info.label} (version ${info.version})` : info.version;
}

function rulesetLines(diff: RulesetDiff): string[] {
  const lines: string[] = [];
  const section = (title: string, body: string[]): void => {
    if (body.length > 0) lines.push(title, ...body);
  };
  section('thresholds', diff.thresholds.map(fieldLine));
  section('features', diff.features.map(fieldLine));
  section('lists', diff.lists.map(listLine));
  const { added, removed, changed, reordered } = diff.rules;
  section('rules', [
    ...added.map((rule) => `  + ${rule.id}  ${ruleSummary(rule)}`),
    ...removed.map((rule) => `  - ${rule.id}  ${ruleSummary(rule)}`),
    ...changed.flatMap((rule) => [`  ~ ${rule.id}`, ...rule.fields.map((field) => `    ${fieldLine(field).trim()}`)]),
    ...(reordered ? ['  rules kept are in another order (reasons are listed in rule order)'] : []),
  ]);
  return lines;
}

function ruleSummary(rule: RuleDefinition): string {
  const flags = [rule.shadow ? 'shadow' : '', rule.enabled ? '' : 'disabled'].filter(Boolean);
  return `score ${rule.score}${flags.length > 0 ? ` [${flags.join(', ')}]` : ''}: ${oneLine(rule.when)}`;
}

function fieldLine(change: FieldChange): string {
  return `  ${change.field}: ${value(change.from)} -> ${value(change.to)}`;
}

function listLine(change: ListChange): string {
  const part = (sign: string, count: number, ids: string[]): string =>
    count === 0 ? '' : `${sign}${count} (${ids.join(', ')}${count > ids.length ? ', …' : ''})`;
  return `  ${change.list}: ${[part('+', change.addedCount, change.added), part('-', change.removedCount, change.removed)].filter(Boolean).join(' ')}`;
}

function value(item: unknown): string {
  if (item === null || item === undefined) return '(none)';
  return typeof item === 'string' ? JSON.stringify(oneLine(item, 200)) : JSON.stringify(item);
}

function oneLine(text: string, max = NOTE_SHOWN): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function shortTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$|Z$/, '');
}

function columns(rows: string[][]): string {
  const widths = rows[0]?.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length))) ?? [];
  return rows.map((row) => row.map((cell, column) => (column === row.length - 1 ? cell : cell.padEnd(widths[column] ?? 0))).join('  ').trimEnd()).join('\n') + '\n';
}
