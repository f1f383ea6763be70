/**
 * The pass a log line belongs to: the engine runs each reconcile inside `scope`, and the
 * logger's mixin adds the pass's fields (controller, key, passId) to every line written
 * while it runs — including the lines of the OpenStack and Kubernetes calls it causes, which
 * know nothing of Services.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { PassScope } from '../engine/controller.js';

type Fields = Readonly<Record<string, string>>;

/** A scope for the engine and the mixin for the logger, sharing one AsyncLocalStorage. */
export interface LogContext {
  readonly scope: PassScope;
  /** pino's `mixin`: the current pass's fields (empty outside a pass). */
  readonly mixin: () => Fields;
}

/** A fresh context (each controller process makes one). */
export function makeLogContext(): LogContext {
  const storage = new AsyncLocalStorage<Fields>();
  return {
    scope: (fields, run) => storage.run({ ...fields }, run),
    mixin: () => storage.getStore() ?? {},
  };
}
