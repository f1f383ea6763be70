/**
 * The durations of leader election (client-go's LeaderElectionConfig) and the checks that
 * keep them safe: a holder must give up (renewDeadline) before anyone may take over
 * (leaseDuration), and have time for more than one attempt (retryPeriod × jitter).
 */

/** The three durations of client-go's LeaderElectionConfig, in milliseconds. */
export interface LeaderTiming {
  /** How long a non-holder waits after the last observed change before taking over. */
  readonly leaseDurationMs: number;
  /** How long the holder keeps trying to renew before giving up leadership. */
  readonly renewDeadlineMs: number;
  /** Interval between attempts (acquire and renew). */
  readonly retryPeriodMs: number;
}

/** client-go's defaults as used by kube-controller-manager: 15 s / 10 s / 2 s. */
export const DEFAULT_LEADER_TIMING: LeaderTiming = {
  leaseDurationMs: 15_000,
  renewDeadlineMs: 10_000,
  retryPeriodMs: 2_000,
};

/** client-go's JitterFactor: campaign retries wait retryPeriod × (1 + 1.2 × random). */
export const JITTER_FACTOR = 1.2;

/** The options would allow two leaders or can never work (client-go NewLeaderElector's checks). */
export class LeaderElectionConfigError extends Error {
  override readonly name = 'LeaderElectionConfigError';
}

/** `t` when it is safe; throws LeaderElectionConfigError otherwise. */
export function validTiming(t: LeaderTiming): LeaderTiming {
  const positive = t.leaseDurationMs > 0 && t.renewDeadlineMs > 0 && t.retryPeriodMs > 0;
  if (!positive) throw new LeaderElectionConfigError('leader election: every duration must be positive');
  if (t.leaseDurationMs <= t.renewDeadlineMs) {
    throw new LeaderElectionConfigError('leader election: leaseDuration must be greater than renewDeadline');
  }
  if (t.renewDeadlineMs <= JITTER_FACTOR * t.retryPeriodMs) {
    throw new LeaderElectionConfigError('leader election: renewDeadline must exceed retryPeriod × 1.2');
  }
  return t;
}
