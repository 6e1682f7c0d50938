import { kGetApi, type API, type Base, type Callback, type Connection, type fetchV17 } from '@platformatic/kafka';

type AbortedTransaction = fetchV17.FetchResponsePartition['abortedTransactions'][number];
type FetchApi = API<unknown[], fetchV17.FetchResponse>;

/**
 * The client filters a read_committed fetch's aborted transactions itself before we see
 * the answer, and that filter throws on an abort marker of a transaction that wrote
 * nothing to the partition (Kafka lists no aborted range for it): "Cannot set properties
 * of undefined (setting '1')", found when a detector SIGKILLed between adding a partition
 * to its transaction and writing to it was fenced. We drop aborted records ourselves
 * (decodePartition, as the Java consumer does), so the client is handed partitions with
 * no aborted ranges and the ranges are held here for decodePartition.
 */
const held = new WeakMap<fetchV17.FetchResponsePartition, AbortedTransaction[]>();

/** The aborted ranges the broker sent with this partition of a fetch answer. */
export function abortedTransactionsOf(partition: fetchV17.FetchResponsePartition): AbortedTransaction[] {
  return held.get(partition) ?? partition.abortedTransactions;
}

/** Makes the client's Fetch requests hold their aborted ranges back from its own filter. */
export function holdAbortedTransactions(client: Base): void {
  const getApi = client[kGetApi].bind(client);
  const wrapped = new WeakMap<FetchApi, FetchApi>();
  const replacement = (name: string, callback: Callback<FetchApi>): void => {
    if (name !== 'Fetch') {
      getApi(name, callback);
      return;
    }
    getApi<unknown[], fetchV17.FetchResponse>(name, (error, api) => {
      if (error || !api) {
        callback(error, api);
        return;
      }
      let fetch = wrapped.get(api);
      if (!fetch) wrapped.set(api, (fetch = holdingFetch(api)));
      callback(null, fetch);
    });
  };
  client[kGetApi] = replacement as typeof client[typeof kGetApi];
}

function holdingFetch(api: FetchApi): FetchApi {
  const fetch = ((connection: Connection, ...args: unknown[]): void => {
    const callback = args.pop() as Callback<fetchV17.FetchResponse>;
    api(connection, ...args, (error: Error | null, response?: fetchV17.FetchResponse) => {
      if (response) holdBack(response);
      callback(error, response);
    });
  }) as FetchApi;
  fetch.async = async (connection, ...args) => holdBack(await api.async(connection, ...args));
  fetch.key = api.key;
  fetch.version = api.version;
  return fetch;
}

function holdBack(response: fetchV17.FetchResponse): fetchV17.FetchResponse {
  for (const topic of response.responses) {
    for (const partition of topic.partitions) {
      if (partition.abortedTransactions.length === 0) continue;
      held.set(partition, partition.abortedTransactions);
      partition.abortedTransactions = [];
    }
  }
  return response;
}
