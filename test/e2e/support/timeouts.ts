/**
 * Every timeout of the end-to-end tests, in one place. They are deadlines, not goals: a test
 * that hits one fails naming what it waited for; how long things took is printed, never
 * asserted. They are generous because Octavia runs on a loaded, shared two-core machine.
 */

/**
 * Bound of one wait for a whole load balancer tree to settle: ACTIVE_STANDBY creates take
 * 20-60 s alone, and the two worker conductors run one job each, so creates queue behind
 * other testers' work.
 */
export const SETTLE_MS = 600_000;

/** vitest timeout of one create/scale/ports/restart scenario or hook (several settles in a row). */
export const STEP_MS = 1_800_000;

/**
 * Bound for anything Octavia must do in the change scenarios (create, cascade delete, a few
 * updates). On a loaded two-core machine an amphora-less create was seen to take a minute and
 * a floating IP delete 20 s, so this is far above the usual 3-20 s.
 */
export const CONVERGE_MS = 300_000;

/** vitest timeout of one change scenario (several convergences in a row). */
export const SCENARIO_MS = 900_000;

/** vitest timeout of beforeAll/afterAll of `useHarness` (dispose waits for every release). */
export const HOOK_MS = 400_000;

/** vitest timeout of the hooks of the restart-in-the-middle scenarios (their dispose releases more). */
export const RESTART_HOOK_MS = 900_000;

/**
 * Poll interval while waiting for a crash point (a change visibly under way): faster than the
 * default 250 ms, so a short window between two writes of the controller is caught.
 */
export const CRASH_POINT_POLL_MS = 100;

/** vitest timeout of one step of the leader-election test (build, spawn, takeover, clean-up). */
export const LEADER_STEP_MS = 900_000;

/**
 * Bound of a Lease takeover in the leader-election test: leaseDuration 15 s plus one jittered
 * retry (at most 4.4 s) after the last renewal, with room for a loaded machine. A deadline,
 * not a goal: takeover times are printed.
 */
export const TAKEOVER_MS = 30_000;
