/**
 * What a key has seen before (payees, devices, countries), bounded: past `capacity` the
 * oldest entry is forgotten, so a key cannot grow without limit. A plain array of numbers
 * is the most compact JS container for a few dozen values; `learn` returns a new array of
 * exactly the right length rather than pushing, because V8 pads a pushed-to array with
 * room for 16 more (over a hundred bytes per account, times millions of accounts).
 */
export function knows(items: readonly number[], value: number): boolean {
  return items.includes(value);
}

/** The list with the value added (the oldest dropped past `capacity`), or the same list when it was known. */
export function learn(items: readonly number[], value: number, capacity: number): readonly number[] {
  if (items.includes(value)) return items;
  const kept = items.length >= capacity ? items.length - 1 : items.length;
  const next = new Array<number>(kept + 1);
  for (let i = 0; i < kept; i++) next[i] = items[items.length - kept + i] as number;
  next[kept] = value;
  return next;
}

/** Devices, countries, ips and categories share one list; a salt per kind keeps their hashes apart. */
export const Salt = { device: 0x1000_0001, country: 0x2000_0002, ip: 0x3000_0003, category: 0x4000_0004 } as const;
