/**
 * What every part of the fake cloud shares: the id source, the clock, the deferred-work
 * scheduler and the configuration knobs.
 */
import type { IdSource } from './ids.js';
import type { Scheduler } from './scheduler.js';
import type { TimeSource } from './time.js';

/** Latencies of Octavia's asynchronous work, in milliseconds of the injected clock. */
export interface OctaviaLatencies {
  /** A load balancer create (its own part). Default 10 000 (a bare LB on the test cloud). */
  readonly create: number;
  /** Added per child object (listener, pool, member, monitor) of a create. Default 1 000. */
  readonly createPerChild: number;
  /** Any write on an ACTIVE load balancer's tree (PENDING_UPDATE). Default 3 000. */
  readonly update: number;
  /** A load balancer delete (PENDING_DELETE until gone). Default 6 000. */
  readonly delete: number;
  /** Each latency is multiplied by 1 ± jitter × (seeded random). Default 0. */
  readonly jitter: number;
}

/** Knobs of the modelled deployment. */
export interface FakeCloudConfig {
  readonly octavia: OctaviaLatencies;
  /** Amphora ports Octavia creates per load balancer (2 = ACTIVE_STANDBY, the test cloud; 1 = SINGLE). */
  readonly amphoraPorts: number;
  /** Enabled Octavia providers (default `amphora` and its alias `octavia`). */
  readonly providers: readonly string[];
  /** The highest Octavia API minor version advertised (default 26: Octavia 11). */
  readonly octaviaMaxMinor: number;
  /** Octavia's `pagination_max_limit` (default 1000). */
  readonly octaviaPageLimit: number;
  /** The Octavia 11 jobboard-less bug (ADR 2): children of a fully-populated create stay PENDING_CREATE. */
  readonly stuckChildrenOnFullCreate: boolean;
}

/** The defaults: the test cloud as measured (docs/adr/0002, probes of 2026-12). */
export const DEFAULT_CONFIG: FakeCloudConfig = {
  octavia: { create: 10_000, createPerChild: 1_000, update: 3_000, delete: 6_000, jitter: 0 },
  amphoraPorts: 2,
  providers: ['amphora', 'octavia'],
  octaviaMaxMinor: 26,
  octaviaPageLimit: 1000,
  stuckChildrenOnFullCreate: false,
};

/** The shared parts. */
export interface World {
  readonly ids: IdSource;
  readonly clock: TimeSource;
  readonly scheduler: Scheduler;
  readonly config: FakeCloudConfig;
}
