/**
 * Informers for Services and discovery.k8s.io/v1 EndpointSlices. Every change is turned into
 * the owning Service's key (`namespace/name`); slices map through the
 * `kubernetes.io/service-name` label. A watch that fails is restarted after a delay
 * (client-node's ListWatch re-lists on 410 Gone by itself but stops on other errors).
 */
import {
  makeInformer,
  type Informer,
  type KubernetesObject,
  type ObjectCache,
  type V1EndpointSlice,
  type V1Service,
} from '@kubernetes/client-node';
import { SERVICE_NAME_LABEL } from '../core/translate-members.js';
import type { KubeClients } from './clients.js';
import type { Logger } from './logger.js';

/** Read access to the caches the reconciler needs. */
export interface ServiceCaches {
  getService(namespace: string, name: string): V1Service | undefined;
  slicesFor(namespace: string, serviceName: string): V1EndpointSlice[];
  serviceKeys(): string[];
}

export interface ServiceInformers extends ServiceCaches {
  /** Lists and starts watching; resolves once both caches hold a full list. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

export interface InformerOptions {
  readonly clients: KubeClients;
  readonly onKey: (key: string) => void;
  readonly logger: Logger;
  /** Schedules a restart of a failed watch (the caller's clock). */
  readonly schedule: (ms: number, fn: () => void) => void;
  readonly restartDelayMs?: number;
}

/** `namespace/name` of an object. */
export function keyOf(obj: KubernetesObject): string | null {
  const ns = obj.metadata?.namespace;
  const name = obj.metadata?.name;
  return ns === undefined || name === undefined ? null : `${ns}/${name}`;
}

function sliceServiceKey(slice: V1EndpointSlice): string | null {
  const ns = slice.metadata?.namespace;
  const svc = slice.metadata?.labels?.[SERVICE_NAME_LABEL];
  return ns === undefined || svc === undefined ? null : `${ns}/${svc}`;
}

interface Wiring<T extends KubernetesObject> {
  readonly informer: Informer<T>;
  readonly what: string;
  readonly toKey: (obj: T) => string | null;
  /** False once `stop()` was called: a watch ending then is expected, not restarted. */
  readonly running: () => boolean;
}

function wire<T extends KubernetesObject>(w: Wiring<T>, options: InformerOptions): void {
  const { informer, what, toKey } = w;
  const emit = (obj: T): void => {
    const key = toKey(obj);
    if (key !== null) options.onKey(key);
  };
  informer.on('add', emit);
  informer.on('update', emit);
  informer.on('delete', emit);
  informer.on('error', (err: unknown) => {
    if (!w.running()) return;
    const delay = options.restartDelayMs ?? 2000;
    options.logger.warn({ err, informer: what, delayMs: delay }, 'watch failed; restarting');
    options.schedule(delay, () => {
      if (!w.running()) return;
      informer.start().catch((e: unknown) => {
        options.logger.error({ err: e, informer: what }, 'watch restart failed');
      });
    });
  });
}

/** Builds the Service and EndpointSlice informers (nothing starts until `start()`). */
export function makeServiceInformers(options: InformerOptions): ServiceInformers {
  const { clients } = options;
  const services: Informer<V1Service> & ObjectCache<V1Service> = makeInformer(
    clients.kubeConfig,
    '/api/v1/services',
    () => clients.core.listServiceForAllNamespaces(),
  );
  const slices: Informer<V1EndpointSlice> & ObjectCache<V1EndpointSlice> = makeInformer(
    clients.kubeConfig,
    '/apis/discovery.k8s.io/v1/endpointslices',
    () => clients.discovery.listEndpointSliceForAllNamespaces(),
  );
  let running = false;
  const isRunning = (): boolean => running;
  wire({ informer: services, what: 'services', toKey: keyOf, running: isRunning }, options);
  wire({ informer: slices, what: 'endpointslices', toKey: sliceServiceKey, running: isRunning }, options);
  return {
    async start() {
      running = true;
      await Promise.all([services.start(), slices.start()]);
    },
    async stop() {
      running = false;
      await Promise.all([services.stop(), slices.stop()]);
    },
    getService: (namespace, name) => services.get(name, namespace),
    slicesFor: (namespace, serviceName) =>
      slices.list(namespace).filter((s) => s.metadata?.labels?.[SERVICE_NAME_LABEL] === serviceName),
    serviceKeys: () => services.list().flatMap((s) => keyOf(s) ?? []),
  };
}
