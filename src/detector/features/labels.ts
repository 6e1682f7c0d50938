import type { Label } from '../../domain/label.ts';
import { epochMs } from '../../domain/label.ts';
import type { EntityAccess } from '../state/access.ts';
import type { Entity } from '../state/entity.ts';
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
  const mark = (kind: Kind, key: string | undefined): void => {
    if (key === undefined) return;
    const entity: Entity = store.get(kind, key, knownAt);
    if (!store.applies(entity)) return;
    entity.label(tx.eventTime, knownAt, label.fraud);
    store.changed(entity);
  };
  mark(Kind.ACCOUNT, tx.account);
  mark(Kind.CARD, tx.card);
  mark(tx.transfer ? Kind.PAYEE : Kind.MERCHANT, tx.target);
  mark(Kind.DEVICE, tx.device);
  mark(Kind.IP, tx.ip);
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
