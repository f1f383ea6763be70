/**
 * One chaos run: churn of Services while the controller is killed and restarted, the proxies
 * inject faults into Octavia and Neutron, the API server fails lists, expires a watch and
 * refuses connections, and the Keystone token is revoked; then the faults stop, the run waits
 * for the controller to settle, measures the idle request rate, runs the end checks and
 * cleans up. Returns the figures (the caller prints them and decides the exit code).
 */
import type { FaultHandle } from '../../test/support/kube-apiserver/index.js';
import { NO_FAULTS, rateFigures, type FaultRates } from './fault-proxy.js';
import { seededRng, type Rng } from './prng.js';
import { cleanUp, settle, type Settled } from './settle.js';
import { buildScene, revokeControllerToken, type Scene } from './scene.js';
import { drawSchedule, type Schedule } from './schedule.js';
import { churnStep, type StepKind } from './churn.js';
import { churnLimitFor, type Figures } from './report.js';
import { CONTROLLER_WORKERS } from './presets.js';
import { Addresses, emptySlot, type Slot } from './world.js';

/** How a run goes. */
export interface ChaosOptions {
  readonly seed: number;
  readonly services: number;
  readonly steps: number;
  readonly kills: number;
  readonly rates: FaultRates;
  readonly stallMs: number;
  /** Pause between two churn steps: drawn in [min, max] ms. */
  readonly pauseMs: readonly [number, number];
  readonly refuseMs: number;
  readonly settleTimeoutMs: number;
  readonly idleWindowMs: number;
  readonly idleLimit: number;
  readonly mainJs: string;
  readonly log: (line: string) => void;
}

interface Tally {
  steps: Record<string, number>;
  readonly listFaults: FaultHandle[];
  readonly log: (line: string) => void;
  watchExpired: number;
  tokenRevoked: string;
}

const READY_MS = 300_000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** The next 3 lists of Services and of EndpointSlices answer 503, the 3 after that 403. */
function failLists(scene: Scene, handles: FaultHandle[]): void {
  for (const resource of ['services', 'endpointslices']) {
    handles.push(scene.api.faults.respond({ verb: 'list', resource }, { code: 503, times: 3 }));
    handles.push(scene.api.faults.respond({ verb: 'list', resource }, { code: 403, times: 3 }));
  }
}

async function killAndRestart(scene: Scene, rng: Rng, withListFaults: boolean, tally: Tally): Promise<void> {
  await scene.controller.kill9();
  await sleep(rng.int(0, 3000));
  if (withListFaults) failLists(scene, tally.listFaults);
  tally.log(`kill -9 #${scene.controller.kills}${withListFaults ? ' (restart meets 503/403 lists)' : ''}`);
  await scene.controller.start(READY_MS);
}

async function oneOffs(
  scene: Scene,
  schedule: Schedule,
  step: number,
  run: { opts: ChaosOptions; tally: Tally },
): Promise<void> {
  const { opts, tally } = run;
  if (step === schedule.watchExpiredAt) {
    scene.api.faults.expire({ verb: 'watch', resource: 'services' }, { times: 1 });
    scene.api.faults.expire({ verb: 'watch', resource: 'endpointslices' }, { times: 1 });
    tally.watchExpired += scene.api.faults.endWatches({ resource: 'services' });
    tally.watchExpired += scene.api.faults.endWatches({ resource: 'endpointslices' });
    opts.log(`step ${step}: watches ended, the re-watch answered 410 Gone`);
  }
  if (step === schedule.refuseAt) {
    opts.log(`step ${step}: the API server refuses connections for ${opts.refuseMs} ms`);
    await scene.api.faults.refuseConnections({ forMs: opts.refuseMs });
  }
  if (step === schedule.revokeTokenAt) {
    tally.tokenRevoked = await revokeControllerToken(scene);
    opts.log(`step ${step}: the controller's Keystone token revoked (${tally.tokenRevoked})`);
  }
}

async function churn(scene: Scene, slots: Slot[], opts: ChaosOptions, tally: Tally): Promise<void> {
  const rng = seededRng(opts.seed).fork('churn');
  const addresses = new Addresses(seededRng(opts.seed).fork('addresses'));
  const schedule = drawSchedule(seededRng(opts.seed).fork('schedule'), opts.steps, opts.kills, opts.services);
  for (let step = 0; step < opts.steps; step++) {
    const slot = slots[step < slots.length ? step : rng.int(0, slots.length - 1)];
    if (slot === undefined) continue;
    const kind: StepKind = await churnStep(scene, slot, rng, addresses);
    tally.steps[kind] = (tally.steps[kind] ?? 0) + 1;
    await oneOffs(scene, schedule, step, { opts, tally });
    if (schedule.kills.has(step))
      await killAndRestart(scene, rng, schedule.listFaultsOnRestart.has(step), tally);
    if (step % 10 === 0)
      opts.log(`step ${step}/${opts.steps}: ${slots.filter((s) => s.alive).length} Services alive`);
    await sleep(rng.int(opts.pauseMs[0], opts.pauseMs[1]));
  }
}

/** Every fault stops; the controller runs (restarted if the last step killed it). */
async function faultsOff(scene: Scene): Promise<void> {
  setFaults(scene, NO_FAULTS);
  scene.api.faults.clear();
  if (!scene.controller.running()) await scene.controller.start(READY_MS);
}

function setFaults(scene: Scene, rates: FaultRates): void {
  scene.octavia.setRates(rates);
  scene.neutron.setRates(rates);
}

interface Phases {
  readonly started: number;
  readonly churnFrom: number;
  readonly churnTo: number;
  readonly settled: Settled;
  readonly leftAfterCleanup: number;
}

function figuresOf(
  scene: Scene,
  run: { opts: ChaosOptions; tally: Tally; slots: readonly Slot[] },
  p: Phases,
): Figures {
  const { opts, tally, slots } = run;
  const perSecond = [scene.octavia.perSecond(), scene.neutron.perSecond()];
  return {
    seed: opts.seed,
    durationMs: Date.now() - p.started,
    services: opts.services,
    incarnations: slots.reduce((n, s) => n + s.incarnations, 0),
    steps: tally.steps,
    kills: scene.controller.kills,
    starts: scene.controller.starts,
    listFaults: tally.listFaults.reduce((n, h) => n + h.hits, 0),
    watchExpired: tally.watchExpired,
    refusedMs: opts.refuseMs,
    tokenRevoked: tally.tokenRevoked,
    proxy: proxyTotals(scene),
    rates: {
      churn: rateFigures(perSecond, p.churnFrom, p.churnTo),
      settle: rateFigures(perSecond, p.churnTo, p.settled.convergedAt),
      idle: p.settled.idle,
    },
    idleLimit: opts.idleLimit,
    churnLimit: churnLimitFor(opts.services, CONTROLLER_WORKERS),
    convergeMs: p.settled.convergedAt - p.churnTo,
    checks: p.settled.checks,
    leftAfterCleanup: p.leftAfterCleanup,
  };
}

/** Runs the whole scenario; throws only when the stage itself cannot be built or run. */
export async function runChaos(opts: ChaosOptions): Promise<Figures> {
  const started = Date.now();
  const slots = Array.from({ length: opts.services }, (_, i) => emptySlot(i));
  const rng = seededRng(opts.seed);
  const scene = await buildScene({ mainJs: opts.mainJs, rng, stallMs: opts.stallMs, slots });
  const tally: Tally = {
    steps: {},
    listFaults: [],
    log: opts.log,
    watchExpired: 0,
    tokenRevoked: 'not reached',
  };
  opts.log(`seed ${opts.seed}, cluster id ${scene.clusterId}, files in ${scene.workDir}`);
  try {
    failLists(scene, tally.listFaults);
    await scene.controller.start(READY_MS);
    setFaults(scene, opts.rates);
    const churnFrom = Date.now();
    await churn(scene, slots, opts, tally);
    const churnTo = Date.now();
    await faultsOff(scene);
    opts.log('faults off: waiting for the controller to settle');
    const settled = await settle(scene, slots, opts);
    const leftAfterCleanup = await cleanUp(scene, opts.log);
    return figuresOf(
      scene,
      { opts, tally, slots },
      { started, churnFrom, churnTo, settled, leftAfterCleanup },
    );
  } finally {
    await scene.close();
  }
}

function proxyTotals(scene: Scene): Record<string, number> {
  const a = scene.octavia.counts();
  const b = scene.neutron.counts();
  const out: Record<string, number> = {};
  for (const key of Object.keys(a) as (keyof typeof a)[]) out[key] = a[key] + b[key];
  return out;
}
