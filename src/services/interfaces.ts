/**
 * What the Service reconciler needs from the outside, as narrow interfaces: the caches, the
 * cloud (observe a Service's objects, read load balancer heads, execute actions, list what
 * this cluster owns), the Kubernetes writes, and the translation context. The controller
 * wires them to the real clients; nothing here does I/O itself.
 */
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import type {
  CapabilityProfile,
  NetworkContext,
  Observed,
  ObservedFloatingIp,
  ObservedLoadBalancer,
  ServiceRef,
  TranslateConfig,
} from '../core/model.js';
import type { Action } from '../core/plan/actions.js';
import type { StatusTreeView } from '../core/plan/basis.js';
import type { HeadAnswer, SettledView } from '../core/plan/decision.js';
import type { KlbSpec, KlbStatus, KuryrLoadBalancer } from '../kube/klb.js';

/** The informers' caches, as the reconciler reads them. */
export interface ReconcilerCaches {
  getService(namespace: string, name: string): V1Service | undefined;
  slicesFor(namespace: string, serviceName: string): readonly V1EndpointSlice[];
  getKlb(namespace: string, name: string): KuryrLoadBalancer | undefined;
  serviceKeys(): string[];
  /** null when every cache listed successfully and none is stale; else why not. */
  unsynced(): string | null;
}

export interface ObserveQuery {
  readonly service: ServiceRef;
  readonly loadBalancerName: string;
  /** The user's floating IP to look up (`spec.loadBalancerIP`), if any. */
  readonly userFloatingIpAddress?: string;
  /** The LB id recorded in the KuryrLoadBalancer status: a hint, never trusted alone. */
  readonly hintLoadBalancerId?: string;
  /**
   * Also list load balancers by name (default true). Ownership is by tags only, so an object
   * found only by name never changes a decision: the reconciler skips it, previews keep it.
   */
  readonly byName?: boolean;
  /** Read listeners, pools and members too (default true); a release needs only heads (cascade). */
  readonly children?: boolean;
}

export interface ExecuteOutcome {
  /** Actions that were carried out, in order. */
  readonly done: readonly Action[];
  /** Actions not run this round (the LB became busy, or Octavia answered 409). */
  readonly deferred: readonly Action[];
  /** Octavia answered 409 and the run stopped. */
  readonly conflict: boolean;
  /** The id Octavia answered to a load balancer create of the run. */
  readonly createdLoadBalancerId?: string;
  /** The tree that create answered (null: the answer did not hold it whole). */
  readonly createdTree?: ObservedLoadBalancer | null;
  /** The floating IPs the run created, as created and tagged. */
  readonly createdFloatingIps?: readonly ObservedFloatingIp[];
}

export interface CloudPort {
  /** Reads everything OpenStack holds for the Service in the configured project (see `Observed`). */
  observe(query: ObserveQuery, signal: AbortSignal): Promise<Observed>;
  /**
   * Each load balancer's head as a GET answers it (null on a 404); other failures throw typed
   * OpenStack errors. `creating` / `updating` / `deleting`: the ids are probably PENDING_CREATE /
   * PENDING_UPDATE / PENDING_DELETE, so they may be answered from one list shared with other
   * Services' polls (src/openstack/heads.ts), never a 404 from it.
   */
  heads(
    ids: readonly string[],
    signal: AbortSignal,
    options?: { readonly creating?: boolean; readonly updating?: boolean; readonly deleting?: boolean },
  ): Promise<HeadAnswer[]>;
  /**
   * Keys (`namespace/name`) of every Service this cluster still owns a load balancer or
   * floating IP for in the configured project, whether or not the Service exists.
   */
  ownedServiceKeys(signal: AbortSignal): Promise<readonly string[]>;
  /**
   * What the resync's shared lists of this cluster's load balancers and floating IPs hold of
   * `service` (src/openstack/snapshot.ts); null when no list fresh enough is at hand (the
   * pass then observes in full). Failures of the lists answer null too: never a decision.
   */
  settledView(service: ServiceRef, signal: AbortSignal): Promise<SettledView | null>;
  /**
   * The status tree of load balancer `id` (one GET): the statuses of it and every child;
   * null on a 404; other failures throw typed OpenStack errors.
   */
  statusTree(id: string, signal: AbortSignal): Promise<StatusTreeView | null>;
  /** Runs `actions` in order, one API call each; throws typed OpenStack errors. */
  execute(actions: readonly Action[], signal: AbortSignal): Promise<ExecuteOutcome>;
}

/** The Kubernetes writes (and the one live read) of a reconcile, each with the pass's signal. */
export interface KubePort {
  addFinalizer(svc: V1Service, signal: AbortSignal): Promise<V1Service>;
  removeFinalizer(svc: V1Service, signal: AbortSignal): Promise<V1Service>;
  setIngress(svc: V1Service, ips: readonly string[], signal: AbortSignal): Promise<V1Service>;
  /** Creates the record or merges our spec keys into it; returns the record as written. */
  ensureKlbSpec(
    svc: V1Service,
    spec: KlbSpec,
    current: KuryrLoadBalancer | undefined,
    signal: AbortSignal,
  ): Promise<KuryrLoadBalancer>;
  /** Writes the status when it differs; returns the record as written (or `current`). */
  writeKlbStatus(
    current: KuryrLoadBalancer,
    status: KlbStatus,
    signal: AbortSignal,
  ): Promise<KuryrLoadBalancer>;
  /** Removes kuryr's finalizer from the record (no-op when absent); returns the record as written. */
  removeKuryrFinalizer(klb: KuryrLoadBalancer, signal: AbortSignal): Promise<KuryrLoadBalancer>;
  deleteKlb(namespace: string, name: string, signal: AbortSignal): Promise<void>;
  /** A live GET of the Service from the API server: null only on a 404; other failures throw. */
  readServiceLive(namespace: string, name: string, signal: AbortSignal): Promise<V1Service | null>;
}

/** The context `translate` runs in; refreshed by the controller, read per reconcile. */
export interface TranslateContext {
  readonly config: TranslateConfig;
  readonly network: NetworkContext;
  readonly capabilities: CapabilityProfile;
}
