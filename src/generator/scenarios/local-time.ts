/**
 * Standard-time UTC offsets (hours) of the generator's countries (see geography.ts).
 * Daylight saving is ignored: an hour off does not make 3 a.m. look like daytime.
 */
const OFFSETS: Readonly<Record<string, number>> = {
  GB: 0,
  FR: 1,
  DE: 1,
  ES: 1,
  IT: 1,
  NL: 1,
  BE: 1,
  CH: 1,
  US: -5,
  CA: -5,
  JP: 9,
};

export function utcOffsetHours(country: string): number {
  return OFFSETS[country] ?? 0;
}

/** Local hour of the day (fractional, 0 to < 24) in a country at an epoch time. */
export function localHour(epochMs: number, country: string): number {
  const hours = epochMs / 3_600_000 + utcOffsetHours(country);
  return ((hours % 24) + 24) % 24;
}
