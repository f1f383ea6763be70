/** The reconciler's CloudPort over our real OpenStack clients, scoped to one project and owner. */
import type { Owner } from '../core/ownership.js';
import { NotFoundError } from '../openstack/errors.js';
import { executeActions } from '../openstack/execute.js';
import { makeHeadReader } from '../openstack/heads.js';
import { observeService } from '../openstack/observe.js';
import * as loadbalancers from '../openstack/octavia/loadbalancers.js';
import type { OwnedKeys } from '../openstack/owned-keys.js';
import { makeSnapshotReader } from '../openstack/snapshot.js';
import type { OpenStackSession } from '../openstack/session.js';
import type { CloudPort } from './interfaces.js';

export interface CloudPortOptions {
  readonly session: OpenStackSession;
  readonly owner: Owner;
  /** Every list that decides ownership is scoped to this project. */
  readonly projectId: string;
  /** Told what the sweep saw that carries our cluster id but another writer. */
  readonly onConflicts?: (conflicts: readonly string[]) => void;
  /** Observe the VIP ports' security groups (`[octavia_defaults] enforce_sg_rules = false`). */
  readonly vipSecurityGroups?: boolean;
  /** Now, in ms: the age of the lists of PENDING_CREATE / PENDING_UPDATE / PENDING_DELETE load balancers polls share (openstack/heads.ts). */
  readonly now?: () => number;
  /** Polls within this long of a shared list join it (default 1000 ms; 0: one GET per id). */
  readonly shareHeadsMs?: number;
  /** Resync passes read the sweep's lists while they are younger than this (default 120 s). */
  readonly snapshotFreshMs?: number;
}

/** A resync of converged Services takes seconds; one of many full observations, minutes. */
const SNAPSHOT_FRESH_MS = 120_000;

/**
 * Polls land on multiples of their delay (engine/poll-limiter.ts `align`), so the polls of
 * Services created together start within this of each other, 4 workers working through them;
 * an answer this old only delays noticing ACTIVE by one poll.
 */
const SHARE_HEADS_MS = 1000;

/** Observe, read heads, list owned keys and execute through `session` (no I/O until called). */
export function makeCloudPort(options: CloudPortOptions): CloudPort {
  const { session, owner, projectId } = options;
  const now = options.now ?? (() => Date.now());
  const heads = makeHeadReader({
    session,
    owner,
    projectId,
    now,
    shareMs: options.shareHeadsMs ?? SHARE_HEADS_MS,
  });
  const snapshot = makeSnapshotReader({
    session,
    owner,
    projectId,
    now,
    freshMs: options.snapshotFreshMs ?? SNAPSHOT_FRESH_MS,
  });
  return {
    observe: (q, signal) =>
      observeService({
        session,
        owner,
        projectId,
        service: q.service,
        loadBalancerName: q.loadBalancerName,
        ...(q.userFloatingIpAddress === undefined ? {} : { userFloatingIpAddress: q.userFloatingIpAddress }),
        ...(q.hintLoadBalancerId === undefined ? {} : { hints: { loadBalancerId: q.hintLoadBalancerId } }),
        vipSecurityGroups: options.vipSecurityGroups === true,
        byName: q.byName !== false,
        children: q.children !== false,
        signal,
      }),
    heads,
    // The sweep's lists are the resync's snapshot: its passes read them (settledView).
    ownedServiceKeys: async (signal) => {
      const owned: OwnedKeys = await snapshot.refresh(signal);
      if (owned.conflicts.length > 0) options.onConflicts?.(owned.conflicts);
      return owned.keys;
    },
    settledView: (service) => snapshot.view(service),
    statusTree: async (id, signal) => {
      try {
        return await loadbalancers.statusTree(session, id, signal);
      } catch (error) {
        if (error instanceof NotFoundError) return null;
        throw error;
      }
    },
    execute: async (actions, signal) => {
      const r = await executeActions({ session, actions, signal });
      const created = r.createdLoadBalancer;
      return {
        done: r.done,
        deferred: r.deferred,
        conflict: r.conflict !== undefined,
        ...(created === undefined ? {} : { createdLoadBalancerId: created.id, createdTree: created.tree }),
        createdFloatingIps: r.createdFloatingIps,
      };
    },
  };
}
