/**
 * The controller's three caches (client-go informers without makeInformer/ListWatch):
 * Services, discovery.k8s.io/v1 EndpointSlices (indexed by `namespace/<service-name label>`)
 * and KuryrLoadBalancers, each a Reflector. Every change becomes a Service key for `onKey`:
 * a Service's own key; a slice's Service key (old and new label on update); a KuryrLoadBalancer's
 * own key on add, on delete, and on an update only when `metadata.generation` moved
 * (controller-runtime's GenerationChangedPredicate: our own status writes do not re-trigger).
 * Nothing may act on the caches before `unsynced()` is null (client-go's WaitForCacheSync).
 */
import { isDeepStrictEqual } from 'node:util';
import type { KubernetesObject, V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import { SERVICE_NAME_LABEL } from '../core/translate/members.js';
import type { Clock } from '../engine/clock.js';
import type { KubeClients } from './clients.js';
import type { KuryrLoadBalancer } from './klb-types.js';
import type { Logger } from './logger.js';
import { Reflector, type ReflectorHandlers, type ReflectorState } from './reflector.js';
import type { BackoffOptions } from './retry-policy.js';
import { klbSource, serviceSource, sliceSource } from './sources.js';

/** Which cache a change was seen in. */
export type ChangeSource = 'service' | 'endpointslice' | 'kuryrloadbalancer';

/** Read access to the caches the reconciler needs. */
export interface KubeCaches {
  getService(namespace: string, name: string): V1Service | undefined;
  /** From the index, not a scan. */
  slicesFor(namespace: string, serviceName: string): readonly V1EndpointSlice[];
  getKlb(namespace: string, name: string): KuryrLoadBalancer | undefined;
  serviceKeys(): string[];
  /** null when all three caches have listed successfully and none is stale now; else a human-readable reason (used by /readyz and by the reconciler's gate). */
  unsynced(): string | null;
}

/** The caches and their lifecycle. */
export interface KubeInformers extends KubeCaches {
  /** Starts the reflectors; never throws (lists retry with growing delay). */
  start(): void;
  /** Resolves once every cache's first list succeeded; rejects only when `signal` aborts. */
  waitForSync(signal: AbortSignal): Promise<void>;
  stop(): Promise<void>;
  /** Our own write's answer, so the next pass sees it before the watch delivers it (the watch's later event for the same or a newer resourceVersion replaces it). */
  noteKlb(klb: KuryrLoadBalancer): void;
}

/** The reconciler's older, narrower view of the caches; kept only until src/services/ moves to KubeCaches. */
export type ServiceCaches = Pick<KubeCaches, 'getService' | 'slicesFor' | 'serviceKeys'>;

export interface KubeInformerOptions {
  /** API clients; list calls go through their callKube (timeout, metrics). */
  readonly clients: KubeClients;
  /** Receives the Service key of every change and the cache it came from (duplicates are the queue's to coalesce). */
  readonly onKey: (key: string, from: ChangeSource) => void;
  readonly logger: Logger;
  /** Retry delays and watch timers (default: the clients' clock, else the system clock). */
  readonly clock?: Clock;
  /** Jitter source in [0, 1) (default Math.random). */
  readonly random?: () => number;
  /** List page size (default 500). */
  readonly pageSize?: number;
  readonly backoff?: BackoffOptions;
}

/** `namespace/name` of an object, or null without either. */
export function keyOf(obj: KubernetesObject): string | null {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name;
  return ns === undefined || name === undefined ? null : `${ns}/${name}`;
}

/** The Service key a slice belongs to (`namespace/<kubernetes.io/service-name>`), or null. */
export function sliceServiceKey(slice: V1EndpointSlice): string | null {
  const ns = slice.metadata?.namespace;
  const svc = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
  return ns === undefined || svc === undefined || svc === '' ? null : `${ns}/${svc}`;
}

/** Handlers mapping every change of an object to the keys `toKeys` gives (old and new on update). */
function keyHandlers<T extends KubernetesObject>(
  onKey: (key: string) => void,
  toKeys: (obj: T) => readonly string[],
  updateMatters: (old: T, obj: T) => boolean = () => true,
): ReflectorHandlers<T> {
  const emit = (keys: Iterable<string>): void => {
    for (const key of keys) onKey(key);
  };
  return {
    add: (obj) => {
      emit(toKeys(obj));
    },
    update: (old, obj) => {
      if (updateMatters(old, obj)) emit(new Set([...toKeys(old), ...toKeys(obj)]));
    },
    delete: (obj) => {
      emit(toKeys(obj));
    },
  };
}

const generationChanged = (old: KuryrLoadBalancer, obj: KuryrLoadBalancer): boolean =>
  old.metadata.generation !== obj.metadata.generation;

/** A Service as far as reconciling it goes: everything but its status and write bookkeeping. */
function servedPart(svc: V1Service): unknown {
  const metadata = Object.entries(svc.metadata ?? {}).filter(
    ([field]) => field !== 'resourceVersion' && field !== 'managedFields',
  );
  return { metadata, spec: svc.spec };
}

/**
 * An update of a Service matters unless only its status (the ingress we write) or its write
 * bookkeeping moved: our own ingress write then costs no extra pass. A status edited by
 * someone else is put back by the next resync.
 */
export const serviceUpdateMatters = (old: V1Service, obj: V1Service): boolean =>
  !isDeepStrictEqual(servedPart(old), servedPart(obj));

function describeState(resource: string, state: ReflectorState, clock: Clock): string | null {
  switch (state.kind) {
    case 'synced':
      return null;
    case 'never-synced':
      return `${resource}: not listed yet${state.lastError === null ? '' : ` (last attempt: ${state.lastError})`}`;
    case 'stale':
      return `${resource}: stale for ${Math.round((clock.now() - state.since) / 1000)} s (${state.reason})`;
  }
}

function abortable(signal: AbortSignal): Promise<never> {
  return new Promise<never>((_resolve, reject) => {
    const fail = (): void => {
      reject(signal.reason instanceof Error ? signal.reason : new Error('waitForSync aborted'));
    };
    if (signal.aborted) fail();
    else signal.addEventListener('abort', fail, { once: true });
  });
}

/** Builds the three reflectors (nothing runs until `start()`). */
export function makeKubeInformers(options: KubeInformerOptions): KubeInformers {
  const { clients, onKey, logger } = options;
  const clock = options.clock ?? clients.io.clock;
  const common = {
    kubeConfig: clients.kubeConfig,
    clock,
    random: options.random ?? Math.random,
    logger,
    metrics: clients.io.metrics,
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
    ...(options.backoff === undefined ? {} : { backoff: options.backoff }),
  };
  const from =
    (source: ChangeSource) =>
    (key: string): void => {
      onKey(key, source);
    };
  const ownKey = (obj: KubernetesObject): string[] => {
    const key = keyOf(obj);
    return key === null ? [] : [key];
  };
  const services = new Reflector<V1Service>({
    ...common,
    source: serviceSource(clients),
    handlers: keyHandlers<V1Service>(from('service'), ownKey, serviceUpdateMatters),
  });
  const sliceKeys = (s: V1EndpointSlice): string[] => {
    const key = sliceServiceKey(s);
    return key === null ? [] : [key];
  };
  const slices = new Reflector<V1EndpointSlice>({
    ...common,
    source: sliceSource(clients),
    handlers: keyHandlers(from('endpointslice'), sliceKeys),
    indexers: { service: sliceKeys },
  });
  const klbs = new Reflector<KuryrLoadBalancer>({
    ...common,
    source: klbSource(clients),
    handlers: keyHandlers<KuryrLoadBalancer>(from('kuryrloadbalancer'), ownKey, generationChanged),
  });
  const all = [services, slices, klbs] as const;
  return {
    getService: (namespace, name) => services.store.get(`${namespace}/${name}`),
    slicesFor: (namespace, serviceName) => slices.store.byIndex('service', `${namespace}/${serviceName}`),
    getKlb: (namespace, name) => klbs.store.get(`${namespace}/${name}`),
    serviceKeys: () => services.store.keys(),
    unsynced() {
      const reasons = all.flatMap((r) => describeState(r.resource, r.state, clock) ?? []);
      return reasons.length === 0 ? null : reasons.join('; ');
    },
    start() {
      for (const r of all) r.start();
    },
    async waitForSync(signal) {
      await Promise.race([Promise.all(all.map((r) => r.synced)), abortable(signal)]);
    },
    async stop() {
      await Promise.all(all.map((r) => r.stop()));
    },
    noteKlb(klb) {
      klbs.note(klb);
    },
  };
}
