import type { Label } from './analyst-types.ts';
import { postVerdict } from './api.ts';
import { setText } from './dom.ts';
import type { ReviewStore } from './reviews.ts';

const ANALYST_KEY = 'fraud-dashboard-analyst';
const LABEL_TEXT: Record<Label, string> = { fraud: 'confirmed fraud', legit: 'false positive' };

export interface VerdictDeskOptions {
  reviews: ReviewStore;
  /** The analyst's name, kept in this browser. */
  analyst: HTMLInputElement;
  notice: HTMLElement;
  /** After a verdict is recorded, e.g. to refresh precision. */
  onRecorded: () => void;
}

/**
 * Sends verdicts: from the buttons (one listener for every alert row and the detail
 * panel) and the keyboard. The alert is marked once the server has written the record,
 * not before, so a mark on screen always means a record on the feedback topic.
 */
export class VerdictDesk {
  readonly #options: VerdictDeskOptions;
  readonly #sending = new Set<string>();
  #noticeTimer: number | undefined;

  constructor(options: VerdictDeskOptions) {
    this.#options = options;
    const { analyst } = options;
    analyst.value = readAnalyst();
    analyst.addEventListener('change', () => saveAnalyst(analyst.value.trim()));
    document.addEventListener('click', (event) => {
      const button = event.target instanceof Element ? event.target.closest<HTMLButtonElement>('button[data-verdict]') : null;
      const label = button?.dataset.verdict;
      const id = button?.dataset.id;
      if ((label === 'fraud' || label === 'legit') && id !== undefined) void this.give(id, label);
    });
  }

  /** Never rejects: a failure is shown in the notice. */
  async give(id: string, label: Label): Promise<void> {
    if (this.#sending.has(id)) return;
    this.#sending.add(id);
    try {
      const result = await postVerdict(id, label, this.#options.analyst.value.trim());
      if (result.ok) {
        this.#options.reviews.apply(result.review);
        this.#notify(`Recorded: ${id} is ${LABEL_TEXT[label]}`, 'ok');
        this.#options.onRecorded();
      } else {
        this.#notify(`Verdict not recorded: ${result.message}`, 'error');
      }
    } finally {
      this.#sending.delete(id);
    }
  }

  #notify(message: string, kind: 'ok' | 'error'): void {
    const notice = this.#options.notice;
    setText(notice, message);
    notice.dataset.kind = kind;
    notice.hidden = false;
    window.clearTimeout(this.#noticeTimer);
    this.#noticeTimer = window.setTimeout(() => (notice.hidden = true), kind === 'error' ? 8000 : 3000);
  }
}

/** The analyst's name kept in this browser (shared by verdicts and publications). */
export function readAnalyst(): string {
  try {
    return window.localStorage.getItem(ANALYST_KEY) ?? '';
  } catch {
    return ''; // storage disabled: the name is simply not remembered
  }
}

export function saveAnalyst(name: string): void {
  try {
    window.localStorage.setItem(ANALYST_KEY, name);
  } catch {
    // storage disabled or full: nothing to do
  }
}
