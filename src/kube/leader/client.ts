/**
 * The three Lease calls leader election makes (get, create, replace with optimistic
 * concurrency), over client-node's CoordinationV1Api, each abortable through a signal.
 */
import {
  CoordinationV1Api,
  type ConfigurationOptions,
  type KubeConfig,
  Observable,
  type ObservableMiddleware,
  type V1Lease,
  type V1LeaseSpec,
  type V1ObjectMeta,
} from '@kubernetes/client-node';
import { KubeApiError, kubeCall } from '../errors.js';
import { leaseRecordOf, type LeaseRecord } from './lease.js';

/** Which Lease object the candidates compete for. */
export interface LeaseRef {
  readonly namespace: string;
  readonly name: string;
}

/** A Lease as read or written: the object (for the next replace) and its record. */
export interface LeaseSnapshot {
  readonly lease: V1Lease;
  readonly resourceVersion: string;
  readonly record: LeaseRecord;
}

/** Lease I/O; every method throws KubeApiError (409 on a lost race, status 0 when aborted). */
export interface LeaseClient {
  readonly ref: LeaseRef;
  /** The Lease, or null when it does not exist. */
  get(signal: AbortSignal): Promise<LeaseSnapshot | null>;
  /** Creates the Lease with `spec`; 409 when it already exists. */
  create(spec: V1LeaseSpec, signal: AbortSignal): Promise<LeaseSnapshot>;
  /** Replaces `current`'s spec, conditional on its resourceVersion (409 when stale). */
  replace(current: LeaseSnapshot, spec: V1LeaseSpec, signal: AbortSignal): Promise<LeaseSnapshot>;
}

function snapshotOf(lease: V1Lease): LeaseSnapshot {
  return { lease, resourceVersion: lease.metadata?.resourceVersion ?? '', record: leaseRecordOf(lease.spec) };
}

/** Per-call options carrying `signal` to fetch (the object API takes Observable middleware). */
function withSignal(signal: AbortSignal): ConfigurationOptions {
  const attach: ObservableMiddleware = {
    pre: (context) => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
  return { middleware: [attach], middlewareMergeStrategy: 'append' };
}

/** Lease calls for `ref` through `kubeConfig` (no I/O until a method is called). */
export function leaseClientFor(kubeConfig: KubeConfig, ref: LeaseRef): LeaseClient {
  const api = kubeConfig.makeApiClient(CoordinationV1Api);
  const what = `lease ${ref.namespace}/${ref.name}`;
  return {
    ref,
    async get(signal) {
      try {
        const lease = await kubeCall(`get ${what}`, () =>
          api.readNamespacedLease({ ...ref }, withSignal(signal)),
        );
        return snapshotOf(lease);
      } catch (err) {
        if (err instanceof KubeApiError && err.isNotFound) return null;
        throw err;
      }
    },
    async create(spec, signal) {
      const body: V1Lease = {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { ...ref },
        spec,
      };
      const lease = await kubeCall(`create ${what}`, () =>
        api.createNamespacedLease({ namespace: ref.namespace, body }, withSignal(signal)),
      );
      return snapshotOf(lease);
    },
    async replace(current, spec, signal) {
      // A PUT replaces the whole object: keep labels, annotations and owners as read.
      const { labels, annotations, ownerReferences } = current.lease.metadata ?? {};
      const metadata: V1ObjectMeta = { ...ref, resourceVersion: current.resourceVersion };
      if (labels !== undefined) metadata.labels = labels;
      if (annotations !== undefined) metadata.annotations = annotations;
      if (ownerReferences !== undefined) metadata.ownerReferences = ownerReferences;
      const body: V1Lease = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata, spec };
      const lease = await kubeCall(`update ${what}`, () =>
        api.replaceNamespacedLease({ ...ref, body }, withSignal(signal)),
      );
      return snapshotOf(lease);
    },
  };
}
