/**
 * Standard-time UTC offsets (hours) of countries, for `hour_local`. A fixed offset per
 * country is wrong for daylight saving and for countries spanning zones, by an hour or
 * a few; enough to tell a 3 a.m. payment from a 3 p.m. one.
 */
const OFFSETS: Record<string, number> = {
  GB: 0, IE: 0, PT: 0, IS: 0,
  FR: 1, DE: 1, ES: 1, IT: 1, NL: 1, BE: 1, LU: 1, CH: 1, AT: 1, PL: 1, CZ: 1, SE: 1, NO: 1, DK: 1, HU: 1, HR: 1, SI: 1, SK: 1,
  FI: 2, GR: 2, RO: 2, BG: 2, EE: 2, LV: 2, LT: 2, UA: 2, IL: 2, EG: 2, ZA: 2,
  TR: 3, RU: 3, SA: 3, KE: 3,
  AE: 4, IN: 5.5, PK: 5, BD: 6, TH: 7, VN: 7, ID: 7, CN: 8, SG: 8, HK: 8, PH: 8, MY: 8, TW: 8, JP: 9, KR: 9, AU: 10, NZ: 12,
  BR: -3, AR: -3, CL: -4, CO: -5, PE: -5, MX: -6, US: -5, CA: -5,
};

export function localHour(epochMs: number, country: string | null | undefined): number {
  const offset = country ? (OFFSETS[country.toUpperCase()] ?? 0) : 0;
  const hour = new Date(epochMs + offset * 3_600_000).getUTCHours();
  return hour;
}

/** Day of the week (0 = Sunday) in the transaction's country, by the same fixed offset. */
export function localWeekday(epochMs: number, country: string | null | undefined): number {
  const offset = country ? (OFFSETS[country.toUpperCase()] ?? 0) : 0;
  return new Date(epochMs + offset * 3_600_000).getUTCDay();
}
