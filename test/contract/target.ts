/**
 * The cloud a contract scenario runs against, behind one interface: the in-process fake
 * (fake clock, advanced while waiting), the fake's HTTP face (real clock, short latencies),
 * or the real test cloud (integration project). A scenario never knows which it has.
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { OpenStackSession } from '../../src/openstack/session.js';
import { FakeClock } from '../support/fake-clock.js';
import { FakeOpenStack } from '../support/fake-openstack/cloud.js';
import { startFakeOpenStackServer } from '../support/fake-openstack/face-http.js';
import { fakeSession } from '../support/fake-openstack/face-session.js';
import { openCloudSession } from '../../src/openstack/keystone/open.js';
import { readFileIfExists, resolveCloudConfig } from '../../src/openstack/cloud-config.js';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { loadTestcloudInfo, testcloudSession } from '../support/testcloud.js';

/** The topology ids a scenario needs (testcloud.json's keys). */
export interface TopologyIds {
  readonly project_id: string;
  readonly pod_subnet_id: string;
  readonly service_net_id: string;
  readonly service_subnet_id: string;
  readonly public_net_id: string;
  readonly public_subnet_id: string;
  readonly router_id: string;
}

/** One cloud under contract. */
export interface ContractTarget {
  readonly kind: 'fake' | 'fake-http' | 'real';
  readonly session: OpenStackSession;
  readonly info: TopologyIds;
  /** Polls `probe` until it returns non-null (the fake's clock moves meanwhile); throws naming `what` past the bound. */
  waitFor<T>(what: string, probe: () => Promise<T | null>): Promise<T>;
  close(): Promise<void>;
}

/** A run tag unique to this run (≤ 25 characters: it goes into 60-character Neutron tags). */
export function runTag(): string {
  return `ks-ct-${Date.now().toString(36)}-${randomInt(36 ** 4).toString(36)}`;
}

/** VIP addresses for one run: the contract suite's range 10.2.80.0–10.2.87.255, a random /24 per run. */
export function vipRange(): (slot: number) => string {
  const third = 80 + randomInt(8);
  const base = 1 + randomInt(200);
  return (slot) => `10.2.${third}.${base + slot}`;
}

async function poll<T>(
  what: string,
  probe: () => Promise<T | null>,
  step: { readonly tick: () => Promise<void>; readonly bound: number },
): Promise<T> {
  let last: unknown = null;
  for (let i = 0; i < step.bound; i++) {
    try {
      const value = await probe();
      if (value !== null) return value;
    } catch (error) {
      last = error;
    }
    await step.tick();
  }
  throw new Error(`gave up waiting for ${what}`, { cause: last });
}

/** The in-process fake on a fake clock: waiting advances the clock 1 s per poll (at most 10 simulated minutes). */
export function fakeTarget(): ContractTarget & { readonly fake: FakeOpenStack; readonly clock: FakeClock } {
  const clock = new FakeClock(Date.parse('2026-12-01T00:00:00Z'));
  const fake = new FakeOpenStack({ clock, seed: 7 });
  return {
    kind: 'fake',
    fake,
    clock,
    session: fakeSession(fake),
    info: fake.info,
    waitFor: (what, probe) => poll(what, probe, { tick: () => clock.advance(1000), bound: 600 }),
    close: () => Promise.resolve(),
  };
}

/** The fake's HTTP face on the real clock, reached through clouds.yaml like the controller binary. */
export async function fakeHttpTarget(): Promise<ContractTarget & { readonly fake: FakeOpenStack }> {
  const fake = new FakeOpenStack({
    seed: 11,
    config: { octavia: { create: 1000, createPerChild: 20, update: 200, delete: 300, jitter: 0.2 } },
  });
  const server = await startFakeOpenStackServer(fake, { latency: { fixedMs: 1, jitterMs: 2, seed: 3 } });
  const yaml = server.cloudsYaml();
  const cloud = await resolveCloudConfig({
    env: { OS_CLIENT_CONFIG_FILE: '/fake/clouds.yaml' },
    readFile: (file) => Promise.resolve(file === '/fake/clouds.yaml' ? yaml : undefined),
    cwd: '/nonexistent',
    homeDir: '/nonexistent',
    cloud: 'fake',
  });
  const opened = await openCloudSession(cloud, {
    logger: pino({ level: 'silent' }),
    registry: new Registry(),
    version: 'contract',
    readFile: readFileIfExists,
  });
  return {
    kind: 'fake-http',
    fake,
    session: opened.session,
    info: fake.info,
    waitFor: (what, probe) => poll(what, probe, { tick: () => sleep(50), bound: 600 }),
    close: async () => {
      opened.close();
      await server.close();
    },
  };
}

/** The real test cloud (scripts/testcloud): 500 ms between polls, at most 5 minutes. */
export async function realTarget(): Promise<ContractTarget> {
  const opened = await testcloudSession();
  const info = await loadTestcloudInfo();
  return {
    kind: 'real',
    session: opened.session,
    info,
    waitFor: (what, probe) => poll(what, probe, { tick: () => sleep(500), bound: 600 }),
    close: () => {
      opened.close();
      return Promise.resolve();
    },
  };
}
