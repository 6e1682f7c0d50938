import { byId } from './dom.ts';

export const TABS = ['feed', 'alerts', 'rules'] as const;
export type Tab = (typeof TABS)[number];

/**
 * The three views: live feed, alert queue, rules. The choice is kept in the address
 * (#alerts), so a reload or a shared link opens the same view.
 */
export class Tabs {
  readonly #listeners: Array<(tab: Tab) => void> = [];
  #current: Tab = 'feed';

  constructor() {
    for (const tab of TABS) byId(`tab-${tab}`).addEventListener('click', () => this.select(tab));
    byId('tabs').addEventListener('keydown', (event) => this.#arrow(event));
    const initial = TABS.find((tab) => `#${tab}` === window.location.hash);
    this.select(initial ?? 'feed', false);
  }

  get current(): Tab {
    return this.#current;
  }

  onChange(listener: (tab: Tab) => void): void {
    this.#listeners.push(listener);
  }

  select(tab: Tab, remember = true): void {
    this.#current = tab;
    for (const other of TABS) {
      const selected = other === tab;
      const button = byId(`tab-${other}`);
      button.setAttribute('aria-selected', String(selected));
      button.tabIndex = selected ? 0 : -1;
      byId(`panel-${other}`).hidden = !selected;
    }
    if (remember) window.history.replaceState(null, '', `#${tab}`);
    for (const listener of this.#listeners) listener(tab);
  }

  /** Left and right arrows move between tabs, as the ARIA tabs pattern expects. */
  #arrow(event: KeyboardEvent): void {
    if (event.key !== 'ArrowLeft' && event.key !== 'ArrowRight') return;
    const step = event.key === 'ArrowRight' ? 1 : TABS.length - 1;
    const next = TABS[(TABS.indexOf(this.#current) + step) % TABS.length] ?? 'feed';
    this.select(next);
    byId(`tab-${next}`).focus();
  }
}
