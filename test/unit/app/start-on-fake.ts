/**
 * Shared set-up for the tests that run the real `startController` against the simulated API
 * server and the in-process OpenStack fake: starting it with test defaults (silent logger,
 * own registry, no jitter), reading its ops endpoints, polling a condition, and cleaning up.
 */
import { Registry } from 'prom-client';
import { afterEach } from 'vitest';
import {
  startController,
  type RunningController,
  type ControllerOptions,
} from '../../../src/app/controller.js';
import { makeLogger } from '../../../src/app/logging.js';
import { systemClock } from '../../../src/engine/clock.js';
import { defaultAppConfig, type AppConfig } from '../../../src/app/config/kuryr-conf.js';
import type { FakeOpenStack } from '../../support/fake-openstack/index.js';

/** Cleanups run after each test, newest first (registers the afterEach hook of the calling file). */
export function useCleanups(): (() => Promise<void>)[] {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });
  return cleanups;
}

/** What a test chooses; the rest are test defaults. */
export type StartInput = Pick<ControllerOptions, 'kubeConfig' | 'session' | 'config'> &
  Partial<Pick<ControllerOptions, 'keyInScope'>> & { readonly ops?: boolean };

/** Starts the controller (ops server on an ephemeral loopback port unless `ops: false`); stopped by `cleanups`. */
export async function startOnFake(
  input: StartInput,
  cleanups: (() => Promise<void>)[],
): Promise<RunningController> {
  const { ops = true, ...rest } = input;
  const running = await startController({
    ...rest,
    logger: makeLogger({ level: 'silent' }),
    registry: new Registry(),
    clock: systemClock(),
    ops: ops ? { host: '127.0.0.1', port: 0 } : null,
    random: () => 0,
  });
  cleanups.push(() => running.stop(1000));
  return running;
}

/** GET on the controller's ops server. */
export async function opsGet(
  running: RunningController,
  path: string,
): Promise<{ status: number; body: string }> {
  const res = await fetch(`${running.opsUrl ?? ''}${path}`);
  return { status: res.status, body: await res.text() };
}

/** Polls `check` every 20 ms until it holds; throws naming `what` after `ms`. */
export async function waitUntil(
  what: string,
  check: () => boolean | Promise<boolean>,
  ms = 20_000,
): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** The default config pointed at the fake's subnets and public network, with overrides. */
export function fakeConfig(
  fake: FakeOpenStack,
  service: Partial<AppConfig['service']>,
  neutron: Partial<AppConfig['neutron']> = {},
): AppConfig {
  const base = defaultAppConfig();
  return {
    ...base,
    neutron: {
      ...base.neutron,
      serviceSubnetIds: [fake.info.service_subnet_id],
      podSubnetIds: [fake.info.pod_subnet_id],
      externalSvcNet: fake.info.public_net_id,
      ...neutron,
    },
    service: { ...base.service, ...service },
  };
}
