/**
 * The one polling primitive of the integration and end-to-end tests: ask a question again and
 * again until it holds or a deadline passes. Errors of the question are retried (the cloud
 * and the API server answer 409/5xx now and then); the last one becomes the timeout's cause.
 */

/** How to poll. */
export interface WaitOptions {
  /** Pause between two asks (default 250 ms; 100 ms catches a short window between two writes). */
  readonly intervalMs?: number;
}

/** Default pause between two asks. */
export const DEFAULT_INTERVAL_MS = 250;

/**
 * Polls `check` every `intervalMs` until it returns true; throws an Error naming `what` after
 * `timeoutMs`, with the last error `check` threw (if it threw on its last ask) as `cause`.
 */
export async function waitFor(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
  options: WaitOptions = {},
): Promise<void> {
  const intervalMs = options.intervalMs ?? DEFAULT_INTERVAL_MS;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown = null;
  while (Date.now() < deadline) {
    try {
      if (await check()) return;
      lastError = null;
    } catch (err) {
      lastError = err;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for: ${what}`, { cause: lastError });
}

/**
 * Polls `probe` (as `waitFor` does) until it returns a value other than null, and returns
 * that value; throws like `waitFor` after `timeoutMs`.
 */
export async function waitForValue<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | null>,
  options: WaitOptions = {},
): Promise<T> {
  const box: { value: T | null } = { value: null };
  await waitFor(
    what,
    timeoutMs,
    async () => {
      box.value = await probe();
      return box.value !== null;
    },
    options,
  );
  if (box.value === null) throw new Error(`${what}: no value`);
  return box.value;
}
