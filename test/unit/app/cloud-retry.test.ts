/**
 * Start-up retry of the cloud context (docs/adr/0008): with OpenStack down at start the
 * real `startController` serves /healthz 200 and /readyz 503 with the reason, retries until
 * the cloud answers, stops promptly when told, and treats a terminal error as fatal.
 */
import { describe, expect, it } from 'vitest';
import type { RunningController } from '../../../src/app/controller.js';
import { NetworkError } from '../../../src/openstack/errors.js';
import type { OpenStackSession } from '../../../src/openstack/session.js';
import { FakeOpenStack, fakeSession } from '../../support/fake-openstack/index.js';
import { startKubeApiServer } from '../../support/kube-apiserver/index.js';
import { fakeConfig, opsGet as get, startOnFake, useCleanups, waitUntil } from './start-on-fake.js';

const cleanups = useCleanups();

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
  const config = fakeConfig(
    fake,
    { clusterId: 'retry-test', resyncPeriodSeconds: 3600 },
    serviceSubnet === undefined ? {} : { serviceSubnetIds: [serviceSubnet] },
  );
  return { server, fake, config };
}

type Setup = Awaited<ReturnType<typeof setUp>>;

/** `s` with `[neutron_defaults] project` set. */
function withProject(s: Setup, project: string): Setup {
  return { ...s, config: { ...s.config, neutron: { ...s.config.neutron, project } } };
}

function start(s: Setup, session: OpenStackSession): Promise<RunningController> {
  return startOnFake({ kubeConfig: s.server.kubeConfig(), session, config: s.config }, cleanups);
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

  it("a configured project other than the credentials' is fatal, not retried", async () => {
    const s = withProject(await setUp(), '11111111111111111111111111111111');
    const running = await start(s, fakeSession(s.fake));
    await expect(running.cloudLoaded).rejects.toThrow(
      /project = 11111111111111111111111111111111, but the credentials are scoped to project/,
    );
    expect((await get(running, '/readyz')).body).toMatch(/cloud context failed/);
  });

  it("a configured project that is the credentials' own boots", async () => {
    const s0 = await setUp();
    const s = withProject(s0, s0.fake.info.project_id);
    const running = await start(s, fakeSession(s.fake));
    await running.ready;
    expect((await get(running, '/readyz')).status).toBe(200);
  });
});
