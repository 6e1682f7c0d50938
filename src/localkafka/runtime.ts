import { ensureJars, jarsPresent } from './jars.ts';
import type { ResolvedLocalKafkaOptions } from './options.ts';
import { jarCacheLayout, POM_FILE } from './paths.ts';
import { findToolchain } from './requirements.ts';
import type { KafkaRuntime } from './tools.ts';

/** Java, then the jars (asking for Maven only when they still have to be fetched). */
export async function prepareRuntime(opts: Pick<ResolvedLocalKafkaOptions, 'version' | 'env' | 'onProgress'>): Promise<{ runtime: KafkaRuntime; jarsMs: number }> {
  const cache = jarCacheLayout(opts.version, opts.env);
  const toolchain = await findToolchain({ env: opts.env, needMaven: !jarsPresent(cache) });
  const jars = await ensureJars({
    cache,
    version: opts.version,
    pomFile: POM_FILE,
    mvn: toolchain.mvn,
    env: opts.env,
    onProgress: opts.onProgress,
  });
  if (jars.fetchedNow) opts.onProgress(`fetched the Kafka ${opts.version} jars in ${(jars.elapsedMs / 1000).toFixed(1)} s`);
  return { runtime: { java: toolchain.java, classpath: cache.classpath, env: opts.env }, jarsMs: jars.elapsedMs };
}

