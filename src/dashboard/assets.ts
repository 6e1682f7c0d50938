import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { FraudError } from '../errors.ts';

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** Path → file the server sends from memory. */
export type Assets = ReadonlyMap<string, Asset>;

const WEB_DIR = fileURLToPath(new URL('../web/', import.meta.url));

let bundled: Promise<Assets> | undefined;

/**
 * The page's files, bundled once per process when the first dashboard starts: no build
 * step for users and no generated file in the repository. Several servers in one
 * process (tests, `fraud run`) share the bundle.
 */
export function loadAssets(): Promise<Assets> {
  bundled ??= bundleAssets().catch((error: unknown) => {
    bundled = undefined; // a later start may try again, e.g. after the file is fixed
    throw new FraudError('FRAUD_INTERNAL', 'cannot bundle the dashboard page', { cause: error });
  });
  return bundled;
}

export async function bundleAssets(): Promise<Assets> {
  const [script, styles, html, icon] = await Promise.all([
    bundleOne('main.ts'),
    bundleOne('styles.css'),
    readFile(`${WEB_DIR}index.html`),
    readFile(`${WEB_DIR}favicon.svg`),
  ]);
  return new Map([
    ['/', asset(html, 'text/html; charset=utf-8')],
    ['/app.js', asset(script, 'text/javascript; charset=utf-8')],
    ['/styles.css', asset(styles, 'text/css; charset=utf-8')],
    ['/favicon.svg', asset(icon, 'image/svg+xml')],
  ]);
}

async function bundleOne(entry: string): Promise<Buffer> {
  const result = await build({
    entryPoints: [`${WEB_DIR}${entry}`],
    bundle: true,
    format: 'esm',
    minify: true,
    write: false,
    outdir: 'out',
    platform: 'browser',
    target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
    legalComments: 'none',
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild produced nothing for ${entry}`);
  return Buffer.from(file.contents);
}

function asset(body: Buffer, type: string): Asset {
  return { body, type, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}
