import { kGetApi, type API, type Broker, type Consumer } from '@platformatic/kafka';
import { sleep } from '../../util/wait.ts';
import { hasBrokerError, isFencingError } from './errors.ts';
import { movedOrUnreachable, trackerOf } from './group-coordinator.ts';
import { KAFKA_TIMINGS, retryDelay } from './options.ts';

/**
 * Requests sent straight to the group coordinator, through the client's own API table
 * (`kGetApi` picks the version the broker supports). We do this for three requests whose
 * client wrappers do not fit exactly-once processing:
 * - OffsetCommit: `consumer.commit()` uses the client's *current* generation and, when
 *   refused with ILLEGAL_GENERATION, rejoins the group and commits again, so a zombie's
 *   commit would succeed. We send the generation under which the records were read.
 * - TxnOffsetCommit: `transaction.addOffset()` sends one partition per request and
 *   deduplicates concurrent calls (a second call gets the first one's answer, unsent).
 * - OffsetFetch: `listCommittedOffsets()` asks with requireStable=false, so a new owner
 *   could read an offset that a zombie's pending transaction is about to move (KIP-447).
 */

/**
 * Broker errors worth another attempt at the coordinator. Fencing is never retried, nor
 * UNSTABLE_OFFSET_COMMIT: a pending transaction may take a transaction timeout to end, so
 * the consumer asks again at its next poll instead of blocking this one.
 */
const RETRIABLE = ['COORDINATOR_LOAD_IN_PROGRESS', 'COORDINATOR_NOT_AVAILABLE', 'NOT_COORDINATOR', 'REQUEST_TIMED_OUT'];

function getApi<Args extends unknown[], Response>(client: Consumer, name: string): Promise<API<Args, Response>> {
  return new Promise((resolve, reject) => {
    client[kGetApi]<Args, Response>(name, (error, api) => {
      if (error || !api) reject(error ?? new Error(`no ${name} API`));
      else resolve(api);
    });
  });
}

async function sendOnce<Args extends unknown[], Response>(client: Consumer, name: string, args: Args): Promise<Response> {
  const connection = await client.connections.get(await coordinatorOf(client));
  const api = await getApi<Args, Response>(client, name);
  return api.async(connection, ...args);
}

/** The tracked coordinator (group-coordinator.ts) of a group consumer; the client's own lookup otherwise. */
async function coordinatorOf(client: Consumer): Promise<Broker> {
  const tracker = trackerOf(client);
  if (tracker) return tracker.coordinator();
  const coordinatorId = await client.findGroupCoordinator();
  const metadata = await client.metadata({ topics: [] });
  const broker = metadata.brokers.get(coordinatorId);
  if (!broker) throw new Error(`the group coordinator (node ${coordinatorId}) is not in the cluster metadata`);
  return broker;
}

/**
 * Sends `name` with `args` to the coordinator of the client's group, retrying the
 * coordinator's transient answers (loading, moving) with backoff for up to a request
 * timeout, looking the coordinator up again when it moved or could not be reached.
 * Anything else, fencing first, is thrown at once.
 */
export async function callGroupCoordinator<Args extends unknown[], Response>(client: Consumer, name: string, args: Args): Promise<Response> {
  const deadline = Date.now() + KAFKA_TIMINGS.requestTimeoutMs;
  for (let attempt = 1; ; attempt++) {
    try {
      return await sendOnce<Args, Response>(client, name, args);
    } catch (error) {
      trackerOf(client)?.noteFailure(error);
      const moved = trackerOf(client) !== undefined && movedOrUnreachable(error);
      const again = !isFencingError(error) && (moved || RETRIABLE.some((id) => hasBrokerError(error, id))) && Date.now() < deadline;
      if (!again || client.closed) throw error;
      await sleep(retryDelay(client, name, attempt, KAFKA_TIMINGS.retries, error as Error));
    }
  }
}
