/**
 * The controller, assembled. `startController` reads what must be right for anything to
 * work (the project, the configured subnets, Octavia's version: a failure there is fatal),
 * starts the ops endpoint, and then boots in the background (boot.ts), behind the safety
 * gate of docs/adr/0008: the cluster identity is read, the informers list, and no worker
 * and no sweep runs until every cache's first list has succeeded; until then `/readyz`
 * answers 503 with the reason. Once running, a resync re-queues every Service (drift
 * repair) and sweeps OpenStack for Services that are gone but still own objects.
 */
import type { SettledTiming } from '../core/plan/decision.js';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Registry } from 'prom-client';
import type { Clock } from '../engine/clock.js';
import { makeKubeClients } from '../kube/clients.js';
import { createKubeMetrics } from '../kube/metrics.js';
import type { OpenStackSession } from '../openstack/session.js';
import { loadCloudContext } from '../services/context.js';
import type { AppConfig } from './config/kuryr-conf.js';
import { bootController, type Boot } from './boot.js';
import { waitForCloud } from './cloud-wait.js';
import type { LogContext } from './log-context.js';
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
  /** Settled licences (src/core/plan/settled.ts; default SETTLED_TIMING); null: every resync observes in full. */
  readonly settledTiming?: SettledTiming | null;
  /** The pass scope for logs (default: a fresh one). */
  readonly logContext?: LogContext;
  /** [0, 1) for jitter (default Math.random). */
  readonly random?: () => number;
  /**
   * The Service keys this controller works on: its shards' (src/core/shard.ts, docs/adr/0014).
   * Absent: every key (one shard). Applied to watch events, resyncs and the orphan sweep.
   */
  readonly keyInScope?: (key: string) => boolean;
}

export interface RunningController {
  readonly opsUrl: string | null;
  /** Resolves once the caches are synced and the workers run; rejects if the boot failed. */
  readonly ready: Promise<void>;
  /** Resolves once the cloud context is loaded; rejects on a terminal error (or a stop first). */
  readonly cloudLoaded: Promise<void>;
  /** Stops booting or working: in-flight reconciles get `drainTimeoutMs`, then watches stop. */
  stop(drainTimeoutMs?: number): Promise<void>;
}

/** Starts the controller; see the module comment. Rejects only on a fatal configuration problem. */
export async function startController(options: ControllerOptions): Promise<RunningController> {
  const { config, logger } = options;
  const metrics = makeAppMetrics(options.registry);
  const kube = makeKubeClients(options.kubeConfig, {
    clock: options.clock,
    metrics: createKubeMetrics(options.registry),
  });
  let boot: Boot | null = null;
  let cloudReason: string | null = 'loading cloud context';
  const ops: OpsServer | null =
    options.ops === null
      ? null
      : await startOpsServer({
          registry: options.registry,
          ready: () => cloudReason ?? (boot === null ? 'starting' : boot.notReady()),
          ...options.ops,
        });
  const abort = new AbortController();
  const booted = waitForCloud({
    load: () =>
      loadCloudContext({
        session: options.session,
        project: config.neutron.project,
        serviceSubnetIds: config.neutron.serviceSubnetIds,
        podSubnetIds: config.neutron.podSubnetIds,
        provider: config.octavia.provider,
      }),
    logger,
    signal: abort.signal,
    onReason: (why) => {
      cloudReason = why;
    },
    ...(options.random ? { random: options.random } : {}),
  }).then((cloud) => {
    logger.info(
      {
        projectId: cloud.projectId,
        apiVersion: cloud.apiVersion,
        subnets: [...cloud.network.subnets.keys()],
      },
      'cloud context loaded',
    );
    if (abort.signal.aborted) throw new Error('stopped while loading cloud context');
    boot = bootController({ ...options, kube, cloud, metrics });
    return boot;
  });
  const ready = booted.then((b) => b.ready);
  const cloudLoaded = booted.then(() => undefined);
  cloudLoaded.catch(() => undefined);
  ready.catch((err: unknown) => {
    logger.error({ err: err instanceof Error ? err.message : String(err) }, 'controller boot failed');
  });
  return {
    opsUrl: ops?.url ?? null,
    ready,
    cloudLoaded,
    async stop(drainTimeoutMs = 30_000) {
      abort.abort();
      const started = await booted.catch(() => null);
      await started?.stop(drainTimeoutMs);
      await ops?.stop();
      logger.info({}, 'controller stopped');
    },
  };
}
