/**
 * The vocabulary of the decision (decide.ts): what a reconcile pass wants (intent), what it
 * saw (observation), what it remembers across passes and restarts (progress, licence), and
 * the whole decision it gets back. Pure data.
 */
import type { Action } from './actions.js';
import type { CreatedBasis } from './basis.js';
import type { KuryrEvidence } from './adoption.js';
import type { KeepRules } from './floating-ips.js';
import type { CreatePath } from './plan.js';
import type {
  DesiredLoadBalancer,
  Observed,
  ObservedFloatingIp,
  ObservedLoadBalancer,
  ObservedLoadBalancerHead,
  ServiceRef,
} from '../model.js';
import type { Owner } from '../ownership.js';

/**
 * `[kuryr_services] create_mode` (docs/adr/0006): `auto` one fully-populated call, the
 * Service's later creates step by step after its children got stuck; `fully-populated`
 * never falls back (stuck children are only reported); `step-by-step` always bare first.
 */
export type CreateMode = 'auto' | 'fully-populated' | 'step-by-step';

/**
 * What the controller must remember of a Service across passes and restarts; it lives in
 * the KuryrLoadBalancer status (`status.progress`), so a restart neither pays the stuck
 * wait again nor forgets that the Service is created step by step.
 */
export interface Progress {
  /** The path of the Service's next create under `auto`. */
  readonly createPath: CreatePath;
  /** The load balancer first seen ACTIVE with children still PENDING_*, and when (ms). */
  readonly unsettled: { readonly loadBalancerId: string; readonly since: number } | null;
}

/** Progress of a Service never seen before. */
export const FRESH_PROGRESS: Progress = { createPath: 'fully-populated', unsettled: null };

/** What the pass wants for the Service. */
export type Intent =
  | { readonly kind: 'ensure'; readonly desired: DesiredLoadBalancer; readonly keep: KeepRules }
  /** Nothing of ours may remain (Service deleting, skipped now, or gone). */
  | { readonly kind: 'release'; readonly keep: KeepRules };

/** One GET of a load balancer: its head, or null on a 404. */
export interface HeadAnswer {
  readonly id: string;
  readonly head: ObservedLoadBalancerHead | null;
}

/**
 * What the resync's shared lists (src/openstack/snapshot.ts) hold of one Service: every load
 * balancer and floating IP carrying this cluster's tags and the Service's tag, any status.
 */
export interface SettledView {
  readonly loadBalancers: readonly {
    readonly id: string;
    readonly provisioningStatus: string;
    readonly version: string | null;
  }[];
  readonly floatingIps: readonly { readonly id: string; readonly revision: number | null }[];
}

/** What the pass saw: everything of the Service, the heads a licence names, or the resync's lists. */
export type Observation =
  | { readonly kind: 'full'; readonly observed: Observed }
  | { readonly kind: 'heads'; readonly heads: readonly HeadAnswer[] }
  | { readonly kind: 'settled'; readonly view: SettledView };

/**
 * What a settled licence remembers of the converged Service (src/core/plan/settled.ts,
 * docs/adr/0017): the versions the lists must still show, and the ingress it recorded.
 */
export interface SettledSeal {
  /** The kept load balancer's `updated_at`. */
  readonly version: string;
  /** `<id>@<revision>` of every floating IP of the Service, sorted. */
  readonly floatingIps: readonly string[];
  readonly ingress: readonly string[];
  /** When (ms) a full observation first saw these versions converged. */
  readonly since: number;
  /** When (ms) the last full observation started. */
  readonly observedAt: number;
  /** A full observation started at least `confirmAfterMs` after `since` saw the same. */
  readonly confirmed: boolean;
}

/** How settled licences are granted and used; absent from a decision input: never granted. */
export interface SettledTiming {
  /** The second full observation that confirms a seal starts at least this long after the first. */
  readonly confirmAfterMs: number;
  /** A full observation at least this often, whatever the lists show. */
  readonly maxAgeMs: number;
}

/**
 * Granted by a pass whose plan could not act until the named load balancers leave
 * PENDING_* (see licence.ts for when that is sound): the next pass may read only their
 * heads. Carried by the engine from one pass to the next; lost on restart (then a full
 * observation is made, which is always safe).
 */
export interface Licence {
  /** `settled`: granted by a converged pass; a resync may decide on its shared lists (settled.ts). */
  readonly mode: 'ensure' | 'release' | 'settled';
  /** Ensure: the desired state the licence holds for (see fingerprintOf). */
  readonly fingerprint: string;
  readonly loadBalancerIds: readonly string[];
  /**
   * Ensure: the licensed load balancer is being created (`PENDING_CREATE`), so its polls may be
   * answered from one list shared with other Services' (src/openstack/heads.ts).
   */
  readonly creating?: true;
  /**
   * Ensure: the licensed load balancer is being updated (`PENDING_UPDATE`: the pass wrote under
   * it), so its polls may be answered from one list shared with other Services'.
   */
  readonly updating?: true;
  /**
   * Release: the licensed load balancers are being deleted (`PENDING_DELETE`), so their polls may
   * be answered from one list shared with other Services' (src/openstack/heads.ts); the 404 that
   * ends a release always comes from a GET of its own.
   */
  readonly deleting?: true;
  /** Settled: what the lists must still show (the fingerprint also covers the keep rules). */
  readonly settled?: SettledSeal;
  /**
   * Ensure, creating: what the create answered on a clean slate (basis.ts); once the load
   * balancer is ACTIVE, a status-tree GET and this stand in for the full observation.
   */
  readonly basis?: CreatedBasis;
  /**
   * Release, done: when (ms) a release pass found nothing of ours left (licence.ts
   * `releasedLicence`); the passes for the Service's disappearance within a minute need not look again.
   */
  readonly releasedAt?: number;
}

/** A condition of the KuryrLoadBalancer (type, status, reason, message). */
export interface ConditionSpec {
  readonly type: 'Ready';
  readonly status: 'True' | 'False';
  readonly reason: string;
  readonly message: string;
}

/** The Ready condition with `status`, `reason` and `message`. */
export function readyCondition(status: 'True' | 'False', reason: string, message: string): ConditionSpec {
  return { type: 'Ready', status, reason, message };
}

/** An Event the Service's owner should see. */
export interface Notice {
  readonly type: 'Normal' | 'Warning';
  readonly reason: string;
  readonly message: string;
}

/** The floating IP serving the Service, and how it was obtained. */
export interface ServingFloatingIp {
  readonly ip: ObservedFloatingIp;
  readonly method: 'pool' | 'user';
}

/** What the pass records in the KuryrLoadBalancer status. */
export interface StatusRecord {
  readonly loadBalancer: ObservedLoadBalancer | null;
  readonly floatingIp: ServingFloatingIp | null;
  readonly ready: ConditionSpec;
}

/** What the key does next. */
export type Next =
  /** Everything is as desired (`licence`: a settled one, see settled.ts). */
  | { readonly kind: 'converged'; readonly licence?: Licence | null }
  /** Release: nothing of ours is left; the finalizer may go. */
  | { readonly kind: 'released' }
  /** The heads were not enough: observe in full and decide again. */
  | { readonly kind: 'observe' }
  /** Waiting on something busy: poll `token` (the engine grows the delay while it repeats). */
  | {
      readonly kind: 'wait';
      readonly token: string;
      readonly reason: string;
      readonly licence: Licence | null;
    }
  /** Writes were sent: look again soon to verify them. */
  | { readonly kind: 'verify'; readonly reason: string; readonly licence: Licence | null }
  /** Cannot proceed until someone changes something (terminal for this input). */
  | { readonly kind: 'blocked'; readonly reason: string };

/** What `decide` is given. */
export interface DecisionInput {
  readonly service: ServiceRef;
  readonly owner: Owner;
  readonly intent: Intent;
  readonly observation: Observation;
  readonly progress: Progress;
  /** The licence the previous pass granted (null: none). */
  readonly licence: Licence | null;
  readonly createMode: CreateMode;
  /** The Ready status recorded now ('True', 'False', or null when none): events on transitions. */
  readonly recordedReady: 'True' | 'False' | null;
  /** Now, in ms. */
  readonly now: number;
  /** How long children may stay PENDING_* under an ACTIVE load balancer. */
  readonly stuckChildrenMs: number;
  /** What the record says of kuryr's objects (adoption.ts); absent: nothing is adopted. */
  readonly kuryr?: KuryrEvidence;
  /** Settled licences (settled.ts); absent: none is granted and none is used. */
  readonly settledTiming?: SettledTiming;
}

/** The whole decision of one pass: the caller only executes and records it. */
export interface Decision {
  readonly actions: readonly Action[];
  readonly next: Next;
  /** The status to record; null = leave it as it is (a light pass knows too little). */
  readonly record: StatusRecord | null;
  /** The Service's ingress addresses; null = leave them as they are. */
  readonly ingress: readonly string[] | null;
  readonly progress: Progress;
  readonly notices: readonly Notice[];
}
