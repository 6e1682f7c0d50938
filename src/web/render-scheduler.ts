/** A render that drew more rows than this means a flood: the next one waits longer. */
const FLOOD_ROWS = 50;
const FLOOD_INTERVAL_MS = 500;

/**
 * Runs a render at most once per animation frame and at most every `minIntervalMs`, or
 * every half second while arrivals flood in. Re-laying out a table of hundreds of rows
 * on every frame would keep the page's main thread busy, and so unable to answer a
 * click; two updates a second look the same to a reader of a thousand rows a second.
 * Hidden tabs get no animation frames; a timer keeps their queues from only growing.
 */
export class RenderScheduler {
  readonly #render: () => number;
  readonly #minIntervalMs: number;
  #scheduled = false;
  #lastRun = 0;
  #interval: number;

  /** `render` returns how many items it drew. */
  constructor(render: () => number, minIntervalMs: number) {
    this.#render = render;
    this.#minIntervalMs = minIntervalMs;
    this.#interval = minIntervalMs;
  }

  schedule(): void {
    if (this.#scheduled) return;
    this.#scheduled = true;
    const run = (): void => {
      this.#scheduled = false;
      this.#lastRun = performance.now();
      this.#interval = this.#render() > FLOOD_ROWS ? FLOOD_INTERVAL_MS : this.#minIntervalMs;
    };
    const wait = Math.max(0, this.#lastRun + this.#interval - performance.now());
    if (document.hidden) window.setTimeout(run, Math.max(wait, 500));
    else if (wait > 0) window.setTimeout(() => window.requestAnimationFrame(run), wait);
    else window.requestAnimationFrame(run);
  }
}
