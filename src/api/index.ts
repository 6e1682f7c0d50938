/** The synchronous decision API: request/reply over the log, the stream's detector decides. */
export { buildApi, DEFAULT_LATE_WAIT_MS } from './server.ts';
export { startApi } from './start.ts';
export { checkApiSettings } from './options.ts';
export { idFromKey, KEY_ID_PREFIX } from './transaction-id.ts';
export { DECISION_TIMEOUT, LOG_UNAVAILABLE } from './answers.ts';
export type { ApiOptions, ApiSettings, RunningApi } from './types.ts';
