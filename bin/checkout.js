// In a checkout (src/ beside dist/), makes sure the JavaScript in dist/ was built from the
// current src/: a developer who edits src/ and runs `npx fraud`, `npm start` or a test gets
// a fresh build, never a stale one. An installed package has no src/, and this does nothing.
// Plain JavaScript, as it runs before anything is compiled.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SRC_DIR = join(ROOT, 'src');
export const DIST_DIR = join(ROOT, 'dist');
/** Written by scripts/build.ts into dist/: the state of src/ that the build compiled. */
export const STAMP_FILE = 'build-stamp.json';
const LOCK_DIR = join(ROOT, '.build-lock');
const LOCK_STALE_MS = 120_000;

/** Every file under src/ (its count and the newest change): what a build depends on. */
export function sourceState(srcDir = SRC_DIR) {
  let files = 0;
  let newestMs = 0;
  for (const entry of readdirSync(srcDir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    files++;
    const mtimeMs = statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs;
    if (mtimeMs > newestMs) newestMs = mtimeMs;
  }
  return { files, newestMs };
}

/** Why dist/ does not match src/, or undefined when it does (or when this is no checkout). */
export function staleReason(root = ROOT) {
  const srcDir = join(root, 'src');
  if (!existsSync(srcDir)) return undefined;
  let stamp;
  try {
    stamp = JSON.parse(readFileSync(join(root, 'dist', STAMP_FILE), 'utf8'));
  } catch {
    return 'dist/ has not been built';
  }
  const now = sourceState(srcDir);
  if (now.files !== stamp.files) return `src/ has ${now.files} files, the build had ${stamp.files}`;
  if (now.newestMs > stamp.newestMs) return 'src/ changed since the last build';
  return undefined;
}

/**
 * Builds when dist/ is stale. Several processes may start at once (tests, a developer's
 * terminals): one builds under a lock folder, the others wait for it and then find dist/ fresh.
 */
export function ensureFreshBuild({ log = (text) => process.stderr.write(text) } = {}) {
  if (staleReason() === undefined) return;
  withLock(() => {
    const reason = staleReason(); // another process may have built while we waited
    if (reason === undefined) return;
    log(`fraud: ${reason}: building dist/ (npm run build)\n`);
    // The build's own output goes to stderr: stdout is the command's data.
    const result = spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'scripts', 'build.ts')], { cwd: ROOT, stdio: ['ignore', 2, 2] });
    if (result.status !== 0) {
      const hint = existsSync(join(ROOT, 'node_modules', 'tsx')) ? '' : ' (the build needs the dev dependencies: run npm install)';
      throw new Error(`the build failed${hint}`);
    }
  });
}

function withLock(work) {
  const deadline = Date.now() + LOCK_STALE_MS;
  for (;;) {
    try {
      mkdirSync(LOCK_DIR);
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      // A builder that died leaves its lock: take it over once it is older than any build.
      if (Date.now() - lockCreatedAt() > LOCK_STALE_MS || Date.now() > deadline) rmSync(LOCK_DIR, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    }
  }
  try {
    work();
  } finally {
    rmSync(LOCK_DIR, { recursive: true, force: true });
  }
}

function lockCreatedAt() {
  try {
    return statSync(LOCK_DIR).mtimeMs;
  } catch {
    return Date.now();
  }
}
