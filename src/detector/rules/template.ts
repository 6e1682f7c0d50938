import { compileExpression, formatValue, type CompiledExpression } from './cel.ts';

export type CompiledTemplate = (context: Record<string, unknown>) => string;

const PLACEHOLDER = /\{\{(.+?)\}\}/g;

/**
 * A reason template: text with `{{ CEL expression }}` placeholders, so a reason names
 * its numbers ("7 payments from {{tx.source}} in 60 s, limit 5"). Compiled once per ruleset.
 */
export function compileTemplate(template: string): CompiledTemplate {
  const parts: Array<string | CompiledExpression> = [];
  let last = 0;
  for (const match of template.matchAll(PLACEHOLDER)) {
    parts.push(template.slice(last, match.index));
    parts.push(compileExpression((match[1] ?? '').trim()));
    last = match.index + match[0].length;
  }
  parts.push(template.slice(last));
  return (context) => parts.map((part) => (typeof part === 'string' ? part : safeFormat(part, context))).join('');
}

function safeFormat(expression: CompiledExpression, context: Record<string, unknown>): string {
  try {
    return formatValue(expression(context));
  } catch {
    return '?';
  }
}
