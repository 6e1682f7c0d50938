/**
 * What a key has seen before (payees, devices, countries), bounded: past `capacity` the
 * oldest entry is forgotten, so a key cannot grow without limit. A plain array of numbers
 * is the most compact JS container for a few dozen values.
 */
export function knows(items: readonly number[], value: number): boolean {
  return items.includes(value);
}

/** Adds the value; returns true when it was not known yet. */
export function learn(items: number[], value: number, capacity: number): boolean {
  if (items.includes(value)) return false;
  if (items.length >= capacity) items.shift();
  items.push(value);
  return true;
}

/** Devices, countries, ips and categories share one list; a salt per kind keeps their hashes apart. */
export const Salt = { device: 0x1000_0001, country: 0x2000_0002, ip: 0x3000_0003, category: 0x4000_0004 } as const;
