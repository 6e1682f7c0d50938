/**
 * Colour for a person at a terminal only: never when NO_COLOR is set to anything
 * (https://no-color.org), and also without a terminal when FORCE_COLOR asks for it (as
 * Node's own tools do). The one place that decides, so every output agrees.
 */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}
