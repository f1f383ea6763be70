/**
 * The real controller binary under chaos: its clouds.yaml is the test cloud's with Octavia and
 * Neutron sent through the fault proxies (`<service>_endpoint_override`), its kuryr.conf names
 * the run's cluster id. `kill9()` is a SIGKILL at whatever point the controller is at; the
 * next `start()` is a fresh process on the same files (its log appended to one file per run).
 */
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import {
  answers,
  freePort,
  spawnController,
  writeKuryrConf,
  type ControllerChild,
} from '../../test/e2e/support/controller-process.js';
import { testcloudCloudsYaml } from '../../test/support/testcloud.js';
import { waitFor } from '../../test/support/wait.js';

/** Where the proxies listen. */
export interface Overrides {
  readonly loadBalancer: string;
  readonly network: string;
}

/** Writes `dir/clouds.yaml`: the test cloud's, its `testcloud` cloud pointed at the proxies. */
export async function writeChaosCloudsYaml(dir: string, overrides: Overrides): Promise<string> {
  const doc = parse(await readFile(testcloudCloudsYaml(), 'utf8')) as {
    clouds?: Record<string, Record<string, unknown>>;
  };
  const cloud = doc.clouds?.testcloud;
  if (cloud === undefined) throw new Error(`${testcloudCloudsYaml()} has no cloud "testcloud"`);
  cloud.load_balancer_endpoint_override = overrides.loadBalancer;
  cloud.network_endpoint_override = overrides.network;
  const file = path.join(dir, 'clouds.yaml');
  await writeFile(file, stringify(doc));
  return file;
}

/** The controller process of a chaos run, restartable. */
export interface ChaosController {
  /** Spawns it (when not running) and waits until /readyz answers 200, up to `readyMs`. */
  start(readyMs: number): Promise<void>;
  /** Spawns it without waiting for readiness (so a start-up fault can be watched). */
  spawn(): Promise<void>;
  /** SIGKILL, then waits for the exit. */
  kill9(): Promise<void>;
  /** SIGTERM, then waits for the exit. */
  stop(): Promise<void>;
  running(): boolean;
  readonly kills: number;
  readonly starts: number;
  readonly logFile: string;
}

/** What the controller needs. */
export interface ChaosControllerOptions {
  readonly mainJs: string;
  readonly workDir: string;
  readonly kubeconfig: string;
  readonly clusterId: string;
  readonly overrides: Overrides;
}

/** Prepares the files; the process starts with `start()`. */
export async function chaosController(opts: ChaosControllerOptions): Promise<ChaosController> {
  const clouds = await writeChaosCloudsYaml(opts.workDir, opts.overrides);
  const conf = await writeKuryrConf(opts.workDir, opts.clusterId);
  const logFile = path.join(opts.workDir, 'controller.log');
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OS_')));
  let child: ControllerChild | null = null;
  let kills = 0;
  let starts = 0;
  const spawnOne = async (): Promise<void> => {
    if (child?.running() === true) return;
    const port = await freePort();
    const args = ['controller', '--kubeconfig', opts.kubeconfig, '--os-cloud', 'testcloud'];
    args.push('--config', conf, '--metrics-addr', `127.0.0.1:${port}`, '--log-level', 'info');
    child = spawnController({
      mainJs: opts.mainJs,
      args,
      env: { ...env, OS_CLIENT_CONFIG_FILE: clouds, POD_NAME: 'chaos' },
      podName: 'chaos',
      port,
      logFile,
    });
    starts++;
  };
  const end = async (sig: NodeJS.Signals): Promise<void> => {
    const c = child;
    if (c === null) return;
    c.signal(sig);
    await c.exited;
  };
  return {
    spawn: spawnOne,
    async start(readyMs) {
      await spawnOne();
      const c = child;
      if (c === null) throw new Error('controller not spawned');
      await waitFor('the controller answers /readyz', readyMs, async () => {
        if (!c.running()) throw new Error(`the controller exited; see ${logFile}`);
        return answers(c.port, '/readyz');
      });
    },
    async kill9() {
      await end('SIGKILL');
      kills++;
    },
    stop: () => end('SIGTERM'),
    running: () => child?.running() === true,
    get kills() {
      return kills;
    },
    get starts() {
      return starts;
    },
    logFile,
  };
}
