import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeKubeClients, type KubeClients } from '../../../src/kube/clients.js';
import { keyOf, makeServiceInformers, type ServiceInformers } from '../../../src/kube/informers.js';
import { silentLogger } from '../../../src/engine/observability.js';
import { anEndpointSlice } from '../../support/builders.js';
import { eventually } from '../../support/kube-apiserver/recorder.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/index.js';

let server: KubeApiServer;
let clients: KubeClients;
let informers: ServiceInformers;
let keys: string[];
let scheduled: (() => void)[];

beforeEach(async () => {
  server = await startKubeApiServer();
  clients = makeKubeClients(server.kubeConfig());
  keys = [];
  scheduled = [];
  informers = makeServiceInformers({
    clients,
    onKey: (k) => keys.push(k),
    logger: silentLogger(),
    schedule: (_ms, fn) => scheduled.push(fn),
    restartDelayMs: 10,
  });
});
afterEach(async () => {
  await informers.stop();
  await server.stop();
});

async function createService(name: string, namespace = 'default') {
  await clients.core.createNamespacedService({
    namespace,
    body: { metadata: { name }, spec: { ports: [{ port: 80 }] } },
  });
}

async function createSlice(service: string, name: string, namespace = 'default') {
  await clients.discovery.createNamespacedEndpointSlice({
    namespace,
    body: anEndpointSlice({ service, name, namespace }),
  });
}

describe('Service informers', () => {
  it('lists before start resolves, then emits the owning Service key for Service and slice changes', async () => {
    await createService('web');
    await informers.start();
    expect(informers.getService('default', 'web')?.metadata?.name).toBe('web');
    expect(informers.serviceKeys()).toEqual(['default/web']);
    await eventually(() => keys.includes('default/web'));

    keys.length = 0;
    await createSlice('web', 'web-abc');
    await eventually(() => keys.includes('default/web'));
    keys.length = 0;
    await createSlice('other', 'other-abc');
    await eventually(() => keys.includes('default/other'));
    keys.length = 0;
    await clients.core.deleteNamespacedService({ name: 'web', namespace: 'default' });
    await eventually(() => keys.includes('default/web'));
    await eventually(() => informers.getService('default', 'web') === undefined);
  });

  it("slicesFor returns only the Service's slices in its namespace", async () => {
    await clients.core.createNamespace({ body: { metadata: { name: 'team' } } });
    await createSlice('web', 'web-1');
    await createSlice('web', 'web-2');
    await createSlice('web', 'web-3', 'team');
    await createSlice('api', 'api-1');
    await informers.start();
    const names = (ns: string, svc: string) =>
      informers
        .slicesFor(ns, svc)
        .map((s) => s.metadata?.name)
        .sort();
    expect(names('default', 'web')).toEqual(['web-1', 'web-2']);
    expect(names('team', 'web')).toEqual(['web-3']);
    expect(names('default', 'none')).toEqual([]);
  });

  it('restarts a watch that failed while running', async () => {
    await informers.start();
    await eventually(() => server.activeWatches === 2);
    server.closeWatches({ abrupt: true });
    await eventually(() => scheduled.length > 0);
    for (const fn of scheduled.splice(0)) fn();
    await eventually(() => server.activeWatches >= 1);
    await createService('late');
    await eventually(() => keys.includes('default/late'));
  });

  it('never restarts after stop', async () => {
    await informers.start();
    await eventually(() => server.activeWatches === 2);
    await informers.stop();
    server.closeWatches({ abrupt: true });
    for (const fn of scheduled.splice(0)) fn();
    await createService('after-stop');
    await new Promise((r) => setTimeout(r, 50)); // give a wrongly restarted watch the chance to show up
    expect(server.activeWatches).toBe(0);
    expect(keys).not.toContain('default/after-stop');
  });
});

describe('keyOf', () => {
  it('is namespace/name, or null without either', () => {
    expect(keyOf({ metadata: { namespace: 'a', name: 'b' } })).toBe('a/b');
    expect(keyOf({ metadata: { name: 'b' } })).toBeNull();
    expect(keyOf({})).toBeNull();
  });
});
