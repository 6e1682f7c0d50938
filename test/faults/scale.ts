/**
 * Sizes of the fault tests. The defaults keep the folder to a few minutes on a small CI
 * machine; FRAUD_FAULTS_SCALE=full runs the sizes of the issue ("Nothing lost, nothing
 * doubled": 50,000 transactions through five SIGKILLs).
 */
const full = process.env.FRAUD_FAULTS_SCALE === 'full';

export const FAULTS_SCALE = {
  name: full ? 'full' : 'ci',
  /** (a) transactions decided through the SIGKILLs. */
  sigkillInputs: full ? 50_000 : 20_000,
  sigkills: 5,
  /** (b) transactions produced while the broker stops and starts again, and their rate. */
  brokerRestartInputs: full ? 20_000 : 8_000,
  brokerRestartRate: full ? 800 : 400,
  /** (c) transactions with fraud scenarios produced while detectors come and go, and their rate. */
  scaleOutInputs: full ? 30_000 : 9_000,
  scaleOutRate: full ? 1_500 : 600,
  /** (d) hostile records, and the valid ones mixed in. */
  hostileRecords: full ? 50_000 : 10_000,
  /** Sent in parts, the detector's memory sampled after each. */
  hostileParts: full ? 5 : 2,
  validRecords: full ? 20_000 : 5_000,
} as const;

/** Test timeouts follow the sizes. */
export function faultTimeout(ciMs: number): number {
  return full ? ciMs * 3 : ciMs;
}
