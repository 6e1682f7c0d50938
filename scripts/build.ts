/**
 * `npm run build` (run by `prepare`: by `npm install` in a checkout and by `npm pack`):
 * every src/ module to one JavaScript module in dist/, same layout, imports rewritten from
 * .ts to .js; the packages of BUNDLED into dist/vendor/; the dashboard page into dist/web/. It only strips types (esbuild, about
 * a second): checking them is `npm run typecheck`'s job. The same layout matters: modules
 * find the shipped files (rules/, scripts/kafka/pom.xml) by paths relative to themselves.
 *
 * It builds into a fresh folder and swaps it in, so a process running from dist/ meanwhile
 * never sees half a build.
 */
import { copyFile, mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { DIST_DIR, ROOT, SRC_DIR, STAMP_FILE, sourceState } from '../bin/checkout.js';
import { bundleAssets, PAGE_FILES } from '../src/dashboard/assets.ts';

/** Node's lowest version we run on: esbuild keeps newer syntax out of the output. */
const TARGET = 'node20.19';

/**
 * Dependencies bundled into dist/vendor/ instead of loaded from node_modules: pure
 * JavaScript on the start-up path of most commands, whose many small files cost more to
 * load than their code (zod: about 100 modules). They are dev dependencies: users get them built in.
 */
export const BUNDLED = ['zod'];

/** Bundling mode for its resolver, but each of our modules stays one output file; other packages stay external. */
const moduleByModule: Plugin = {
  name: 'module-by-module',
  setup(context) {
    context.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point' || args.importer.includes('/node_modules/')) return undefined;
      if (args.path.startsWith('.')) return { path: args.path.replace(/\.ts$/, '.js'), external: true };
      const name = args.path.startsWith('@') ? args.path.split('/').slice(0, 2).join('/') : args.path.split('/')[0];
      return BUNDLED.includes(name ?? '') ? undefined : { path: args.path, external: true };
    });
  },
};

async function modules(): Promise<string[]> {
  const names = await readdir(SRC_DIR, { recursive: true });
  return names
    .filter((name) => name.endsWith('.ts') && !name.startsWith(`web/`) && !name.endsWith('.d.ts'))
    .map((name) => join(SRC_DIR, name))
    .sort();
}

export async function buildDist(): Promise<{ modules: number; seconds: number }> {
  const started = performance.now();
  const stamp = sourceState(); // before compiling: an edit made during the build makes it stale
  const next = `${DIST_DIR}.next-${process.pid}`;
  await rm(next, { recursive: true, force: true });
  const entryPoints = await modules();
  await build({
    entryPoints,
    outdir: next,
    outbase: SRC_DIR,
    bundle: true,
    splitting: true,
    chunkNames: 'vendor/[name]-[hash]',
    plugins: [moduleByModule],
    platform: 'node',
    format: 'esm',
    target: TARGET,
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'warning',
  });
  await writePage(join(next, 'web'));
  await writeVendorLicences(join(next, 'vendor'));
  await writeFile(join(next, STAMP_FILE), `${JSON.stringify(stamp)}\n`);
  await swapIn(next);
  return { modules: entryPoints.length, seconds: Math.round(performance.now() - started) / 1000 };
}

async function writePage(dir: string): Promise<void> {
  const assets = await bundleAssets();
  await mkdir(dir, { recursive: true });
  for (const page of PAGE_FILES) {
    const asset = assets.get(page.path);
    if (!asset) throw new Error(`the page bundle has no ${page.path}`);
    await writeFile(join(dir, page.file), asset.body);
  }
}

/** The licence of each bundled package goes with its code. */
async function writeVendorLicences(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  for (const name of BUNDLED) {
    const folder = join(ROOT, 'node_modules', name);
    const licence = (await readdir(folder)).find((file) => /^licen[cs]e/i.test(file));
    if (!licence) throw new Error(`${name} has no licence file to ship with its bundled code`);
    await copyFile(join(folder, licence), join(dir, `${name.replace('/', '__')}.LICENSE.txt`));
  }
}

async function swapIn(next: string): Promise<void> {
  const old = `${DIST_DIR}.old-${process.pid}`;
  await rename(DIST_DIR, old).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
  });
  await rename(next, DIST_DIR);
  await rm(old, { recursive: true, force: true });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const built = await buildDist();
  process.stderr.write(`built ${built.modules} modules and the page into ${relative(ROOT, DIST_DIR)}/ in ${built.seconds} s\n`);
}
