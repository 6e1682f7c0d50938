import { PLACES } from '../geography.ts';

/** Standard-time UTC offsets (hours) of the generator's countries (see geography.ts). */
const OFFSETS: ReadonlyMap<string, number> = new Map(PLACES.map((place) => [place.country, place.utcOffset]));

export function utcOffsetHours(country: string): number {
  return OFFSETS.get(country) ?? 0;
}

/** Local hour of the day (fractional, 0 to < 24) in a country at an epoch time. */
export function localHour(epochMs: number, country: string): number {
  const hours = epochMs / 3_600_000 + utcOffsetHours(country);
  return ((hours % 24) + 24) % 24;
}
