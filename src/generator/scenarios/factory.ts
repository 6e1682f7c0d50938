import type { Place } from '../geography.ts';
import type { Merchant } from '../population.ts';
import type { Random } from '../random.ts';
import type { GeneratedTransaction } from '../traffic.ts';
import type { Payer } from './identities.ts';

export type PaymentChannel = 'ecommerce' | 'card-present';

export interface PurchaseSpec {
  atMs: number;
  amount: number;
  merchant: Merchant;
  channel: PaymentChannel;
  /** Where the payer stands: online, their ip's place (default home); in person, the shop's place (default the merchant's). */
  where?: Place;
}

export interface TransferSpec {
  atMs: number;
  amount: number;
  payee: string;
  /** Where the transfer is made from (default the payer's home). */
  where?: Place;
}

/**
 * Transactions shaped exactly like TrafficGenerator's (same fields, same order, same
 * formats) but drawn from a scenario's own random stream and stamped with the
 * scenario's own simulated time: TrafficGenerator's helpers draw from the background
 * stream and stamp its clock, so using them would shift the background.
 */
export class TransactionFactory {
  readonly #random: Random;
  readonly #startTime: number;

  constructor(random: Random, startTime: number) {
    this.#random = random;
    this.#startTime = startTime;
  }

  purchase(payer: Payer, spec: PurchaseSpec): GeneratedTransaction {
    const online = spec.channel === 'ecommerce';
    const where = spec.where ?? (online ? payer.home : spec.merchant.place);
    return {
      ...this.#base(payer, spec.amount, spec.atMs),
      target: spec.merchant.id,
      channel: spec.channel,
      merchant: spec.merchant.name,
      mcc: spec.merchant.mcc,
      country: where.country,
      lat: this.#jitter(where.lat),
      lon: this.#jitter(where.lon),
    };
  }

  transfer(payer: Payer, spec: TransferSpec): GeneratedTransaction {
    return {
      ...this.#base(payer, spec.amount, spec.atMs),
      target: spec.payee,
      channel: 'transfer',
      country: (spec.where ?? payer.home).country,
    };
  }

  /** An everyday amount around a median, as the background draws them (log-normal, cents). */
  ordinaryAmount(median: number): number {
    return money(Math.min(25_000, Math.max(0.5, this.#random.logNormal(median, 0.75))));
  }

  #base(payer: Payer, amount: number, atMs: number): GeneratedTransaction {
    return {
      id: `tx-${this.#random.id(16)}`,
      timestamp: new Date(this.#startTime + Math.round(atMs)).toISOString(),
      source: payer.account,
      target: '',
      amount,
      currency: payer.home.currency,
      card: payer.card,
      device: payer.device,
      ip: payer.ip,
    };
  }

  /** A few kilometres around a city centre, as the background places payments. */
  #jitter(degrees: number): number {
    return Math.round((degrees + this.#random.between(-0.05, 0.05)) * 10_000) / 10_000;
  }
}

/** Rounded to cents. */
export function money(value: number): number {
  return Math.round(value * 100) / 100;
}

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;

/** `count` times spread at random over [startMs, startMs + spanMs], sorted, the first at the start. */
export function spreadTimes(random: Random, startMs: number, spanMs: number, count: number): number[] {
  const times = [startMs];
  for (let i = 1; i < count; i++) times.push(startMs + random.float() * spanMs);
  return times.sort((a, b) => a - b);
}
