import type { Label } from '../../domain/label.ts';
import { epochMs } from '../../domain/label.ts';
import type { EntityAccess } from '../state/access.ts';
import type { Entity } from '../state/entity.ts';
import { hashString } from '../state/hash.ts';
import { Kind } from '../state/kinds.ts';
import type { IndexedTransaction, TxIndex } from '../state/tx-index.ts';
import type { ChannelVocabulary } from './channels.ts';
import { ChannelClass } from './channels.ts';

export type LabelOutcome = 'applied' | 'unknown-transaction';

/**
 * A label became known (the merge hands it out at its knownAt, before any transaction of
 * that time): each entity of the labelled transaction (its account, card, merchant or
 * payee, device, ip) records it, so the transactions that come after see it and none
 * before. The parties come with the label, or from the index of transactions by id.
 */
export function applyLabel(
  label: Label,
  knownAt: number,
  options: { store: EntityAccess; transactions: TxIndex; channels: ChannelVocabulary },
): LabelOutcome {
  const tx = partiesOf(label, options.channels) ?? options.transactions.find(label.id, knownAt);
  if (!tx) return 'unknown-transaction';
  const { store } = options;
  const mark = (kind: Kind, key: string | undefined, party: string): void => {
    if (key === undefined) return;
    const entity: Entity = store.get(kind, key, knownAt);
    if (!store.applies(entity)) return;
    entity.label(tx.eventTime, knownAt, label.fraud, hashString(party));
    store.changed(entity);
  };
  // Each entity keeps the other side of the fraud: a merchant its cards (many: compromised), a card its merchants.
  const card = tx.card ?? tx.account;
  mark(Kind.ACCOUNT, tx.account, tx.target);
  mark(Kind.CARD, tx.card, tx.target);
  mark(tx.transfer ? Kind.PAYEE : Kind.MERCHANT, tx.target, card);
  mark(Kind.DEVICE, tx.device, card);
  mark(Kind.IP, tx.ip, card);
  return 'applied';
}

/** The label's own account of its transaction, when it carries one (account and target at least). */
function partiesOf(label: Label, channels: ChannelVocabulary): IndexedTransaction | undefined {
  if (label.account === undefined || label.target === undefined || label.timestamp === undefined) return undefined;
  return {
    eventTime: epochMs(label.timestamp),
    account: label.account,
    card: label.card,
    target: label.target,
    transfer: channels.classify(label.channel) === ChannelClass.TRANSFER,
    device: label.device,
    ip: label.ip,
    decision: undefined,
  };
}
