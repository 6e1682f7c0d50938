/** Appends to a queue kept to `limit` entries: under a flood the oldest go before they are ever drawn. */
export function pushBounded<T>(queue: T[], entry: T, limit: number): void {
  queue.push(entry);
  if (queue.length > limit) queue.splice(0, queue.length - limit);
}
