import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { FraudError } from '../errors.ts';
import type { Log } from '../log/types.ts';
import { detectorHealthReport, type DetectorHealth } from './health.ts';
import type { Metrics } from './metrics.ts';

export interface HealthServerOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  log: Log;
  health: DetectorHealth;
  metrics: Metrics;
}

export interface RunningHealthServer {
  url: string;
  close(): Promise<void>;
}

/**
 * `/healthz` and `/metrics` of a process without the dashboard (`fraud detect
 * --metrics-port`): two read-only routes, so node:http is enough.
 */
export async function startHealthServer(options: HealthServerOptions): Promise<RunningHealthServer> {
  const server = createServer((request, response) => {
    respond(request, response, options).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(error instanceof Error ? error.message : String(error));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause: NodeJS.ErrnoException) => {
      const problem = `--metrics-port: cannot listen on ${options.host}:${options.port} (${cause.code ?? cause.message})`;
      reject(new FraudError('FRAUD_CONFIG_INVALID', 'the metrics server cannot start', { cause, problems: [problem] }));
    });
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

async function respond(request: IncomingMessage, response: ServerResponse, options: HealthServerOptions): Promise<void> {
  const path = new URL(request.url ?? '/', 'http://localhost').pathname;
  if (request.method !== 'GET' && request.method !== 'HEAD') return send(response, 405, 'text/plain', 'method not allowed\n');
  if (path === '/healthz') {
    const { statusCode, body } = await detectorHealthReport(options.log, options.health);
    return send(response, statusCode, 'application/json; charset=utf-8', `${JSON.stringify(body)}\n`);
  }
  if (path === '/metrics') {
    return send(response, 200, options.metrics.registry.contentType, await options.metrics.registry.metrics());
  }
  return send(response, 404, 'text/plain', 'not found: try /healthz or /metrics\n');
}

function send(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, { 'content-type': type, 'cache-control': 'no-store' });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
