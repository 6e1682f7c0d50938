import { parentPort, workerData } from 'node:worker_threads';
import { openDatabase } from '../../util/sqlite.ts';
import { configureConnection, LocalWriter, type LocalWriteReply, type LocalWriteRequest } from './local-writes.ts';

/**
 * The local store's writes, on a thread of their own: a checkpoint of tens of thousands of
 * entities costs SQLite a few microseconds each, time the detector's thread keeps for
 * decisions. Requests are applied one at a time, in the order they came, each in one
 * transaction; the reply says it is committed (or why it was not).
 */
const port = parentPort;
if (!port) throw new Error('local-writer-thread runs as a worker thread');
const db = openDatabase((workerData as { file: string }).file);
configureConnection(db);
const writer = new LocalWriter(db);
port.on('message', (request: LocalWriteRequest | 'close') => {
  if (request === 'close') {
    db.close();
    port.close();
    return;
  }
  const reply: LocalWriteReply = { id: request.id };
  try {
    writer.apply(request.write);
  } catch (error) {
    reply.error = error instanceof Error ? error.message : String(error);
  }
  port.postMessage(reply);
});
