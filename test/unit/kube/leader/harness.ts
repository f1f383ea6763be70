/**
 * Leader-election test world: the simulated API server (real HTTP), a fake clock, and
 * candidates whose lease calls pass through a transport switch (`partitioned`: every call
 * fails like an unreachable API server) and an optional write gate (to line two writes up
 * for a race). Fake time only moves between HTTP round trips: `advance` steps the clock and
 * waits until no lease call is in flight, so no deadline fires while a request is on the wire.
 */
import { silentLogger } from '../../../../src/engine/observability.js';
import { KubeApiError } from '../../../../src/kube/errors.js';
import { leaseClientFor, type LeaseClient, type LeaseRef } from '../../../../src/kube/leader/client.js';
import { LeaderElector, type LeaderTiming } from '../../../../src/kube/leader/leader.js';
import { FakeClock } from '../../../support/fake-clock.js';
import {
  eventually,
  startKubeApiServer,
  type KubeApiServer,
  type KubeObject,
} from '../../../support/kube-apiserver/index.js';

/** The lease every test candidate competes for. */
export const LEASE: LeaseRef = { namespace: 'kube-system', name: 'kuryr-services-controller' };

/** A switchable transport around one candidate's lease client. */
export interface Link {
  partitioned: boolean;
  /** While set, writes (create/replace) wait here until `openGate`. */
  gate: { readonly waiting: (() => void)[] } | null;
}

/** One candidate: its elector and the link its lease calls go through. */
export interface Candidate {
  readonly identity: string;
  readonly elector: LeaderElector;
  readonly link: Link;
}

/** See the file comment. */
export class LeaseWorld {
  readonly clock = new FakeClock(Date.UTC(2026, 0, 1));
  private inFlight = 0;

  private constructor(readonly server: KubeApiServer) {}

  static async start(): Promise<LeaseWorld> {
    return new LeaseWorld(await startKubeApiServer());
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  /** A candidate named `identity` (jitter 0, default timing unless overridden). */
  candidate(identity: string, timing?: Partial<LeaderTiming>): Candidate {
    const link: Link = { partitioned: false, gate: null };
    const client = this.tracked(leaseClientFor(this.server.kubeConfig(), LEASE), link);
    const elector = new LeaderElector({
      client,
      identity,
      clock: this.clock,
      logger: silentLogger(),
      jitter: () => 0,
      ...(timing === undefined ? {} : { timing }),
    });
    return { identity, elector, link };
  }

  /** The lease as the API server stores it (undefined when absent). */
  lease(): KubeObject | undefined {
    return this.server.store.get({ apiVersion: 'coordination.k8s.io/v1', plural: 'leases', ...LEASE });
  }

  /** The lease's spec fields the tests look at. */
  leaseSpec(): { holderIdentity?: unknown; leaseTransitions?: unknown; leaseDurationSeconds?: unknown } {
    const spec = this.lease()?.spec;
    return typeof spec === 'object' && spec !== null ? spec : {};
  }

  /** Waits (real time) until no lease call is on the wire and its continuations ran. */
  async settle(): Promise<void> {
    await eventually(() => this.inFlight === 0, 5000);
    await this.clock.flush();
  }

  /** Moves fake time by `ms` in steps of `stepMs`, settling HTTP after each step. */
  async advance(ms: number, stepMs = 250): Promise<void> {
    await this.settle();
    for (let left = ms; left > 0; left -= stepMs) {
      await this.clock.advance(Math.min(stepMs, left));
      await this.settle();
    }
  }

  /** Waits until `count` writes are held at the link gates. */
  async writesHeld(links: readonly Link[], count: number): Promise<void> {
    await eventually(() => links.reduce((n, l) => n + (l.gate?.waiting.length ?? 0), 0) >= count, 5000);
  }

  private tracked(inner: LeaseClient, link: Link): LeaseClient {
    const through = async <T>(write: boolean, call: () => Promise<T>): Promise<T> => {
      this.inFlight++;
      try {
        if (write && link.gate !== null) {
          const gate = link.gate;
          await new Promise<void>((resolve) => gate.waiting.push(resolve));
        }
        if (link.partitioned)
          throw new KubeApiError('lease call', 0, 'connect ECONNREFUSED (test partition)', null);
        return await call();
      } finally {
        this.inFlight--;
      }
    };
    return {
      ref: inner.ref,
      get: (signal) => through(false, () => inner.get(signal)),
      create: (spec, signal) => through(true, () => inner.create(spec, signal)),
      replace: (current, spec, signal) => through(true, () => inner.replace(current, spec, signal)),
    };
  }
}

/** Lets every write held at `links`' gates through, and removes the gates. */
export function openGates(links: readonly Link[]): void {
  for (const link of links) {
    const waiting = link.gate?.waiting ?? [];
    link.gate = null;
    for (const release of waiting.splice(0)) release();
  }
}
