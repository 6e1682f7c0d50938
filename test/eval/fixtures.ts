import type { Verdict } from '../../src/domain/decision.ts';
import type { Label } from '../../src/generator/scenarios/types.ts';

/** A label of an incident's transaction; the id defaults to `<incident>/<step>`. */
export function aLabel(incident: string, step: number, overrides: Partial<Label> = {}): Label {
  const scenario = incident.replace(/-\d+$/, '');
  return { id: `${incident}/${step}`, fraud: true, scenario, incident, step, ...overrides };
}

/** Verdicts by id from a compact list: [id, verdict]. */
export function verdicts(entries: Array<[string, Verdict]>): Map<string, Verdict> {
  return new Map(entries);
}
