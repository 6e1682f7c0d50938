import type { ScenarioEvent, Away } from './types.ts';

/**
 * Who is travelling, so the background does not have them pay in person at home while
 * they are abroad. Dropped payments are still observed as history by the scheduler, so
 * that other scenarios' choices never depend on whether a trip happened.
 */
export class Trips {
  #away: Away[] = [];

  add(away: Away): void {
    this.#away.push(away);
  }

  /** Whether this background payment is an in-person one its payer, abroad, cannot have made. */
  excludes(event: ScenarioEvent): boolean {
    if (this.#away.length === 0) return false;
    this.#away = this.#away.filter((away) => away.untilMs >= event.atMs);
    const { source, channel } = event.transaction;
    return channel === 'card-present' && this.#away.some((away) => away.account === source && away.fromMs <= event.atMs);
  }
}
