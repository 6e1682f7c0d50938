/** Versions and audit trail of published rulesets (and models): publish, history, diff, rollback. */
export { ArtifactRegistry, type History, type PublishPlan, type PublishRequest, type PublishResult, type RegistryOptions, type RollbackRequest, type Signature } from './registry.ts';
export { compareArtifacts, type ArtifactDiff, type DiffSide } from './compare.ts';
export { diffRulesets, type FieldChange, type ListChange, type RuleChange, type RulesetDiff } from './diff.ts';
export { formatDiff, formatHistory } from './format.ts';
export { contentDigest, nameVersion } from './naming.ts';
export { CURRENT, namedSide, versionSide } from './sides.ts';
export type { InForce } from './trail.ts';
export { entrySummary, historyView, inForceSummary, type EntrySummary, type HistoryView, type InForceSummary } from './summary.ts';
