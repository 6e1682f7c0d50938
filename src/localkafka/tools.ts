import { FraudError } from '../errors.ts';
import { runProcess, type RunResult } from './exec.ts';

/** What it takes to run any Kafka class: a Java 17+ binary and the cached jars. */
export interface KafkaRuntime {
  java: string;
  /** `libs/*`, expanded by the JVM itself. */
  classpath: string;
  env: NodeJS.ProcessEnv;
}

export interface KafkaToolRun {
  /** e.g. org.apache.kafka.tools.ProducerPerformance, org.apache.kafka.tools.ConsumerPerformance, kafka.tools.ConsoleProducer */
  mainClass: string;
  args: string[];
  /** A log4j2 config that keeps the tool's logging off stdout, where its results go. */
  log4jConfig?: string;
  /** -Xmx of the tool's JVM; Kafka's own scripts give tools 256m, a performance test wants more. */
  heap?: string;
  timeoutMs?: number;
  cwd?: string;
  /** Live stdout, e.g. ProducerPerformance's progress line every 5 s. */
  onStdout?: (chunk: string) => void;
}

const JAVA_CLASS_NAME = /^[A-Za-z_$][\w$]*(\.[A-Za-z_$][\w$]*)*$/;

export function kafkaToolJavaArgs(runtime: KafkaRuntime, run: KafkaToolRun): string[] {
  if (!JAVA_CLASS_NAME.test(run.mainClass)) {
    // Otherwise a "class" such as -jar x.jar would be read by java as its own option.
    throw new FraudError('FRAUD_USAGE', `not a Java class name: ${run.mainClass}`);
  }
  return [
    `-Xmx${run.heap ?? '512m'}`,
    '-XX:+UseG1GC',
    '-Djava.awt.headless=true',
    ...(run.log4jConfig === undefined ? [] : [`-Dlog4j2.configurationFile=${run.log4jConfig}`]),
    '-cp',
    runtime.classpath,
    run.mainClass,
    ...run.args,
  ];
}

/**
 * Runs one Kafka command line tool in the foreground and returns its exit code and output;
 * a non-zero exit is a result to inspect, not an exception, because tools like
 * ConsumerPerformance report usage errors that way.
 */
export async function runKafkaTool(runtime: KafkaRuntime, run: KafkaToolRun): Promise<RunResult> {
  const args = kafkaToolJavaArgs(runtime, run);
  try {
    return await runProcess(runtime.java, args, { env: runtime.env, cwd: run.cwd, timeoutMs: run.timeoutMs, onStdout: run.onStdout });
  } catch (cause) {
    throw new FraudError('FRAUD_KAFKA_SETUP', `cannot start ${runtime.java} for ${run.mainClass}`, { cause });
  }
}
