/** The live dashboard: one feed consumer per server, fanned out to every browser over SSE. */
export { buildDashboard } from './server.ts';
export { startDashboard } from './start.ts';
export { checkDashboardSettings, isLoopback, type DashboardSettings } from './options.ts';
export { DEFAULT_TUNING, type DashboardOptions, type DashboardTuning, type RunningDashboard } from './types.ts';
export type { StatsView } from './context.ts';
