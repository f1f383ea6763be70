/** The errors and result types of leader election (src/kube/leader.ts). */

/** The campaign was stopped (its signal aborted) before this candidate acquired the lease. */
export class LeaderElectionStoppedError extends Error {
  override readonly name = 'LeaderElectionStoppedError';
}

/** Leadership ended without a release: renewal failed past renewDeadline or someone else holds the lease. */
export class LeadershipLostError extends Error {
  override readonly name = 'LeadershipLostError';
}

/** How a leadership ended. */
export type LeadershipEnd =
  { readonly kind: 'released' } | { readonly kind: 'lost'; readonly error: LeadershipLostError };

/** This candidate holds the lease; it is renewed in the background until `ended` settles. */
export interface Leadership {
  readonly identity: string;
  /** Settles once and never rejects: `lost`, or `released` once `release` was called. */
  readonly ended: Promise<LeadershipEnd>;
  /** True from acquisition until `ended` settles. */
  isLeading(): boolean;
  /**
   * Stops renewing, then hands the lease back (no holder, 1 s duration) so another candidate
   * takes over at once. Idempotent; never rejects (a failed write is logged and the lease
   * then expires after its duration); writes nothing once the lease is no longer ours.
   */
  release(): Promise<void>;
}
