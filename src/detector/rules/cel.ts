import { Environment } from '@marcbachmann/cel-js';

/**
 * CEL, the safe expression language of Kubernetes and Envoy: no loops, no I/O, no
 * eval. Variables are dynamic because transactions keep unknown fields. Note that CEL
 * numbers from JSON are doubles: write `amount >= 900.0` or compare as in the defaults.
 */
const environment = new Environment({
  unlistedVariablesAreDyn: true,
  enableOptionalTypes: true,
  homogeneousAggregateLiterals: false,
  limits: { maxAstNodes: 2000, maxDepth: 50, maxListElements: 10_000, maxMapEntries: 1000, maxCallArguments: 16 },
});

export type CompiledExpression = (context: Record<string, unknown>) => unknown;

/** Parses once; throws a readable error for a syntax error. */
export function compileExpression(source: string): CompiledExpression {
  const program = environment.parse(source);
  return (context) => program(context);
}

/** CEL integers are BigInt; show them, and long doubles, the way a reason should read. */
export function formatValue(value: unknown): string {
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 100) / 100);
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '-';
  if (value instanceof Map) return JSON.stringify(Object.fromEntries(value));
  return JSON.stringify(value) ?? String(value);
}
