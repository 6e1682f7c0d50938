import { Worker } from 'node:worker_threads';

/**
 * A worker thread running the module `name` that sits beside `from` (the caller's
 * import.meta.url). Built (dist/, .js), it runs as is; from the sources (tests, tsx, .ts)
 * it registers tsx first: Node 20 does not apply a parent's module hooks to a worker's
 * entry, and a loader the tsx CLI registered is not in execArgv to inherit.
 */
export function moduleWorker(from: string, name: string, workerData: unknown): Worker {
  const fromSource = from.endsWith('.ts');
  const entry = new URL(`./${name}.${fromSource ? 'ts' : 'js'}`, from);
  if (!fromSource) return new Worker(entry, { workerData });
  const tsx = JSON.stringify(import.meta.resolve('tsx/esm/api'));
  return new Worker(`import(${tsx}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); })`, { eval: true, workerData });
}
