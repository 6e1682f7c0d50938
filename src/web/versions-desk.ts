import { byId, el, setText } from './dom.ts';
import { diffNodes } from './diff-view.ts';
import { checkCandidate, fetchContent, fetchDiff, fetchHistory, publishCandidate, rollBack, type Answer, type Published, type Signature } from './versions-api.ts';
import type { DiffInfo, VersionHistory } from './versions-types.ts';
import { historyRows, versionOptions } from './versions-view.ts';
import { readAnalyst, saveAnalyst } from './verdicts.ts';

/** Elements of the versions part of the rules view (index.html). */
interface Parts {
  body: HTMLTableSectionElement;
  empty: HTMLElement;
  a: HTMLSelectElement;
  b: HTMLSelectElement;
  diffTitle: HTMLElement;
  diff: HTMLElement;
  candidate: HTMLTextAreaElement;
  author: HTMLInputElement;
  note: HTMLTextAreaElement;
  check: HTMLElement;
  notice: HTMLElement;
}

/**
 * The versions of the rules view: the history (author, note, time of every
 * publication), the diff of any two versions, and a candidate an analyst edits, checks
 * against the version in force and publishes with a note, or an earlier version rolled
 * back to. Nothing is marked done before the server answers that it wrote it.
 */
export class VersionsDesk {
  readonly #parts: Parts;
  #history: VersionHistory | undefined;
  #shown = '';
  #busy = false;
  #noticeTimer: number | undefined;

  readonly #onPublished: () => void;

  /** `onPublished` runs after each publication or rollback (the rules table then shows the new ruleset). */
  constructor(onPublished: () => void) {
    this.#onPublished = onPublished;
    this.#parts = {
      body: byId<HTMLTableSectionElement>('versions-body'),
      empty: byId('versions-empty'),
      a: byId<HTMLSelectElement>('diff-a'),
      b: byId<HTMLSelectElement>('diff-b'),
      diffTitle: byId('diff-title'),
      diff: byId('diff-body'),
      candidate: byId<HTMLTextAreaElement>('candidate'),
      author: byId<HTMLInputElement>('publisher'),
      note: byId<HTMLTextAreaElement>('publish-note'),
      check: byId('check-result'),
      notice: byId('notice'),
    };
    const { a, b, author, body } = this.#parts;
    author.value = readAnalyst();
    author.addEventListener('change', () => saveAnalyst(author.value.trim()));
    a.addEventListener('change', () => void this.#compare());
    b.addEventListener('change', () => void this.#compare());
    byId('load-current').addEventListener('click', () => void this.#loadCurrent());
    byId('check-candidate').addEventListener('click', () => void this.#check());
    byId('publish-candidate').addEventListener('click', () => void this.#publish());
    body.addEventListener('click', (event) => {
      const version = event.target instanceof Element ? event.target.closest<HTMLButtonElement>('button[data-rollback]')?.dataset.rollback : undefined;
      if (version !== undefined) void this.#rollback(version);
    });
  }

  /** Reads the history again (on showing the view, after a publication); never rejects. */
  async refresh(): Promise<void> {
    const history = await fetchHistory();
    if (!history) return;
    this.#history = history;
    const { body, empty, a, b } = this.#parts;
    body.replaceChildren(...historyRows(history));
    empty.hidden = history.entries.length > 0;
    const versions = [...new Set(history.entries.map((entry) => entry.version))];
    const current = history.current?.version ?? versions[0] ?? '';
    const pickB = versions.includes(b.value) && this.#shown !== '' ? b.value : current;
    const pickA = versions.includes(a.value) && this.#shown !== '' ? a.value : (versions.find((version) => version !== pickB) ?? pickB);
    a.replaceChildren(...versionOptions(history.entries, pickA));
    b.replaceChildren(...versionOptions(history.entries, pickB));
    if (this.#parts.candidate.value === '' && history.current) await this.#loadCurrent();
    if (`${pickA}\n${pickB}` !== this.#shown) await this.#compare();
  }

  async #compare(): Promise<void> {
    const { a, b } = this.#parts;
    if (a.value === '' || b.value === '') return;
    this.#shown = `${a.value}\n${b.value}`;
    const answer = await fetchDiff(a.value, b.value);
    this.#showDiff(`${a.value} → ${b.value}`, answer);
  }

  async #loadCurrent(): Promise<void> {
    const content = await fetchContent('current');
    if (content !== undefined) this.#parts.candidate.value = content;
  }

  async #check(): Promise<void> {
    const answer = await checkCandidate(this.#parts.candidate.value);
    const { check } = this.#parts;
    if (!answer.ok) {
      check.dataset.kind = 'error';
      setText(check, `Not valid: ${answer.message}`);
      return;
    }
    const info = answer.value;
    check.dataset.kind = info.unchanged ? 'muted' : 'ok';
    const renamed = info.renamed ? ' (its version line is taken by other content, so a digest is appended)' : '';
    setText(check, info.unchanged ? `Valid, and already in force as ${info.version}.` : `Valid: ${info.summary}, would be published as ${info.version}${renamed}.`);
    const inForce = this.#history?.current?.version;
    if (info.diff) this.#showDiff(`in force ${inForce ?? ''} → candidate ${info.version}`, { ok: true, value: info.diff });
    this.#shown = '';
  }

  async #publish(): Promise<void> {
    const signature = this.#signature('publishing');
    if (!signature) return;
    await this.#act(() => publishCandidate(this.#parts.candidate.value, signature), 'Published');
  }

  async #rollback(version: string): Promise<void> {
    const signature = this.#signature(`rolling back to ${version}`);
    if (!signature) return;
    await this.#act(() => rollBack(version, signature), 'Rolled back to');
  }

  async #act(work: () => Promise<Answer<Published>>, done: string): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const answer = await work();
      if (!answer.ok) return this.#notify(`Not published: ${answer.message}`, 'error');
      const { status, version, renamed } = answer.value;
      if (status === 'unchanged') return this.#notify(`${version} is already in force: nothing published`, 'ok');
      this.#parts.note.value = '';
      setText(this.#parts.check, '');
      this.#notify(`${done} ${version}${renamed ? ' (renamed: its version line was taken by other content)' : ''}`, 'ok');
      this.#shown = '';
      this.#onPublished();
      await this.refresh();
    } finally {
      this.#busy = false;
    }
  }

  /** Author and note, both required: a publication says who and why. */
  #signature(what: string): Signature | undefined {
    const { author, note } = this.#parts;
    const signature = { author: author.value.trim(), note: note.value.trim() };
    const missing = signature.author === '' ? author : signature.note === '' ? note : undefined;
    if (!missing) return signature;
    missing.focus();
    this.#notify(`Before ${what}: write ${missing === author ? 'your name' : 'a note saying why'}`, 'error');
    return undefined;
  }

  #showDiff(title: string, answer: Answer<DiffInfo>): void {
    setText(this.#parts.diffTitle, title);
    this.#parts.diff.replaceChildren(...(answer.ok ? diffNodes(answer.value) : [el('p', { className: 'muted', text: answer.message })]));
  }

  #notify(message: string, kind: 'ok' | 'error'): void {
    const { notice } = this.#parts;
    setText(notice, message);
    notice.dataset.kind = kind;
    notice.hidden = false;
    window.clearTimeout(this.#noticeTimer);
    this.#noticeTimer = window.setTimeout(() => (notice.hidden = true), kind === 'error' ? 8000 : 3000);
  }
}
