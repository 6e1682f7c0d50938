import type { AlertQueue } from './alerts.ts';
import type { DetailPanel } from './detail.ts';
import type { Entry } from './messages.ts';
import type { Tabs } from './tabs.ts';
import type { VerdictDesk } from './verdicts.ts';

export interface KeyTargets {
  tabs: Tabs;
  alerts: AlertQueue;
  alertsBody: HTMLTableSectionElement;
  detail: DetailPanel;
  verdicts: VerdictDesk;
  select: (entry: Entry) => void;
}

/**
 * Keyboard work on alerts: ↑/↓ (or k/j) move along the queue, Enter opens the detail,
 * F confirms fraud and L marks a false positive, on the focused alert or, failing
 * that, the one in the detail panel. Never while typing in a field.
 */
export function bindAlertKeys(targets: KeyTargets): void {
  document.addEventListener('keydown', (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || isTyping(event.target)) return;
    const key = event.key.toLowerCase();
    if (key === 'f' || key === 'l') {
      const entry = targets.alerts.entryOf(focusedRow(targets.alertsBody)) ?? targets.detail.alert;
      if (!entry) return;
      event.preventDefault();
      void targets.verdicts.give(entry.id, key === 'f' ? 'fraud' : 'legit');
      return;
    }
    if (targets.tabs.current !== 'alerts') return;
    if (key === 'arrowdown' || key === 'j' || key === 'arrowup' || key === 'k') {
      event.preventDefault();
      move(targets.alertsBody, key === 'arrowdown' || key === 'j' ? 1 : -1);
    } else if (key === 'enter' && !(event.target instanceof HTMLButtonElement)) {
      const entry = targets.alerts.entryOf(focusedRow(targets.alertsBody));
      if (entry) targets.select(entry);
    }
  });
}

function move(body: HTMLTableSectionElement, step: 1 | -1): void {
  const current = focusedRow(body);
  const next = current ? (step === 1 ? current.nextElementSibling : current.previousElementSibling) : body.firstElementChild;
  if (next instanceof HTMLElement) next.focus();
}

function focusedRow(body: HTMLTableSectionElement): HTMLTableRowElement | null {
  const active = document.activeElement;
  return active instanceof Element && body.contains(active) ? active.closest('tr') : null;
}

function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || (target instanceof HTMLElement && target.isContentEditable);
}
