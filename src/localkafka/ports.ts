import { createServer } from 'node:net';
import { errnoCode } from './exec.ts';

/**
 * Whether host:port can be bound now. Checked before starting so a port held by some
 * other program is reported as such, instead of as a broker that died with a bind
 * error buried in its log.
 */
export function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolveFree, reject) => {
    const server = createServer();
    server.once('error', (error) => {
      if (errnoCode(error) === 'EADDRINUSE' || errnoCode(error) === 'EACCES') resolveFree(false);
      else reject(error);
    });
    server.listen({ host, port, exclusive: true }, () => {
      server.close(() => resolveFree(true));
    });
  });
}

export async function busyPorts(host: string, ports: number[]): Promise<number[]> {
  const busy: number[] = [];
  for (const port of ports) {
    if (!(await isPortFree(host, port))) busy.push(port);
  }
  return busy;
}
