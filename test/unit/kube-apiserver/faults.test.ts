import {
  ApiException,
  CoordinationV1Api,
  CoreV1Api,
  makeInformer,
  type Informer,
  type ObjectCache,
  type V1Service,
  type V1ServiceList,
} from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ADMIN_PREFIX, DENIED_USER } from '../../support/kube-apiserver/index.js';
import { apiFailure, eventually } from '../../support/kube-apiserver/recorder.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/server.js';

let server: KubeApiServer;
let core: CoreV1Api;
let informer: (Informer<V1Service> & ObjectCache<V1Service>) | undefined;

beforeEach(async () => {
  server = await startKubeApiServer();
  core = server.kubeConfig().makeApiClient(CoreV1Api);
  await create('a');
});
afterEach(async () => {
  await informer?.stop();
  informer = undefined;
  await server.stop();
});

async function create(name: string, namespace = 'default'): Promise<void> {
  await core.createNamespacedService({
    namespace,
    body: { metadata: { name }, spec: { ports: [{ port: 80 }] } },
  });
}

/** A Service informer like the controller's (cluster-wide), counting lists, connects and errors. */
function serviceInformer(): { lists: number; connects: number; errors: unknown[]; names: () => string } {
  const seen = { lists: 0, connects: 0, errors: [] as unknown[] };
  const list = async (): Promise<V1ServiceList> => {
    seen.lists++;
    return core.listServiceForAllNamespaces();
  };
  const created = makeInformer<V1Service>(server.kubeConfig(), '/api/v1/services', list);
  created.on('connect', () => seen.connects++);
  created.on('error', (err) => seen.errors.push(err));
  informer = created;
  const names = () =>
    created
      .list()
      .map((s) => s.metadata?.name ?? '')
      .sort()
      .join();
  return Object.assign(seen, { names });
}

async function raw(path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${server.token}`, 'content-type': 'application/json' },
  });
}

describe('faults.respond', () => {
  it('answers a 403 with the RBAC Status to the first list; after clear the informer lists', async () => {
    const rule = server.faults.respond({ verb: 'list', resource: 'services' }, { code: 403 });
    const seen = serviceInformer();
    await informer?.start();
    expect(seen.errors).toHaveLength(1);
    expect(seen.errors[0]).toBeInstanceOf(ApiException);
    const error = seen.errors[0] as ApiException<string>;
    expect(error.code).toBe(403);
    expect(JSON.parse(error.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `services is forbidden: User "${DENIED_USER}" cannot list resource "services" in API group "" at the cluster scope`,
      reason: 'Forbidden',
      details: { kind: 'services' },
      code: 403,
    });
    expect(seen.names()).toBe('');
    expect(rule.hits).toBe(1);
    expect(rule.remaining).toBeUndefined();

    rule.clear();
    expect(rule.active).toBe(false);
    await informer?.start();
    expect(seen.names()).toBe('a');
    await eventually(() => server.activeWatches === 1);
  });

  it('fails only the next N matching requests (verb, resource, namespace, name), then serves them', async () => {
    await core.createNamespace({ body: { metadata: { name: 'other' } } });
    await create('b', 'other');
    const rule = server.faults.respond(
      { verb: 'get', resource: 'services', namespace: 'other', name: 'b' },
      { code: 503, times: 2 },
    );
    await core.readNamespacedService({ namespace: 'default', name: 'a' });
    for (let i = 0; i < 2; i++) {
      const failure = await apiFailure(core.readNamespacedService({ namespace: 'other', name: 'b' }));
      expect(failure.code).toBe(503);
      expect(failure.status).toMatchObject({ kind: 'Status', reason: 'ServiceUnavailable', code: 503 });
    }
    expect(rule.remaining).toBe(0);
    expect(rule.active).toBe(false);
    expect((await core.readNamespacedService({ namespace: 'other', name: 'b' })).metadata?.name).toBe('b');
    expect(server.faults.injected).toBe(2);
  });

  it('sends Retry-After with a 429, a 403 naming the object and namespace, a 500 for writes', async () => {
    server.faults.respond({ verb: 'list' }, { code: 429, times: 1 });
    const limited = await raw('/api/v1/namespaces/default/services');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toMatchObject({
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 1 },
    });

    server.faults.respond({ resource: 'services/status' }, { code: 403, times: 1 });
    const denied = await apiFailure(
      core.patchNamespacedServiceStatus({ namespace: 'default', name: 'a', body: [] }),
    );
    expect(denied.status.message).toBe(
      `services/status "a" is forbidden: User "${DENIED_USER}" cannot patch resource "services/status" in API group "" in the namespace "default"`,
    );

    server.faults.respond({ verb: 'create', group: 'coordination.k8s.io' }, { code: 500, times: 1 });
    const leases = server.kubeConfig().makeApiClient(CoordinationV1Api);
    const body = { metadata: { name: 'l' }, spec: {} };
    expect((await apiFailure(leases.createNamespacedLease({ namespace: 'default', body }))).code).toBe(500);
    expect(
      server.store.get({
        apiVersion: 'coordination.k8s.io/v1',
        plural: 'leases',
        namespace: 'default',
        name: 'l',
      }),
    ).toBeUndefined();
    await leases.createNamespacedLease({ namespace: 'default', body });
  });
});

describe('faults.expire and endWatches', () => {
  it('answers the next watch with an ERROR 410 event: the informer relists and keeps following', async () => {
    const seen = serviceInformer();
    await informer?.start();
    await eventually(() => server.activeWatches === 1);
    server.faults.expire({ verb: 'watch', resource: 'services' }, { times: 1 });
    expect(server.faults.endWatches({ resource: 'services' })).toBe(1);
    await eventually(() => server.expiredWatches === 1 && server.activeWatches === 1 && seen.lists === 2);
    await create('b');
    await eventually(() => seen.names() === 'a,b');
    expect(seen.errors).toEqual([]);
  });

  it('answers a list with HTTP 410 Expired', async () => {
    server.faults.expire({ verb: 'list', resource: 'services' }, { times: 1 });
    const failure = await apiFailure(core.listNamespacedService({ namespace: 'default' }));
    expect(failure.code).toBe(410);
    expect(failure.status).toMatchObject({ kind: 'Status', reason: 'Expired' });
  });

  it('ends only the watches of the named resource', async () => {
    serviceInformer();
    await informer?.start();
    const leases = makeInformer(server.kubeConfig(), '/apis/coordination.k8s.io/v1/leases', () =>
      server.kubeConfig().makeApiClient(CoordinationV1Api).listLeaseForAllNamespaces(),
    );
    try {
      await leases.start();
      await eventually(() => server.activeWatches === 2);
      expect(server.faults.endWatches({ resource: 'leases', abrupt: true })).toBe(1);
      expect(server.activeWatches).toBe(1);
    } finally {
      await leases.stop();
    }
  });
});

describe('faults.delay', () => {
  it('serves a delayed request after one sent later without delay', async () => {
    server.faults.delay({ verb: 'get', name: 'a' }, 300, { times: 1 });
    const order: string[] = [];
    const slow = core
      .readNamespacedService({ namespace: 'default', name: 'a' })
      .then(() => order.push('delayed get'));
    await new Promise((resolve) => setTimeout(resolve, 20));
    await core.listNamespacedService({ namespace: 'default' }).then(() => order.push('list'));
    await slow;
    expect(order).toEqual(['list', 'delayed get']);
  });
});

describe('faults.refuseConnections', () => {
  it('refuses connections and drops watches until accepted again on the same port', async () => {
    const seen = serviceInformer();
    await informer?.start();
    await eventually(() => server.activeWatches === 1);
    await server.faults.refuseConnections();
    expect(server.faults.refusing).toBe(true);
    expect(server.activeWatches).toBe(0);
    await eventually(() => seen.errors.length === 1);
    await expect(core.listNamespacedService({ namespace: 'default' })).rejects.toThrow(/ECONNREFUSED/);

    await server.faults.acceptConnections();
    expect(server.faults.refusing).toBe(false);
    await create('b');
    await informer?.start();
    await eventually(() => seen.names() === 'a,b');
  });

  it('accepts again by itself after forMs', async () => {
    await server.faults.refuseConnections({ forMs: 100 });
    await expect(core.listNamespacedService({ namespace: 'default' })).rejects.toThrow(/ECONNREFUSED/);
    await eventually(() => !server.faults.refusing);
    expect((await core.listNamespacedService({ namespace: 'default' })).items).toHaveLength(1);
  });
});

describe(`the HTTP admin endpoint (${ADMIN_PREFIX})`, () => {
  it('adds, lists and clears rules, and refuses connections for a while', async () => {
    const rule = {
      match: { verb: 'list', resource: 'services' },
      action: { kind: 'status', code: 503 },
      times: 1,
    };
    const added = await raw(`${ADMIN_PREFIX}faults`, { method: 'POST', body: JSON.stringify(rule) });
    expect(added.status).toBe(201);
    const { id } = (await added.json()) as { id: string };
    const listed = (await (await raw(`${ADMIN_PREFIX}faults`)).json()) as unknown[];
    expect(listed).toEqual([{ id, rule, hits: 0, remaining: 1 }]);
    expect((await apiFailure(core.listNamespacedService({ namespace: 'default' }))).code).toBe(503);

    server.faults.respond({ verb: 'get' }, { code: 500 });
    expect((await raw(`${ADMIN_PREFIX}faults`, { method: 'DELETE' })).status).toBe(200);
    expect(server.faults.list()).toEqual([]);
    await core.readNamespacedService({ namespace: 'default', name: 'a' });

    const refused = await raw(`${ADMIN_PREFIX}connections/refuse`, { method: 'POST', body: '{"forMs":100}' });
    expect(refused.status).toBe(202);
    await eventually(() => server.faults.refusing);
    await eventually(() => !server.faults.refusing);
    await core.readNamespacedService({ namespace: 'default', name: 'a' });
  });

  it('answers 400 to a malformed rule and 401 without the token', async () => {
    const bad = await raw(`${ADMIN_PREFIX}faults`, {
      method: 'POST',
      body: '{"match":{},"action":{"kind":"explode"}}',
    });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ kind: 'Status', reason: 'BadRequest' });
    expect((await fetch(`${server.url}${ADMIN_PREFIX}faults`)).status).toBe(401);
  });
});
