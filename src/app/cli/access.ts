/**
 * The access flags every read-only command shares (`--kubeconfig`, `--os-cloud`, `--config`)
 * and what they open: kuryr.conf, the Keystone session, the Kubernetes clients and the
 * cluster identity the controller writes under (docs/adr/0008), the same way `controller`
 * loads them.
 */
import { homedir } from 'node:os';
import type { Command } from 'commander';
import { Registry } from 'prom-client';
import type { Owner } from '../../core/ownership.js';
import { loadKubeConfig, makeKubeClients, type KubeClients } from '../../kube/clients.js';
import { readClusterIdentity } from '../../kube/live-reads.js';
import { CloudConfigError, readFileIfExists, resolveCloudConfig } from '../../openstack/cloud-config.js';
import { openCloudSession } from '../../openstack/keystone/open.js';
import type { OpenStackSession } from '../../openstack/session.js';
import { defaultAppConfig, KuryrConfError, readKuryrConf, type AppConfig } from '../config/kuryr-conf.js';
import { makeLogger } from '../logging.js';
import type { CliIo } from './context.js';

/** The shared access flags as commander parses them. */
export interface AccessFlags {
  readonly kubeconfig?: string;
  readonly osCloud?: string;
  readonly config?: string;
}

/** Adds `--kubeconfig`, `--os-cloud` and `--config` to `command`. */
export function withAccessFlags(command: Command): Command {
  return command
    .option(
      '--kubeconfig <file>',
      'kubeconfig file (default: in-cluster config in a pod, else ~/.kube/config)',
    )
    .option('--os-cloud <name>', 'cloud in clouds.yaml (default: OS_CLOUD, else OS_* variables)')
    .option('--config <file>', 'kuryr.conf (cluster_id, max_orphan_releases_per_sweep, ...)');
}

/** What the access flags opened; `close()` releases the cloud session's sockets. */
export interface Access {
  readonly config: AppConfig;
  readonly kube: KubeClients;
  readonly session: OpenStackSession;
  readonly projectId: string;
  readonly owner: Owner;
  close(): void;
}

/** True for errors of the user's configuration (exit 2), not of the cluster or cloud. */
export function isConfigError(err: unknown): boolean {
  return err instanceof KuryrConfError || err instanceof CloudConfigError;
}

/**
 * Loads kuryr.conf, clouds.yaml and the kubeconfig, gets a token and the project, and reads
 * the cluster identity (the kube-system namespace uid). Throws the typed errors of each step.
 */
export async function openAccess(flags: AccessFlags, io: CliIo, signal?: AbortSignal): Promise<Access> {
  const loaded =
    flags.config === undefined
      ? { config: defaultAppConfig(), warnings: [] }
      : await readKuryrConf(flags.config);
  for (const w of loaded.warnings) io.stderr(`kuryr-services: warning: ${w}\n`);
  const cloud = await resolveCloudConfig({
    env: process.env,
    readFile: readFileIfExists,
    cwd: process.cwd(),
    homeDir: homedir(),
    cloud: flags.osCloud,
  });
  for (const w of cloud.warnings) io.stderr(`kuryr-services: warning: ${w}\n`);
  const kubeConfig = loadKubeConfig({
    ...(flags.kubeconfig === undefined ? {} : { path: flags.kubeconfig }),
    inCluster: process.env.KUBERNETES_SERVICE_HOST !== undefined,
  });
  const kube = makeKubeClients(kubeConfig);
  const opened = await openCloudSession(cloud, {
    logger: makeLogger({ level: 'silent' }),
    registry: new Registry(),
    version: '0.1.0',
    readFile: readFileIfExists,
  });
  try {
    const projectId = await opened.session.projectId(signal);
    const uid = await readClusterIdentity(kube, signal ?? new AbortController().signal);
    const owner = { clusterId: loaded.config.service.clusterId ?? uid, writer: uid };
    return {
      config: loaded.config,
      kube,
      session: opened.session,
      projectId,
      owner,
      close: () => {
        opened.close();
      },
    };
  } catch (err) {
    opened.close();
    throw err;
  }
}
