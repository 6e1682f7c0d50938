/** The live dashboard: one feed consumer per server, fanned out to every browser over SSE. */
export { buildDashboard } from './server.ts';
export { startDashboard } from './start.ts';
export { checkDashboardSettings, isLoopback, type DashboardSettings } from './options.ts';
export { DEFAULT_TUNING, type DashboardOptions, type DashboardTuning, type RunningDashboard } from './types.ts';
export type { StatsView } from './context.ts';
export type { RulesView, RuleView } from './rules-view.ts';
export type { FeedbackView } from './routes-feedback.ts';
export type { FeedbackRecord, FeedbackRequest, Label } from './feedback-schema.ts';
export type { Precision, Review, Tally } from './feedback-store.ts';
export type { EvidenceEvent } from './decision-facts.ts';
export { probeDashboard, type LoadProbeOptions, type LoadProbeResult, type Percentiles } from './load-probe.ts';
export { sampleProcess, type ProcessUsage } from './proc-usage.ts';
