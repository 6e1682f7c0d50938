import { randomUUID } from 'node:crypto';

/** A fresh topic name per test, so tests never see each other's records. */
export function randomTopic(prefix = 't'): string {
  return `${prefix}-${randomUUID().slice(0, 12)}`;
}
