/**
 * Entry point of the simulated Kubernetes API server for tests (see README.md).
 */
export { startKubeApiServer, type Fault, type KubeApiServer, type KubeApiServerOptions } from './server.js';
export type { ObjectRef, StoreAccess } from './access.js';
export type { KubeObject, ObjectMeta, OwnerReference } from './object.js';
export { DEFAULT_RESOURCES, type ResourceDef } from './resources.js';
export { StatusError } from './status.js';
export {
  WatchRecorder,
  WaitTimeoutError,
  apiFailure,
  edited,
  eventually,
  type RecordedEvent,
} from './recorder.js';
