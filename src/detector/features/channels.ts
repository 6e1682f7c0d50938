import type { Channels } from './settings.ts';

/** What a transaction's `channel` means to the features. */
export const ChannelClass = { NONE: 0, IN_PERSON: 1, ONLINE: 2, TRANSFER: 3, UNKNOWN: 4 } as const;
export type ChannelClass = (typeof ChannelClass)[keyof typeof ChannelClass];
export const CHANNEL_CLASS_NAMES = ['none', 'in-person', 'online', 'transfer', 'unknown'] as const;

/** Told once per value the vocabulary does not know, so it is counted and reported rather than silently ignored. */
export type UnknownChannelListener = (value: string) => void;

/** The vocabulary compiled to one lookup; unknown values are remembered (bounded) and reported once each. */
export class ChannelVocabulary {
  readonly #classes = new Map<string, ChannelClass>();
  readonly #unknown = new Set<string>();
  #listener: UnknownChannelListener | undefined;

  constructor(channels: Channels) {
    for (const value of channels.inPerson) this.#classes.set(value.toLowerCase(), ChannelClass.IN_PERSON);
    for (const value of channels.online) this.#classes.set(value.toLowerCase(), ChannelClass.ONLINE);
    for (const value of channels.transfer) this.#classes.set(value.toLowerCase(), ChannelClass.TRANSFER);
  }

  onUnknown(listener: UnknownChannelListener | undefined): void {
    this.#listener = listener;
  }

  classify(channel: unknown): ChannelClass {
    if (typeof channel !== 'string') return ChannelClass.NONE;
    const known = this.#classes.get(channel) ?? this.#classes.get(channel.toLowerCase());
    if (known !== undefined) return known;
    if (!this.#unknown.has(channel) && this.#unknown.size < 1000) {
      this.#unknown.add(channel);
      this.#listener?.(channel);
    }
    return ChannelClass.UNKNOWN;
  }
}
