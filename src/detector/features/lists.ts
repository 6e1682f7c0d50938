import type { Transaction } from '../../domain/transaction.ts';
import type { CompiledLists } from '../rules/ruleset.ts';
import type { ListFeatures } from './types.ts';

/** No lists at all: what features see when no ruleset is given. */
export const NO_LISTS: CompiledLists = {
  blockedAccounts: new Set(),
  blockedCards: new Set(),
  blockedDevices: new Set(),
  blockedIps: new Set(),
  allowedAccounts: new Set(),
};

export function listFeatures(lists: CompiledLists, tx: Transaction): ListFeatures {
  const features = {
    source_blocked: lists.blockedAccounts.has(tx.source),
    target_blocked: lists.blockedAccounts.has(tx.target),
    card_blocked: typeof tx.card === 'string' && lists.blockedCards.has(tx.card),
    device_blocked: typeof tx.device === 'string' && lists.blockedDevices.has(tx.device),
    ip_blocked: typeof tx.ip === 'string' && lists.blockedIps.has(tx.ip),
    source_allowed: lists.allowedAccounts.has(tx.source),
  };
  return {
    ...features,
    any_blocked: features.source_blocked || features.target_blocked || features.card_blocked || features.device_blocked || features.ip_blocked,
  };
}
