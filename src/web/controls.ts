import { byId } from './dom.ts';
import type { FeedFilter } from './feed.ts';
import type { EntryKind } from './messages.ts';

const KINDS: readonly EntryKind[] = ['legit', 'review', 'fraud', 'dead-letter'];

export interface ControlHandlers {
  onFilter: (filter: FeedFilter) => void;
  onPause: (paused: boolean) => void;
}

/** The feed's toolbar: verdict toggles, the text filter and pause/resume. */
export function bindControls(handlers: ControlHandlers): void {
  const boxes = [...document.querySelectorAll<HTMLInputElement>('.verdict-filters input[type=checkbox]')];
  const search = byId<HTMLInputElement>('filter-text');
  const pause = byId<HTMLButtonElement>('pause');
  const emit = (): void => {
    const kinds = new Set(KINDS.filter((kind) => boxes.some((box) => box.value === kind && box.checked)));
    handlers.onFilter({ kinds, query: search.value.trim().toLowerCase() });
  };
  for (const box of boxes) box.addEventListener('change', emit);
  let timer: number | undefined;
  search.addEventListener('input', () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(emit, 120);
  });
  pause.addEventListener('click', () => {
    const paused = pause.getAttribute('aria-pressed') !== 'true';
    pause.setAttribute('aria-pressed', String(paused));
    pause.textContent = paused ? 'Resume' : 'Pause';
    handlers.onPause(paused);
  });
}
