import type { Review } from './analyst-types.ts';
import { fetchReviews } from './api.ts';
import { BoundedMap } from './bounded-map.ts';

/**
 * The latest verdict per transaction, from three sources that may arrive in any order:
 * the list the server read from the feedback topic (on every (re)connection, so a
 * reloaded page still knows), `feedback` events, and this page's own answers.
 */
export class ReviewStore {
  readonly #reviews = new BoundedMap<string, Review>(5000);
  readonly #listeners: Array<() => void> = [];

  get(id: string): Review | undefined {
    return this.#reviews.get(id);
  }

  onChange(listener: () => void): void {
    this.#listeners.push(listener);
  }

  apply(review: Review): void {
    this.#keepNewer(review);
    this.#changed();
  }

  async reload(): Promise<void> {
    const reviews = await fetchReviews();
    for (const review of reviews) this.#keepNewer(review);
    this.#changed();
  }

  /** A list fetched just before this page's own verdict was read back must not undo it. */
  #keepNewer(review: Review): void {
    const known = this.#reviews.get(review.id);
    if (!known || review.at >= known.at) this.#reviews.set(review.id, review);
  }

  #changed(): void {
    for (const listener of this.#listeners) listener();
  }
}
