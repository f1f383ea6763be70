/** Errors raised by the generic engine (queue, rate limiters, controller). */

/** A queue, rate limiter or controller was configured with values that can never work. */
export class EngineConfigError extends Error {
  override readonly name = 'EngineConfigError';
  constructor(component: string, problem: string) {
    super(`${component}: invalid configuration: ${problem}`);
  }
}

/** A controller operation was called in a state that does not allow it (e.g. start after stop). */
export class ControllerStateError extends Error {
  override readonly name = 'ControllerStateError';
  constructor(controller: string, operation: string, state: string) {
    super(`controller ${controller}: cannot ${operation} while ${state}`);
  }
}

/** The reason given to in-flight reconciles' signals when a drain times out. */
export class ControllerDrainTimeoutError extends Error {
  override readonly name = 'ControllerDrainTimeoutError';
  constructor(controller: string, drainTimeoutMs: number) {
    super(
      `controller ${controller}: stop: in-flight reconciles not done after ${drainTimeoutMs} ms, aborting`,
    );
  }
}

/** Wraps a non-Error value thrown by a reconcile so hooks always receive an `Error` with `cause`. */
export class ReconcileThrewError extends Error {
  override readonly name = 'ReconcileThrewError';
  constructor(controller: string, key: string, cause: unknown) {
    super(`controller ${controller}: reconcile ${key}: threw a non-Error value`, { cause });
  }
}
