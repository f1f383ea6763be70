/**
 * Start-up retry of the cloud context (docs/adr/0008): with OpenStack down at start the
 * real `startController` serves /healthz 200 and /readyz 503 with the reason, retries until
 * the cloud answers, stops promptly when told, and treats a terminal error as fatal.
 */
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultAppConfig, type AppConfig } from '../../../src/app/config/kuryr-conf.js';
import { startController, type RunningController } from '../../../src/app/controller.js';
import { makeLogger } from '../../../src/app/logging.js';
import { systemClock } from '../../../src/engine/clock.js';
import { NetworkError } from '../../../src/openstack/errors.js';
import type { OpenStackSession } from '../../../src/openstack/session.js';
import { FakeOpenStack, fakeSession } from '../../support/fake-openstack/index.js';
import { startKubeApiServer } from '../../support/kube-apiserver/index.js';

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A session whose every call fails with a connection error while `down()` says so. */
function flakySession(inner: OpenStackSession, down: () => boolean): OpenStackSession & { calls: number } {
  const fail = (): never => {
    throw new NetworkError({
      service: 'keystone',
      operation: 'test',
      kind: 'connection',
      faultString: 'refused',
    });
  };
  const s = {
    calls: 0,
    request: async <T>(req: Parameters<OpenStackSession['request']>[0]) => {
      s.calls++;
      if (down()) fail();
      return inner.request<T>(req);
    },
    endpoint: async (service: Parameters<OpenStackSession['endpoint']>[0], signal?: AbortSignal) => {
      s.calls++;
      if (down()) fail();
      return inner.endpoint(service, signal);
    },
    projectId: async (signal?: AbortSignal) => {
      s.calls++;
      if (down()) fail();
      return inner.projectId(signal);
    },
  };
  return s;
}

async function setUp(serviceSubnet?: string) {
  const server = await startKubeApiServer();
  cleanups.push(() => server.stop());
  const fake = new FakeOpenStack({});
  const base = defaultAppConfig();
  const config: AppConfig = {
    ...base,
    neutron: {
      ...base.neutron,
      serviceSubnetIds: [serviceSubnet ?? fake.info.service_subnet_id],
      podSubnetIds: [fake.info.pod_subnet_id],
      externalSvcNet: fake.info.public_net_id,
    },
    service: { ...base.service, clusterId: 'retry-test', resyncPeriodSeconds: 3600 },
  };
  return { server, fake, config };
}

async function start(
  s: Awaited<ReturnType<typeof setUp>>,
  session: OpenStackSession,
): Promise<RunningController> {
  const running = await startController({
    kubeConfig: s.server.kubeConfig(),
    session,
    config: s.config,
    logger: makeLogger({ level: 'silent' }),
    registry: new Registry(),
    clock: systemClock(),
    ops: { host: '127.0.0.1', port: 0 },
    random: () => 0,
  });
  cleanups.push(() => running.stop(1000));
  return running;
}

async function get(running: RunningController, path: string): Promise<{ status: number; body: string }> {
  const res = await fetch(`${running.opsUrl ?? ''}${path}`);
  return { status: res.status, body: await res.text() };
}

async function waitUntil(what: string, check: () => boolean | Promise<boolean>, ms = 20_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('start-up with the cloud down', () => {
  it('serves /readyz 503 with the reason and /healthz 200 while retrying, then boots', async () => {
    const s = await setUp();
    let down = true;
    const session = flakySession(fakeSession(s.fake), () => down);
    const running = await start(s, session);
    await waitUntil('a retry', () => session.calls >= 2);
    const r = await get(running, '/readyz');
    expect(r.status).toBe(503);
    expect(r.body).toMatch(/loading cloud context: .*refused/);
    expect((await get(running, '/healthz')).status).toBe(200);
    down = false;
    await running.ready;
    expect((await get(running, '/readyz')).status).toBe(200);
  });

  it('stop() during the retry wait resolves without waiting for the cloud', async () => {
    const s = await setUp();
    const session = flakySession(fakeSession(s.fake), () => true);
    const running = await start(s, session);
    await waitUntil('a retry', () => session.calls >= 2);
    const outcome = running.ready.then(
      () => 'ready',
      () => 'rejected',
    );
    await running.stop(1000);
    // The cloud never came back: only an aborted wait can settle `ready`.
    expect(await outcome).toBe('rejected');
  });

  it('a configured subnet that does not exist is fatal, not retried', async () => {
    const s = await setUp('00000000-0000-0000-0000-000000000000');
    const running = await start(s, fakeSession(s.fake));
    await expect(running.cloudLoaded).rejects.toThrow(/no such subnet/);
    expect((await get(running, '/readyz')).body).toMatch(/cloud context failed/);
  });
});
