import {
  FindCoordinatorKeyTypes,
  kGetApi,
  kGetBootstrapConnection,
  kGetConnection,
  kPerformWithRetry,
  NetworkError,
  type API,
  type Base,
  type Broker,
  type Callback,
  type Connection,
  type Consumer,
  type findCoordinatorV6,
} from '@platformatic/kafka';
import { brokerErrorIds } from './errors.ts';

/**
 * Two faults of @platformatic/kafka 1.35 that only a cluster shows, worked around here
 * (fixed upstream in 2.x, platformatic/kafka#290 and #291, which needs Node 22):
 *
 * 1. A consumer asks which broker coordinates its group once, and never again. When that
 *    broker dies or hands the group over (a clean shutdown), every heartbeat, join and
 *    commit goes on to the old broker for the life of the process: the member falls out
 *    of its group and cannot come back, and its partitions stall.
 * 2. A request to a broker that has left the cluster metadata (fenced after a crash)
 *    throws a TypeError inside a socket callback: the process dies.
 *
 * The consumer's group operations are sent to the coordinator we look up ourselves, again
 * after any failure that means it moved; our own coordinator requests (coordinator.ts)
 * use the same lookup. A connection to a broker not in the metadata fails with a
 * retriable NetworkError instead of throwing.
 */

/** The client's operation ids of requests to the group coordinator (consumer.js 1.35). */
const GROUP_OPERATIONS = new Set(['joinGroup', 'syncGroup', 'heartbeat', 'leaveGroup', 'commit', 'listCommits', 'consumerGroupHeartbeat', 'leaveGroupConsumerProtocol']);

/** Answers meaning the coordinator is elsewhere now, or was never reached. */
const MOVED = new Set(['NOT_COORDINATOR', 'COORDINATOR_NOT_AVAILABLE']);

export interface Coordinator extends Broker {
  nodeId: number;
}

/** Where a group's coordinator is, looked up on demand and forgotten when it moved. */
export class CoordinatorTracker {
  readonly #client: Base;
  readonly #groupId: string;
  #current: Promise<Coordinator> | undefined;

  constructor(client: Base, groupId: string) {
    this.#client = client;
    this.#groupId = groupId;
  }

  coordinator(): Promise<Coordinator> {
    this.#current ??= findGroupCoordinator(this.#client, this.#groupId);
    const lookup = this.#current;
    lookup.catch(() => {
      if (this.#current === lookup) this.#current = undefined;
    });
    return lookup;
  }

  /** After a failure: if it says the coordinator moved or could not be reached, look it up again next time. */
  noteFailure(error: unknown): void {
    if (movedOrUnreachable(error)) this.#current = undefined;
  }
}

export function movedOrUnreachable(error: unknown): boolean {
  if (brokerErrorIds(error).some((id) => MOVED.has(id))) return true;
  return hasCode(error, 'PLT_KFK_NETWORK') || hasCode(error, 'PLT_KFK_TIMEOUT');
}

function hasCode(error: unknown, code: string): boolean {
  const found = (error as { findBy?: (property: string, value: unknown) => unknown } | null)?.findBy?.('code', code);
  return found !== null && found !== undefined;
}

const trackers = new WeakMap<Base, CoordinatorTracker>();

/** The tracker of a group consumer set up by followGroupCoordinator, if any. */
export function trackerOf(client: Base): CoordinatorTracker | undefined {
  return trackers.get(client);
}

/** Routes the consumer's group operations to the tracked coordinator (fault 1) and guards its lookups (fault 2). */
export function followGroupCoordinator(consumer: Consumer, groupId: string): CoordinatorTracker {
  const tracker = new CoordinatorTracker(consumer, groupId);
  trackers.set(consumer, tracker);
  const wrapped = new WeakSet<object>();
  let inGroupOperation = false;
  const performWithRetry = consumer[kPerformWithRetry].bind(consumer);
  consumer[kPerformWithRetry] = (operationId, operation, callback, ...rest) => {
    if (!GROUP_OPERATIONS.has(operationId) || wrapped.has(operation)) return performWithRetry(operationId, operation, callback, ...rest);
    // The client asks for the coordinator's connection synchronously in `operation`.
    const routed: typeof operation = (retryCallback) => {
      inGroupOperation = true;
      try {
        operation((error, result) => {
          if (error) tracker.noteFailure(error);
          retryCallback(error, result);
        });
      } finally {
        inGroupOperation = false;
      }
    };
    wrapped.add(routed);
    return performWithRetry(operationId, routed, callback, ...rest);
  };
  const getConnection = guardedGetConnection(consumer);
  consumer[kGetConnection] = (broker, callback) => {
    if (!inGroupOperation) {
      getConnection(broker, callback);
      return;
    }
    tracker.coordinator().then(
      (coordinator) => getConnection({ host: coordinator.host, port: coordinator.port }, callback),
      (error: unknown) => callback(error instanceof Error ? error : new NetworkError(String(error)), undefined),
    );
  };
  return tracker;
}

/** Fault 2 alone, for producers and other clients: a missing broker is a retriable error, not a crash. */
export function guardBrokerLookups(client: Base): void {
  const getConnection = guardedGetConnection(client);
  client[kGetConnection] = (broker, callback) => getConnection(broker, callback);
}

function guardedGetConnection(client: Base): (broker: Broker | undefined, callback: Callback<Connection>) => void {
  const original = client[kGetConnection].bind(client);
  return (broker, callback) => {
    if (broker === undefined) {
      callback(new NetworkError('the broker asked for is no longer in the cluster metadata (it left or was fenced)'), undefined);
      return;
    }
    original(broker, callback);
  };
}

/** One FindCoordinator request for a group, on any broker the client can reach. */
async function findGroupCoordinator(client: Base, groupId: string): Promise<Coordinator> {
  const connection = await new Promise<Connection>((resolve, reject) => {
    client[kGetBootstrapConnection]((error, found) => (error || !found ? reject(error ?? new NetworkError('no broker reachable')) : resolve(found)));
  });
  const api = await new Promise<API<[number, string[]], findCoordinatorV6.FindCoordinatorResponse>>((resolve, reject) => {
    client[kGetApi]<[number, string[]], findCoordinatorV6.FindCoordinatorResponse>('FindCoordinator', (error, found) => (error || !found ? reject(error ?? new Error('no FindCoordinator API')) : resolve(found)));
  });
  const response = await api.async(connection, FindCoordinatorKeyTypes.GROUP, [groupId]);
  const found = response.coordinators.find((coordinator) => coordinator.key === groupId);
  if (!found || found.errorCode !== 0 || found.nodeId < 0) {
    throw new NetworkError(`no coordinator for group ${groupId} yet (error code ${String(found?.errorCode)})`);
  }
  return { nodeId: found.nodeId, host: found.host, port: found.port };
}
