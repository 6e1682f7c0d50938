import { el } from './dom.ts';
import { formatTime } from './format.ts';
import type { VersionEntry, VersionHistory } from './versions-types.ts';

const dateTime = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false });

/** One row per publication, newest first: the one in force marked, the other versions with a roll-back button. */
export function historyRows(history: VersionHistory): HTMLTableRowElement[] {
  return history.entries.map((entry) => {
    const inForce = history.current !== undefined && entry.id === history.current.id;
    const current = history.current !== undefined && entry.version === history.current.version;
    return el('tr', { className: inForce ? 'in-force' : '', attrs: { 'data-version': entry.version } }, [
      el('td', { className: 'version-cell' }, [
        el('span', { className: 'mono strong', text: entry.version }),
        ...(inForce ? [el('span', { className: 'in-force-badge', text: 'in force' })] : []),
        ...(entry.declaredVersion !== entry.version ? [el('span', { className: 'muted small renamed', text: `declared ${entry.declaredVersion}` })] : []),
      ]),
      el('td', { text: entry.action === 'rollback' ? `rollback from ${entry.previous || '–'}` : 'publish' }),
      el('td', { text: entry.author }),
      el('td', { className: 'time', text: when(entry.publishedAt), title: entry.publishedAt }),
      el('td', { className: 'note-cell', text: entry.note }),
      el('td', { className: 'actions' }, current ? [] : [el('button', { className: 'rollback-button', text: 'Roll back', attrs: { type: 'button', 'data-rollback': entry.version } })]),
    ]);
  });
}

/** The versions to compare, each once, newest first. */
export function versionOptions(entries: VersionEntry[], selected: string): HTMLOptionElement[] {
  const versions = [...new Set(entries.map((entry) => entry.version))];
  return versions.map((version) => {
    const option = el('option', { text: version, attrs: { value: version } });
    option.selected = version === selected;
    return option;
  });
}

function when(iso: string): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return iso || '–';
  return Date.now() - time < 86_400_000 ? formatTime(time) : dateTime.format(time);
}
