/** Countries the generator places customers and merchants in, with a city each and its currency. */
export interface Place {
  country: string;
  city: string;
  lat: number;
  lon: number;
  currency: string;
  /** Share of customers living there (the weights sum to 100). */
  weight: number;
  /** Standard-time offset from UTC, in whole hours (daylight saving is ignored). */
  utcOffset: number;
}

export const PLACES: readonly Place[] = [
  { country: 'FR', city: 'Paris', lat: 48.857, lon: 2.352, currency: 'EUR', weight: 18, utcOffset: 1 },
  { country: 'DE', city: 'Berlin', lat: 52.52, lon: 13.405, currency: 'EUR', weight: 18, utcOffset: 1 },
  { country: 'ES', city: 'Madrid', lat: 40.417, lon: -3.704, currency: 'EUR', weight: 10, utcOffset: 1 },
  { country: 'IT', city: 'Milan', lat: 45.464, lon: 9.19, currency: 'EUR', weight: 10, utcOffset: 1 },
  { country: 'NL', city: 'Amsterdam', lat: 52.368, lon: 4.904, currency: 'EUR', weight: 8, utcOffset: 1 },
  { country: 'BE', city: 'Brussels', lat: 50.85, lon: 4.352, currency: 'EUR', weight: 5, utcOffset: 1 },
  { country: 'GB', city: 'London', lat: 51.507, lon: -0.128, currency: 'GBP', weight: 12, utcOffset: 0 },
  { country: 'CH', city: 'Zurich', lat: 47.377, lon: 8.541, currency: 'CHF', weight: 4, utcOffset: 1 },
  { country: 'US', city: 'New York', lat: 40.713, lon: -74.006, currency: 'USD', weight: 10, utcOffset: -5 },
  { country: 'CA', city: 'Toronto', lat: 43.653, lon: -79.383, currency: 'CAD', weight: 3, utcOffset: -5 },
  { country: 'JP', city: 'Tokyo', lat: 35.676, lon: 139.65, currency: 'JPY', weight: 2, utcOffset: 9 },
];

export { distanceKm } from '../domain/geo.ts';
