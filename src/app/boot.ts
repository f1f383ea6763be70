/**
 * The controller's boot, in the background of `startController`, in three phases, each
 * named by `notReady()` for /readyz until the controller runs:
 * 1. the owner identity: the kube-system namespace uid (the writer; and the cluster id
 *    when kuryr.conf sets none), retried with a growing delay, one log line per attempt;
 * 2. the informers' first lists (Services, EndpointSlices, KuryrLoadBalancers), each
 *    retried by its reflector: nothing acts on a cache whose first list has not succeeded;
 * 3. the workers, every cached Service queued, the first orphan sweep, the resync timer.
 */
import type { Owner } from '../core/ownership.js';
import type { Clock } from '../engine/clock.js';
import { Controller } from '../engine/controller.js';
import { retryUntilDone } from '../engine/retry.js';
import type { KubeClients } from '../kube/clients.js';
import { makeEventRecorder } from '../kube/events.js';
import { makeKubeInformers, type KubeInformers } from '../kube/informers.js';
import { hasKuryrFinalizer } from '../kube/klb.js';
import { readClusterIdentity } from '../kube/live-reads.js';
import { SETTLED_TIMING } from '../core/plan/settled.js';
import { makeCloudPort } from '../services/cloud.js';
import type { CloudPort } from '../services/interfaces.js';
import type { CloudContext } from '../services/context.js';
import { makeKubePort } from '../services/kube-port.js';
import { makeServiceReconciler } from '../services/reconciler.js';
import { sweepOrphans } from '../services/sweep.js';
import { capabilityProfileFrom, translateConfigFrom } from './config/translate-config.js';
import type { ControllerOptions } from './controller.js';
import { makeLogContext } from './log-context.js';
import type { AppMetrics } from './metrics.js';

/** A boot under way (or done): readiness, completion, stop. */
export interface Boot {
  /** null once the workers run; else what the controller is waiting for. */
  notReady(): string | null;
  readonly ready: Promise<void>;
  stop(drainTimeoutMs: number): Promise<void>;
}

/** What the boot needs besides the controller options. */
export interface BootInput extends ControllerOptions {
  readonly kube: KubeClients;
  readonly cloud: CloudContext;
  readonly metrics: AppMetrics;
}

/** The identity objects are written under (docs/adr/0008). */
async function resolveOwner(
  input: BootInput,
  signal: AbortSignal,
  note: (why: string) => void,
): Promise<Owner> {
  const uid = await retryUntilDone((s) => readClusterIdentity(input.kube, s), {
    clock: input.clock,
    signal,
    random: input.random ?? Math.random,
    onFailure: (err, attempt, delayMs) => {
      const why = err instanceof Error ? err.message : String(err);
      note(`reading the cluster identity (kube-system namespace uid): ${why}`);
      input.logger.warn({ attempt, delayMs, reason: why }, 'cannot read the cluster identity yet; retrying');
    },
  });
  return { clusterId: input.config.service.clusterId ?? uid, writer: uid };
}

interface Running {
  readonly controller: Controller<string>;
  readonly informers: KubeInformers;
  stopResync(): void;
}

/** Starts the boot; see the module comment. */
export function bootController(input: BootInput): Boot {
  const abort = new AbortController();
  let phase = 'reading the cluster identity';
  let informers: KubeInformers | null = null;
  let running: Running | null = null;
  const inScope = input.keyInScope ?? (() => true);
  const ready = (async () => {
    const owner = await resolveOwner(input, abort.signal, (why) => (phase = why));
    input.logger.info({ clusterId: owner.clusterId, writer: owner.writer }, 'cluster identity');
    let controller: Controller<string> | null = null;
    informers = makeKubeInformers({
      clients: input.kube,
      logger: input.logger,
      clock: input.clock,
      random: input.random ?? Math.random,
      onKey: (key, from) => {
        if (!inScope(key)) return;
        // Endpoint changes are batched (docs/adr/0019): the first schedules a pass, later ones join it.
        const batchMs = input.config.service.endpointsBatchPeriodMs;
        if (from === 'endpointslice' && batchMs > 0) controller?.enqueueAfter(key, batchMs);
        else controller?.enqueue(key);
      },
    });
    informers.start();
    phase = 'waiting for the first lists of Services, EndpointSlices and KuryrLoadBalancers';
    await informers.waitForSync(abort.signal);
    // One cloud port: the sweep's lists are the snapshot the resync's passes read (snapshot.ts).
    const cloud = makeBootCloud(input, owner);
    controller = makeWorkers(input, owner, informers, cloud);
    running = startRunning(input, { controller, informers, cloud, signal: abort.signal });
  })();
  return {
    notReady: () => (running !== null ? null : (informers?.unsynced() ?? phase)),
    ready,
    async stop(drainTimeoutMs) {
      abort.abort();
      await ready.catch(() => undefined);
      const r = running;
      if (r !== null) {
        r.stopResync();
        const result = await r.controller.stop({ drainTimeoutMs });
        input.logger.info({ drained: result.drained }, 'workers stopped');
      }
      await informers?.stop();
    },
  };
}

function makeWorkers(
  input: BootInput,
  owner: Owner,
  informers: KubeInformers,
  cloud: CloudPort,
): Controller<string> {
  const { config, logger, clock, metrics } = input;
  const logContext = input.logContext ?? makeLogContext();
  const translateContext = {
    config: translateConfigFrom(config, owner),
    network: input.cloud.network,
    capabilities: capabilityProfileFrom(config, input.cloud.apiVersion),
  };
  const reconcile = makeServiceReconciler({
    caches: informers,
    kube: makeKubePort(input.kube, (klb) => {
      informers.noteKlb(klb);
    }),
    events: makeEventRecorder({ clients: input.kube, logger, now: () => clock.now() }),
    cloud,
    context: () => translateContext,
    owner,
    projectId: input.cloud.projectId,
    timing: {
      verifyRequeueMs: Math.min(1000, config.service.pendingRequeueMs),
      stuckChildrenMs: input.stuckChildrenMs ?? 60_000,
      unsyncedRequeueMs: 2000,
      ...(input.settledTiming === null ? {} : { settled: input.settledTiming ?? SETTLED_TIMING }),
    },
    createMode: config.service.createMode,
    now: () => clock.now(),
    logger,
    metrics: metrics.reconciler,
  });
  return new Controller<string>({
    name: 'services',
    clock,
    reconcile,
    workers: config.service.workers,
    metrics: metrics.controller,
    logger,
    pollTiming: {
      baseMs: config.service.pendingRequeueMs,
      maxMs: Math.max(config.service.pendingRequeueMs, config.service.pendingRequeueMaxMs),
      factor: 1.5,
      // Polls of Services created together coincide and share one list (src/openstack/heads.ts).
      align: true,
    },
    passScope: logContext.scope,
    ...(input.random === undefined ? {} : { random: input.random }),
    onTerminal: (key, err) => {
      logger.warn({ key, err: err.message }, 'Service cannot be implemented as written');
    },
  });
}

interface RunningInput {
  readonly controller: Controller<string>;
  readonly informers: KubeInformers;
  readonly cloud: CloudPort;
  readonly signal: AbortSignal;
}

/**
 * The cloud port of the workers and the sweep. The sweep is what lists owned keys, so it is
 * where conflicts across the project are seen.
 */
function makeBootCloud(input: BootInput, owner: Owner): CloudPort {
  const { logger, clock } = input;
  return makeCloudPort({
    session: input.session,
    owner,
    projectId: input.cloud.projectId,
    vipSecurityGroups: !input.config.octavia.enforceSgRules,
    now: () => clock.now(),
    onConflicts: (conflicts) => {
      input.metrics.sweepConflicts(conflicts.length);
      logger.error(
        { conflicts },
        'objects carry this cluster id but another writer: two clusters share one cluster_id',
      );
    },
  });
}

function startRunning(input: BootInput, r: RunningInput): Running {
  const { controller, informers, cloud } = r;
  const { logger } = input;
  const inScope = input.keyInScope ?? (() => true);
  const enqueueAll = (): void => {
    for (const key of informers.serviceKeys()) if (inScope(key)) controller.enqueue(key);
  };
  enqueueAll();
  logKuryrRecords(logger, informers);
  controller.start();
  const sweep = (): void => {
    sweepOrphans({
      cloud,
      knownKeys: informers.serviceKeys(),
      unsynced: informers.unsynced(),
      maxReleases: input.config.service.maxOrphanReleasesPerSweep,
      // OpenStack still holds objects for the key: no earlier result of it (a recent release) stands.
      enqueue: (key) => {
        controller.enqueueFresh(key);
      },
      signal: r.signal,
      inScope,
    }).then(
      (result) => {
        input.metrics.sweep(result);
        if (result.kind === 'skipped')
          logger.warn({ reason: result.reason }, 'orphan sweep skipped: caches not synced');
        else if (result.queued.length > 0 || result.deferred.length > 0) {
          logger.info(
            { queued: result.queued, deferred: result.deferred },
            'orphan sweep: Services gone, objects left',
          );
        }
      },
      (err: unknown) => {
        if (!r.signal.aborted) logger.warn({ err }, 'orphan sweep failed; the next resync retries');
      },
    );
  };
  sweep();
  const resync = every(input.clock, input.config.service.resyncPeriodSeconds * 1000, () => {
    // The sweep first: its lists are the snapshot the queued passes read (settled.ts).
    sweep();
    enqueueAll();
  });
  logger.info({ workers: input.config.service.workers }, 'controller started');
  return { controller, informers, stopResync: resync };
}

/** At start: how many records kuryr-kubernetes still holds (their verdicts follow, one line per Service). */
function logKuryrRecords(logger: BootInput['logger'], informers: KubeInformers): void {
  const held = informers.serviceKeys().filter((key) => {
    const slash = key.indexOf('/');
    const klb = informers.getKlb(key.slice(0, slash), key.slice(slash + 1));
    return klb !== undefined && hasKuryrFinalizer(klb);
  });
  if (held.length === 0) return;
  logger.info(
    { count: held.length, first: held.slice(0, 10) },
    "KuryrLoadBalancers still carry kuryr-kubernetes's finalizer: their load balancers are adopted on proof, the verdict logged per Service (kuryr-services adopt --dry-run shows the same)",
  );
}

/** Runs `tick` every `periodMs` until the returned function is called. */
function every(clock: Clock, periodMs: number, tick: () => void): () => void {
  let handle = clock.setTimer(periodMs, function fire() {
    tick();
    handle = clock.setTimer(periodMs, fire);
  });
  return () => {
    clock.clearTimer(handle);
  };
}
