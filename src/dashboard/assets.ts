import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { FraudError } from '../errors.ts';

export interface Asset {
  body: Buffer;
  type: string;
  etag: string;
}

/** Path → file the server sends from memory. */
export type Assets = ReadonlyMap<string, Asset>;

/** src/web/ (the page's sources) when run from src/; dist/web/ (the built page) when run from dist/. */
const WEB_DIR = fileURLToPath(new URL('../web/', import.meta.url));

/** The page's files: what the build writes into dist/web/ and the server sends. */
export const PAGE_FILES = [
  { path: '/', file: 'index.html', type: 'text/html; charset=utf-8' },
  { path: '/app.js', file: 'app.js', type: 'text/javascript; charset=utf-8' },
  { path: '/styles.css', file: 'styles.css', type: 'text/css; charset=utf-8' },
  { path: '/favicon.svg', file: 'favicon.svg', type: 'image/svg+xml' },
] as const;

let bundled: Promise<Assets> | undefined;

/**
 * The page's files, read once per process when the first dashboard starts, and shared by
 * every server in it (tests, `fraud run`). The built package serves the bundle that
 * `npm run build` made (dist/web/); run from the sources (tests), the page is bundled from
 * src/web/ on the spot, so it is never older than its code.
 */
export function loadAssets(): Promise<Assets> {
  bundled ??= (existsSync(`${WEB_DIR}app.js`) ? readBuiltAssets() : bundleAssets()).catch((error: unknown) => {
    bundled = undefined; // a later start may try again, e.g. after the file is fixed
    throw new FraudError('FRAUD_INTERNAL', 'cannot bundle the dashboard page', { cause: error });
  });
  return bundled;
}

async function readBuiltAssets(): Promise<Assets> {
  const bodies = await Promise.all(PAGE_FILES.map((page) => readFile(`${WEB_DIR}${page.file}`)));
  return new Map(PAGE_FILES.map((page, i) => [page.path, asset(bodies[i] as Buffer, page.type)]));
}

/** Bundles the page from its sources in src/web/ with esbuild (a dev dependency: the build and the tests use it). */
export async function bundleAssets(): Promise<Assets> {
  const [script, styles, html, icon] = await Promise.all([
    bundleOne('main.ts'),
    bundleOne('styles.css'),
    readFile(`${WEB_DIR}index.html`),
    readFile(`${WEB_DIR}favicon.svg`),
  ]);
  const bodies: Record<(typeof PAGE_FILES)[number]['file'], Buffer> = { 'index.html': html, 'app.js': script, 'styles.css': styles, 'favicon.svg': icon };
  return new Map(PAGE_FILES.map((page) => [page.path, asset(bodies[page.file], page.type)]));
}

async function bundleOne(entry: string): Promise<Buffer> {
  const { build } = await import('esbuild');
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
