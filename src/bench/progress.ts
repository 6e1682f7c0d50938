import cliProgress from 'cli-progress';

/** What the stages report while they run; it goes to stderr, never to the figures on stdout. */
export interface Progress {
  /** A step with a known amount of work (records, seconds). */
  begin(label: string, total: number, unit: string): void;
  update(done: number): void;
  /** Closes the step with a one-line outcome. */
  end(outcome: string): void;
  note(text: string): void;
  stop(): void;
}

/** A bar on a terminal; plain lines (at most one per step every 5 s) in logs and CI. */
export function createProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  return stream.isTTY === true ? new BarProgress(stream) : new LineProgress(stream);
}

/** For tests and `--json` runs piped away: says nothing. */
export const silentProgress: Progress = {
  begin: () => undefined,
  update: () => undefined,
  end: () => undefined,
  note: () => undefined,
  stop: () => undefined,
};

class BarProgress implements Progress {
  readonly #stream: NodeJS.WriteStream;
  #bar: cliProgress.SingleBar | undefined;
  #label = '';

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
  }

  begin(label: string, total: number, unit: string): void {
    this.#close();
    this.#label = label;
    this.#bar = new cliProgress.SingleBar(
      { stream: this.#stream, format: `${label.padEnd(38)} [{bar}] {percentage}% | {value}/{total} ${unit} | {duration}s`, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    this.#bar.start(Math.max(1, Math.round(total)), 0);
  }

  update(done: number): void {
    this.#bar?.update(Math.round(done));
  }

  end(outcome: string): void {
    this.#close();
    this.#stream.write(`  ${this.#label}: ${outcome}\n`);
  }

  note(text: string): void {
    this.#close();
    this.#stream.write(`${text}\n`);
  }

  stop(): void {
    this.#close();
  }

  #close(): void {
    this.#bar?.stop();
    this.#bar = undefined;
  }
}

const LINE_INTERVAL_MS = 5000;

class LineProgress implements Progress {
  readonly #stream: NodeJS.WriteStream;
  #label = '';
  #total = 0;
  #unit = '';
  #lastLine = 0;

  constructor(stream: NodeJS.WriteStream) {
    this.#stream = stream;
  }

  begin(label: string, total: number, unit: string): void {
    this.#label = label;
    this.#total = total;
    this.#unit = unit;
    this.#lastLine = performance.now();
    this.#stream.write(`bench: ${label} (${Math.round(total)} ${unit})\n`);
  }

  update(done: number): void {
    const now = performance.now();
    if (now - this.#lastLine < LINE_INTERVAL_MS) return;
    this.#lastLine = now;
    const share = this.#total > 0 ? Math.round((done / this.#total) * 100) : 0;
    this.#stream.write(`bench:   ${this.#label}: ${share}% (${Math.round(done)}/${Math.round(this.#total)} ${this.#unit})\n`);
  }

  end(outcome: string): void {
    this.#stream.write(`bench:   ${this.#label}: ${outcome}\n`);
  }

  note(text: string): void {
    this.#stream.write(`bench: ${text}\n`);
  }

  stop(): void {
    // Lines need no closing.
  }
}
