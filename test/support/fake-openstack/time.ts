/**
 * Time in the fake cloud: one injected clock (the test's FakeClock or the system clock) and
 * the timestamp formats each API renders.
 */

/** What the fake needs of a clock: milliseconds since the epoch (or an arbitrary origin). */
export interface TimeSource {
  now(): number;
}

/** Octavia's timestamps: seconds, no zone (`2026-12-03T11:49:11`). */
export function octaviaTime(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19);
}

/** Neutron's timestamps: seconds, UTC (`2026-12-03T11:49:11Z`). */
export function neutronTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

/** Keystone's timestamps: microseconds, UTC (`2026-12-04T11:52:46.000000Z`). */
export function keystoneTime(ms: number): string {
  return `${new Date(ms).toISOString().slice(0, 23)}000Z`;
}

/** Whole seconds of `ms`: the resolution both APIs store creation times with (their default sort key). */
export function seconds(ms: number): number {
  return Math.floor(ms / 1000);
}
