import { PLACES } from './geography.ts';
import { normalCdf, normalQuantile } from './normal.ts';

/**
 * How often and when people pay: the population's pace, which sets the event time of a
 * generated stream. Each customer pays at their own rate (log-normal across the
 * population: a few payments a week in the main, some daily, some weekly), mostly within
 * their active hours of the local day, more on Fridays and Saturdays, less on Sundays.
 */

export const HOUR_MS = 3_600_000;
export const DAY_MS = 24 * HOUR_MS;
export const WEEK_MS = 7 * DAY_MS;
export const WEEK_HOURS = 168;

/** Payments a week of the median customer, and the spread (sigma of the log) around it: 10% pay under 1.4 a week, 10% over 9. */
export const PAYMENTS_PER_WEEK = { median: 3.5, sigma: 0.75 } as const;

/** First active hour of the local day (uniform in this range), and how many more follow it. */
export const ACTIVE_FROM = { min: 6, max: 10 } as const;
export const ACTIVE_LENGTH = { min: 10, max: 15 } as const;

/** Relative intensity outside the active hours: about 3% of payments fall there, at night or early. */
const QUIET = 0.03;
/** Monday to Sunday, local: Friday and Saturday are shopping days, Sunday shops are mostly shut. */
const WEEKDAY = [1, 1, 1, 1.03, 1.1, 1.15, 0.7] as const;
const BUSIEST_DAY = Math.max(...WEEKDAY);

const OFFSETS = [...new Set(PLACES.map((place) => place.utcOffset))].sort((a, b) => a - b);
const FROM_CHOICES = ACTIVE_FROM.max - ACTIVE_FROM.min + 1;
const LENGTH_CHOICES = ACTIVE_LENGTH.max - ACTIVE_LENGTH.min + 1;

/** Customers who share a time zone and active hours share a rhythm: their intensity over the week. */
export const RHYTHMS = OFFSETS.length * FROM_CHOICES * LENGTH_CHOICES;

export function rhythmOf(utcOffset: number, activeFrom: number, activeLength: number): number {
  return (OFFSETS.indexOf(utcOffset) * FROM_CHOICES + (activeFrom - ACTIVE_FROM.min)) * LENGTH_CHOICES + (activeLength - ACTIVE_LENGTH.min);
}

/** Intensity (0-1, 1 = an active hour of the busiest day) by rhythm and UTC hour of the week (Monday 00:00 UTC = 0). */
const INTENSITY = buildIntensities();

function buildIntensities(): Float64Array {
  const table = new Float64Array(RHYTHMS * WEEK_HOURS);
  for (const offset of OFFSETS) {
    for (let from = ACTIVE_FROM.min; from <= ACTIVE_FROM.max; from++) {
      for (let length = ACTIVE_LENGTH.min; length <= ACTIVE_LENGTH.max; length++) {
        const rhythm = rhythmOf(offset, from, length);
        const until = activeUntil(from, length);
        for (let hour = 0; hour < WEEK_HOURS; hour++) {
          const local = (((hour + offset) % WEEK_HOURS) + WEEK_HOURS) % WEEK_HOURS;
          const hourOfDay = local % 24;
          const active = hourOfDay >= from && hourOfDay <= until;
          table[rhythm * WEEK_HOURS + hour] = ((active ? 1 : QUIET) * (WEEKDAY[Math.floor(local / 24)] ?? 1)) / BUSIEST_DAY;
        }
      }
    }
  }
  return table;
}

/** The last active hour (inclusive): the day ends at midnight at the latest. */
export function activeUntil(from: number, length: number): number {
  return Math.min(23, from + length);
}

/** UTC hour of the week of an epoch time: 1970-01-01 was a Thursday, 72 hours after a Monday's start. */
export function hourOfWeek(epochMs: number): number {
  const hours = Math.floor(epochMs / HOUR_MS) + 72;
  return ((hours % WEEK_HOURS) + WEEK_HOURS) % WEEK_HOURS;
}

export function intensity(rhythm: number, epochMs: number): number {
  return INTENSITY[rhythm * WEEK_HOURS + hourOfWeek(epochMs)] ?? 0;
}

const MEAN_BY_RHYTHM = Float64Array.from({ length: RHYTHMS }, (_, rhythm) => {
  let sum = 0;
  for (let hour = 0; hour < WEEK_HOURS; hour++) sum += INTENSITY[rhythm * WEEK_HOURS + hour] ?? 0;
  return sum / WEEK_HOURS;
});

function meanIntensity(rhythm: number): number {
  return MEAN_BY_RHYTHM[rhythm] ?? 0;
}

/** Mean intensity over a week of the average customer (the time zone does not change it). */
const MEAN_INTENSITY = (() => {
  let sum = 0;
  for (let from = 0; from < FROM_CHOICES; from++) for (let length = 0; length < LENGTH_CHOICES; length++) sum += meanIntensity(from * LENGTH_CHOICES + length);
  return sum / (FROM_CHOICES * LENGTH_CHOICES);
})();

/**
 * Customer i of n holds the i-th of n equal slices of the log-normal of rates, so a
 * population's rates are exact whatever its size, and one customer's rate needs no state.
 * Returned as a weight (1 for the median customer): the slice's share of all payments,
 * times n x the mean weight. It is exactly how often the clock picks the customer
 * (clock.ts draws a slice by the same distribution).
 */
export function rateWeight(index: number, size: number): number {
  const { sigma } = PAYMENTS_PER_WEEK;
  const share = normalCdf(normalQuantile((index + 1) / size) - sigma) - normalCdf(normalQuantile(index / size) - sigma);
  return share * size * MEAN_RATE_WEIGHT;
}

/** Mean of rateWeight over the population (the mean of a log-normal of median 1). */
export const MEAN_RATE_WEIGHT = Math.exp((PAYMENTS_PER_WEEK.sigma * PAYMENTS_PER_WEEK.sigma) / 2);

/**
 * Payments per millisecond of a customer of rate weight 1 if every hour were an active
 * hour of the busiest day: the intensity thins it down to PAYMENTS_PER_WEEK on average.
 */
export const PEAK_RATE_PER_MS = PAYMENTS_PER_WEEK.median / WEEK_MS / MEAN_INTENSITY;

/** Expected payments in a week of one customer. */
export function paymentsPerWeek(weight: number, rhythm: number): number {
  return PEAK_RATE_PER_MS * weight * meanIntensity(rhythm) * WEEK_MS;
}

/** Payments per second of the whole population, averaged over a week. */
export function populationRatePerSecond(customers: number): number {
  return (customers * MEAN_RATE_WEIGHT * PAYMENTS_PER_WEEK.median) / (WEEK_MS / 1000);
}

/** The population whose payments average `ratePerSecond` over a week (at least one customer). */
export function customersForRate(ratePerSecond: number): number {
  return Math.max(1, Math.round(ratePerSecond / populationRatePerSecond(1)));
}

/** The population in which `transactions` payments span `days` of event time. */
export function customersForSpan(transactions: number, days: number): number {
  return customersForRate(transactions / (days * 86_400));
}

/** A rhythm's intensity in one UTC hour of the week, for tables summed over a population. */
export function intensityAtHour(rhythm: number, hour: number): number {
  return INTENSITY[rhythm * WEEK_HOURS + hour] ?? 0;
}


/** The share of customers of each rhythm, as the population is drawn (home by weight, active hours uniform). */
export function rhythmShares(): Float64Array {
  const shares = new Float64Array(RHYTHMS);
  const totalWeight = PLACES.reduce((sum, place) => sum + place.weight, 0);
  for (const place of PLACES) {
    for (let from = ACTIVE_FROM.min; from <= ACTIVE_FROM.max; from++) {
      for (let length = ACTIVE_LENGTH.min; length <= ACTIVE_LENGTH.max; length++) {
        const rhythm = rhythmOf(place.utcOffset, from, length);
        shares[rhythm] = (shares[rhythm] ?? 0) + place.weight / totalWeight / (FROM_CHOICES * LENGTH_CHOICES);
      }
    }
  }
  return shares;
}
