/**
 * Entry point of the simulated Kubernetes API server for tests (see README.md).
 */
export { startKubeApiServer, type Fault, type KubeApiServer, type KubeApiServerOptions } from './server.js';
export type { ObjectRef, StoreAccess } from './access.js';
export { ADMIN_PREFIX } from './admin-endpoint.js';
export type { FaultControl, Times } from './fault-control.js';
export {
  DENIED_USER,
  type FaultAction,
  type FaultHandle,
  type FaultRule,
  type RequestMatch,
  type StatusAnswer,
  type Verb,
} from './faults.js';
export { kuryrLoadBalancerCrd, kuryrLoadBalancerCrdPath } from './manifests.js';
export type { KubeObject, ObjectMeta, OwnerReference } from './object.js';
export { CRD_RESOURCE, DEFAULT_RESOURCES, type ResourceDef } from './resources.js';
export { StatusError } from './status.js';
export {
  WatchRecorder,
  WaitTimeoutError,
  apiFailure,
  edited,
  eventually,
  type RecordedEvent,
} from './recorder.js';
