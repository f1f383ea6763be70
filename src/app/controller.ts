/**
 * The controller, assembled: kube informers feed Service keys to the engine's work queue;
 * N workers run the Service reconciler against the cloud; a resync re-queues every Service
 * periodically (drift repair) and sweeps OpenStack for Services that are gone but still own
 * objects (released through the reconciler's orphan path); an ops endpoint serves metrics and health. `start` performs
 * the initial list of both caches before any worker runs; `stop` drains gracefully.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import type { Clock } from '../engine/clock.js';
import { Controller } from '../engine/controller.js';
import { makeEventRecorder } from '../kube/events.js';
import { makeKubeClients } from '../kube/clients.js';
import { makeKubeInformers } from '../kube/informers.js';
import { createKubeMetrics } from '../kube/metrics.js';
import type { OpenStackSession } from '../openstack/session.js';
import { makeCloudPort } from '../services/cloud.js';
import { loadTranslateContext } from '../services/context.js';
import { makeServiceReconciler } from '../services/reconciler.js';
import { sweepOrphans } from '../services/sweep.js';
import { capabilityProfileFrom, translateConfigFrom } from './config/translate-config.js';
import type { AppConfig } from './config/kuryr-conf.js';
import type { AppLogger } from './logging.js';
import { makeAppMetrics } from './metrics.js';
import { startOpsServer, type OpsServer } from './ops-server.js';

export interface ControllerOptions {
  readonly kubeConfig: KubeConfig;
  readonly session: OpenStackSession;
  readonly config: AppConfig;
  readonly logger: AppLogger;
  readonly registry: Registry;
  readonly clock: Clock;
  /** Where to serve /metrics, /healthz, /readyz; null = no ops endpoint. */
  readonly ops: { readonly host: string; readonly port: number } | null;
  /** How long children may stay PENDING_* under an ACTIVE LB before recovery (default 60 s). */
  readonly stuckChildrenMs?: number;
}

export interface RunningController {
  readonly opsUrl: string | null;
  /** Stops taking keys, waits up to `drainTimeoutMs` for in-flight reconciles, stops watches. */
  stop(drainTimeoutMs?: number): Promise<void>;
}

/** Starts the controller; resolves once caches are synced and workers run. */
export async function startController(options: ControllerOptions): Promise<RunningController> {
  const { config, logger, clock } = options;
  const metrics = makeAppMetrics(options.registry);
  const kube = makeKubeClients(options.kubeConfig, { clock, metrics: createKubeMetrics(options.registry) });
  const context = await loadTranslateContext({
    session: options.session,
    serviceSubnetIds: config.neutron.serviceSubnetIds,
    podSubnetIds: config.neutron.podSubnetIds,
    translateConfig: translateConfigFrom(config),
    profile: (discovered) => capabilityProfileFrom(config, discovered.apiVersion),
    provider: config.octavia.provider,
  });
  logger.info(
    { capabilities: context.capabilities, subnets: [...context.network.subnets.keys()] },
    'cloud context loaded',
  );
  let controller: Controller<string> | null = null;
  const informers = makeKubeInformers({
    clients: kube,
    logger,
    onKey: (key) => controller?.enqueue(key),
  });
  const cloud = makeCloudPort({
    session: options.session,
    clusterId: config.service.clusterId,
    busyRequeueMs: Math.min(1000, config.service.pendingRequeueMs),
    conflictRequeueMs: config.service.pendingRequeueMs,
  });
  const reconcile = makeServiceReconciler({
    caches: informers,
    kube,
    events: makeEventRecorder({ clients: kube, logger, now: () => clock.now() }),
    cloud,
    context: () => context,
    clusterId: config.service.clusterId,
    timing: {
      pendingRequeueMs: config.service.pendingRequeueMs,
      pendingRequeueMaxMs: config.service.pendingRequeueMaxMs,
      verifyRequeueMs: Math.min(1000, config.service.pendingRequeueMs),
      stuckChildrenMs: options.stuckChildrenMs ?? 60_000,
    },
    createMode: config.service.createMode,
    now: () => clock.now(),
    logger,
    metrics: metrics.reconciler,
  });
  controller = new Controller<string>({
    name: 'services',
    clock,
    reconcile: (key, ctx) => reconcile(key, ctx.signal),
    workers: config.service.workers,
    metrics: metrics.controller,
    logger,
    onError: (key, err, attempt) => {
      logger.warn({ key, err, attempt }, 'reconcile failed; retrying with backoff');
    },
    onTerminal: (key, err) => {
      logger.warn({ key, err: err.message }, 'Service cannot be implemented as written');
    },
  });
  // Compile fix (kubeio): the cache-sync gate; nothing runs until every cache has listed once.
  informers.start();
  await informers.waitForSync(new AbortController().signal);
  for (const key of informers.serviceKeys()) controller.enqueue(key);
  controller.start();
  const started = controller;
  const sweeper = new AbortController();
  const sweep = (): void => {
    sweepOrphans({
      cloud,
      knownKeys: informers.serviceKeys(),
      enqueue: (key) => {
        started.enqueue(key);
      },
      signal: sweeper.signal,
    }).then(
      (keys) => {
        if (keys.length > 0)
          logger.info({ keys }, 'queued Services that are gone but still own OpenStack objects');
      },
      (err: unknown) => {
        if (!sweeper.signal.aborted) logger.warn({ err }, 'orphan sweep failed; the next resync retries');
      },
    );
  };
  sweep();
  const resync = startResync(clock, config.service.resyncPeriodSeconds * 1000, () => {
    for (const key of informers.serviceKeys()) started.enqueue(key);
    sweep();
  });
  const ops: OpsServer | null =
    options.ops === null
      ? null
      : await startOpsServer({ registry: options.registry, ready: () => true, ...options.ops });
  logger.info({ workers: config.service.workers, ops: ops?.url ?? null }, 'controller started');
  return {
    opsUrl: ops?.url ?? null,
    async stop(drainTimeoutMs = 30_000) {
      resync.stop();
      sweeper.abort();
      const result = await controller.stop({ drainTimeoutMs });
      await informers.stop();
      await ops?.stop();
      logger.info({ drained: result.drained }, 'controller stopped');
    },
  };
}

function startResync(clock: Clock, periodMs: number, tick: () => void): { stop(): void } {
  let handle = clock.setTimer(periodMs, function fire() {
    tick();
    handle = clock.setTimer(periodMs, fire);
  });
  return {
    stop: () => {
      clock.clearTimer(handle);
    },
  };
}
