import type { CompiledLists } from '../rules/ruleset.ts';

/** No lists at all: what features see when no ruleset is given. */
export const NO_LISTS: CompiledLists = {
  blockedAccounts: new Set(),
  blockedCards: new Set(),
  blockedDevices: new Set(),
  blockedIps: new Set(),
  allowedAccounts: new Set(),
};
