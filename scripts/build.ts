/**
 * `npm run build` (run by `prepare`: by `npm install` in a checkout and by `npm pack`):
 * every src/ module to one JavaScript module in dist/, same layout, imports rewritten from
 * .ts to .js; the dashboard page bundled into dist/web/. It only strips types (esbuild, about
 * a second): checking them is `npm run typecheck`'s job. The same layout matters: modules
 * find the shipped files (rules/, scripts/kafka/pom.xml) by paths relative to themselves.
 *
 * It builds into a fresh folder and swaps it in, so a process running from dist/ meanwhile
 * never sees half a build.
 */
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { DIST_DIR, ROOT, SRC_DIR, STAMP_FILE, sourceState } from '../bin/checkout.js';
import { bundleAssets, PAGE_FILES } from '../src/dashboard/assets.ts';

/** Node's lowest version we run on: esbuild keeps newer syntax out of the output. */
const TARGET = 'node20.19';

/** Bundling mode for its resolver, but every import stays external: one output file per module. */
const moduleByModule: Plugin = {
  name: 'module-by-module',
  setup(context) {
    context.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      const path = args.path.startsWith('.') ? args.path.replace(/\.ts$/, '.js') : args.path;
      return { path, external: true };
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
    plugins: [moduleByModule],
    platform: 'node',
    format: 'esm',
    target: TARGET,
    charset: 'utf8',
    legalComments: 'none',
    logLevel: 'warning',
  });
  await writePage(join(next, 'web'));
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
