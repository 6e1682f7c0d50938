import { createRequire } from 'node:module';
import { pino, type Logger } from 'pino';
import { useColor } from './color.ts';

export type { Logger };

/**
 * Operators parse JSON logs; people at a terminal read lines. Same logger, two outputs:
 * JSON when stderr is a pipe or file, readable lines when it is a terminal.
 */
export function createLogger(level: string, options: { pretty?: boolean } = {}): Logger {
  const usePretty = options.pretty ?? process.stderr.isTTY === true;
  if (usePretty) {
    // Loaded only for a terminal: a pipe, a file or CI gets JSON and never pays for it.
    const pretty = createRequire(import.meta.url)('pino-pretty') as typeof import('pino-pretty');
    return pino({ level }, pretty({ destination: 2, colorize: useColor(process.stderr), translateTime: 'HH:MM:ss.l', ignore: 'pid,hostname', sync: true }));
  }
  return pino({ level, base: undefined }, pino.destination({ dest: 2, sync: true }));
}

/** For tests and library use: drops everything. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
