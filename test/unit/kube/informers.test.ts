import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { KubeConfig } from '@kubernetes/client-node';
import { makeKubeClients } from '../../../src/kube/clients.js';
import { keyOf, makeKubeInformers, type KubeInformers } from '../../../src/kube/informers.js';
import type { KuryrLoadBalancer } from '../../../src/kube/klb.js';
import { anEndpointSlice } from '../../support/builders.js';
import { FakeClock } from '../../support/fake-clock.js';
import { eventually } from '../../support/kube-apiserver/recorder.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/index.js';
import { capturingLogger, capturingMetrics, kubeConfigFor, TcpGate, type LogLine } from './kube-harness.js';

const SERVICES_LIST = /^\/api\/v1\/services\?(?!.*watch=)/;
const SERVICES_WATCH = /^\/api\/v1\/services\?.*watch=true/;

let server: KubeApiServer;
let clock: FakeClock;
let logger: ReturnType<typeof capturingLogger>;
let metrics: ReturnType<typeof capturingMetrics>;
let keys: string[];
let informers: KubeInformers | undefined;
let gate: TcpGate | undefined;

beforeEach(async () => {
  server = await startKubeApiServer();
  clock = new FakeClock(1_000_000);
  logger = capturingLogger();
  metrics = capturingMetrics();
  keys = [];
});
afterEach(async () => {
  await informers?.stop();
  informers = undefined;
  await gate?.close();
  gate = undefined;
  await server.stop();
});

function start(options: { kubeConfig?: KubeConfig; pageSize?: number } = {}): KubeInformers {
  const clients = makeKubeClients(options.kubeConfig ?? server.kubeConfig(), { metrics });
  informers = makeKubeInformers({
    clients,
    onKey: (k) => keys.push(k),
    logger,
    clock,
    random: () => 0,
    ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
  });
  informers.start();
  return informers;
}

async function started(options: { kubeConfig?: KubeConfig; pageSize?: number } = {}): Promise<KubeInformers> {
  const inf = start(options);
  await inf.waitForSync(AbortSignal.timeout(5000));
  await eventually(() => server.activeWatches === 3);
  return inf;
}

const failures = (resource: string, stage = 'list'): LogLine[] =>
  logger.lines.filter(
    (l) => l.fields.resource === resource && l.fields.stage === stage && l.msg.includes('failed'),
  );

const RESOURCES = ['services', 'endpointslices', 'kuryrloadbalancers'];

/** Waits until every reflector logged `n` failures of `stage` (each retry delay starts at its own failure). */
async function allFailed(stage: 'list' | 'watch', n: number): Promise<void> {
  for (const r of RESOURCES) await eventually(() => failures(r, stage).length === n);
}

const services = { plural: 'services', namespace: 'default' };
const slices = { apiVersion: 'discovery.k8s.io/v1', plural: 'endpointslices', namespace: 'default' };
const klbs = { apiVersion: 'openstack.org/v1', plural: 'kuryrloadbalancers', namespace: 'default' };

function createService(name: string, namespace = 'default'): void {
  server.store.create(
    { plural: 'services', namespace },
    { metadata: { name }, spec: { ports: [{ port: 80 }] } },
  );
}

function tracked(p: Promise<void>): { done: () => boolean } {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  return { done: () => settled };
}

describe('the cache-sync gate', () => {
  it('a first list answered 403 leaves the cache unsynced, retries 1 s, 2 s, 4 s, and syncs once the fault clears', async () => {
    createService('web');
    const message =
      'services is forbidden: User "system:serviceaccount:kube-system:kuryr" cannot list services';
    server.failNext({ method: 'GET', pathRegex: SERVICES_LIST, status: 403, message, times: 3 });
    const inf = start();
    const sync = tracked(inf.waitForSync(new AbortController().signal));

    await eventually(() => failures('services').length === 1);
    await eventually(() => inf.unsynced()?.startsWith('services: not listed yet') === true);
    expect(inf.unsynced()).toContain('HTTP 403 Forbidden');
    expect(inf.getService('default', 'web')).toBeUndefined();
    expect(inf.serviceKeys()).toEqual([]);
    expect(keys).toEqual([]);

    await clock.advance(999);
    expect(metrics.count('service.list')).toBe(1);
    await clock.advance(1);
    await eventually(() => failures('services').length === 2);
    await clock.advance(2000);
    await eventually(() => failures('services').length === 3);
    expect(sync.done()).toBe(false);
    await clock.advance(4000);
    await eventually(() => sync.done());

    expect(failures('services').map((l) => l.fields.nextDelayMs)).toEqual([1000, 2000, 4000]);
    expect(failures('services').map((l) => [l.level, l.fields.status, l.fields.reason])).toEqual([
      ['warn', '403', 'Forbidden'],
      ['warn', '403', 'Forbidden'],
      ['warn', '403', 'Forbidden'],
    ]);
    expect(logger.lines.some((l) => 'err' in l.fields)).toBe(false);
    expect(inf.unsynced()).toBeNull();
    expect(inf.getService('default', 'web')?.metadata?.name).toBe('web');
    expect(keys).toContain('default/web');
    expect(metrics.count('service.list', '403')).toBe(3);
    expect(metrics.count('service.list', '200')).toBe(1);
  });

  it('repeats of one failure drop to debug after three warn lines; a new reason is warned again', async () => {
    server.failNext({ method: 'GET', pathRegex: SERVICES_LIST, status: 403, times: 5 });
    server.failNext({ method: 'GET', pathRegex: SERVICES_LIST, status: 503 });
    const inf = start();
    for (let n = 1; n <= 6; n++) {
      await eventually(() => failures('services').length === n);
      await clock.advance(30_000);
    }
    await inf.waitForSync(AbortSignal.timeout(5000));
    expect(failures('services').map((l) => `${l.level} ${String(l.fields.status)}`)).toEqual([
      'warn 403',
      'warn 403',
      'warn 403',
      'debug 403',
      'debug 403',
      'warn 503',
    ]);
    expect(failures('services').map((l) => l.fields.nextDelayMs)).toEqual([
      1000, 2000, 4000, 8000, 16000, 30000,
    ]);
    expect(
      logger.lines.filter((l) => l.level === 'info' && l.msg === 'services list recovered'),
    ).toHaveLength(1);
  });

  it('refused connections: every cache unsynced, retried with growing delay, synced once the server is reachable', async () => {
    createService('web');
    gate = await TcpGate.start(Number(new URL(server.url).port));
    await gate.close();
    const inf = start({ kubeConfig: kubeConfigFor(gate.url, server.token) });
    const sync = tracked(inf.waitForSync(new AbortController().signal));
    await allFailed('list', 1);
    expect(failures('services')[0]?.fields.status).toBe('error');
    expect(failures('services')[0]?.fields.error).toContain('ECONNREFUSED');
    const reason = inf.unsynced() ?? '';
    expect(reason).toContain('services: not listed yet');
    expect(reason).toContain('endpointslices: not listed yet');
    expect(reason).toContain('kuryrloadbalancers: not listed yet');
    await clock.advance(1000);
    await allFailed('list', 2);
    expect(failures('services').map((l) => l.fields.nextDelayMs)).toEqual([1000, 2000]);
    expect(sync.done()).toBe(false);

    await gate.open();
    await clock.advance(2000);
    await eventually(() => sync.done());
    expect(inf.unsynced()).toBeNull();
    expect(inf.getService('default', 'web')).toBeDefined();
  });

  it('a watch cut after the sync makes the caches stale until the watch is back', async () => {
    gate = await TcpGate.start(Number(new URL(server.url).port));
    const inf = await started({ kubeConfig: kubeConfigFor(gate.url, server.token) });
    expect(inf.unsynced()).toBeNull();
    await gate.close();
    await allFailed('watch', 1);
    expect(inf.unsynced()).toMatch(/services: stale for 0 s \(watch failed: service\.watch failed/);
    await clock.advance(500);
    expect(inf.unsynced()).toContain('services: stale for 1 s');
    await gate.open();
    createService('during-outage');
    await clock.advance(500);
    await eventually(() => inf.unsynced() === null);
    await eventually(() => inf.getService('default', 'during-outage') !== undefined);
    expect(metrics.count('service.list')).toBe(1);
  });

  it('waitForSync rejects when its signal aborts, and stop ends a pending retry delay', async () => {
    server.failNext({ method: 'GET', pathRegex: SERVICES_LIST, status: 503, times: 100 });
    const inf = start();
    const abort = new AbortController();
    const waiting = inf.waitForSync(abort.signal);
    await eventually(() => failures('services').length === 1);
    abort.abort(new Error('shutting down'));
    await expect(waiting).rejects.toThrow('shutting down');
    await inf.stop();
    expect(clock.pendingTimers()).toBe(0);
    // The server sees a watch end when its connection closes, a moment after stop() resolves.
    await eventually(() => server.activeWatches === 0);
  });
});

describe('watches', () => {
  it('410 Gone on a resumed watch relists: deleted objects leave the cache and their delete is reported', async () => {
    createService('keep');
    createService('gone');
    const inf = await started();
    createService('seen');
    await eventually(() => keys.includes('default/seen'));
    server.closeWatches({ abrupt: true });
    await allFailed('watch', 1);
    server.store.delete({ ...services, name: 'gone' });
    createService('new');
    server.compactHistory();
    keys.length = 0;
    await clock.advance(1000);
    await eventually(() => inf.getService('default', 'new') !== undefined);
    expect(inf.getService('default', 'gone')).toBeUndefined();
    expect(inf.serviceKeys().sort()).toEqual(['default/keep', 'default/new', 'default/seen']);
    expect(keys).toContain('default/gone');
    expect(keys).toContain('default/new');
    expect(server.expiredWatches).toBeGreaterThanOrEqual(1);
    expect(metrics.count('service.list', '200')).toBe(2);
    await eventually(() => inf.unsynced() === null);
  });

  it('HTTP 410 answering a watch request relists at once', async () => {
    const inf = await started();
    createService('a');
    await eventually(() => keys.includes('default/a'));
    server.failNext({ method: 'GET', pathRegex: SERVICES_WATCH, status: 410 });
    server.closeWatches();
    await eventually(() => metrics.count('service.list', '200') === 2);
    createService('b');
    await eventually(() => inf.getService('default', 'b') !== undefined);
    expect(failures('services', 'watch')).toEqual([]);
  });

  it('a watch the server ends is resumed from the last resourceVersion, without a relist', async () => {
    const inf = await started();
    createService('a');
    await eventually(() => keys.includes('default/a'));
    server.closeWatches();
    createService('b');
    await eventually(() => inf.getService('default', 'b') !== undefined);
    expect(metrics.count('service.list')).toBe(1);
    expect(metrics.count('service.watch', '200')).toBeGreaterThanOrEqual(1);
    expect(failures('services', 'watch')).toEqual([]);
    // The slice and KLB watches saw nothing before they were closed: a closed-at-once watch waits (no hot loop).
    for (const r of ['endpointslices', 'kuryrloadbalancers']) {
      await eventually(() => failures(r, 'watch').length === 1);
      expect(failures(r, 'watch')[0]?.fields.error).toContain('closed at once without any event');
    }
    expect(server.activeWatches).toBe(1);
    await clock.advance(1000);
    await eventually(() => server.activeWatches === 3);
    expect(metrics.count('endpointslice.list')).toBe(1);
  });

  it('a bookmark moves the resume point: after compaction every watch resumes without a relist', async () => {
    const inf = await started();
    // Moves the global resourceVersion past every list's without an event on our three watches.
    server.store.create({ plural: 'endpoints', namespace: 'default' }, { metadata: { name: 'unwatched' } });
    server.bookmark();
    server.compactHistory();
    server.closeWatches();
    createService('after');
    await eventually(() => inf.getService('default', 'after') !== undefined);
    await eventually(() => server.activeWatches === 3);
    expect(server.expiredWatches).toBe(0);
    for (const op of ['service', 'endpointslice', 'klb']) expect(metrics.count(`${op}.list`)).toBe(1);
    expect(logger.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });
});

describe('paged lists', () => {
  it('lists in pages of `pageSize` and restarts from scratch when a continue token has expired', async () => {
    for (const name of ['a', 'b', 'c', 'd', 'e']) createService(name);
    const inf = await started({ pageSize: 2 });
    expect(inf.serviceKeys().sort()).toEqual(['a', 'b', 'c', 'd', 'e'].map((n) => `default/${n}`));
    expect(metrics.count('service.list', '200')).toBe(3);
    await inf.stop();

    metrics.samples.length = 0;
    server.failNext({ method: 'GET', pathRegex: /^\/api\/v1\/services\?continue=/, status: 410 });
    const again = await started({ pageSize: 2 });
    expect(again.serviceKeys().sort()).toEqual(['a', 'b', 'c', 'd', 'e'].map((n) => `default/${n}`));
    expect(metrics.samples.filter((s) => s.operation === 'service.list').map((s) => s.code)).toEqual([
      '200',
      '410',
      '200',
      '200',
      '200',
    ]);
    expect(failures('services')).toEqual([]);
  });
});

describe('EndpointSlice index', () => {
  it('slicesFor follows a slice whose service-name label changes, and both Services are notified', async () => {
    server.store.create({ plural: 'namespaces' }, { metadata: { name: 'team' } });
    server.store.create(slices, anEndpointSlice({ service: 'web', name: 'web-1' }));
    server.store.create(slices, anEndpointSlice({ service: 'web', name: 'web-2' }));
    server.store.create(
      { ...slices, namespace: 'team' },
      anEndpointSlice({ service: 'web', name: 'web-3', namespace: 'team' }),
    );
    const inf = await started();
    const names = (ns: string, svc: string) =>
      inf
        .slicesFor(ns, svc)
        .map((s) => s.metadata?.name)
        .sort();
    expect(names('default', 'web')).toEqual(['web-1', 'web-2']);
    expect(names('team', 'web')).toEqual(['web-3']);
    expect(names('default', 'none')).toEqual([]);

    keys.length = 0;
    server.store.patch(
      { ...slices, name: 'web-2' },
      { metadata: { labels: { 'kubernetes.io/service-name': 'api' } } },
    );
    await eventually(() => names('default', 'api').length === 1);
    expect(names('default', 'web')).toEqual(['web-1']);
    expect([...new Set(keys)].sort()).toEqual(['default/api', 'default/web']);

    keys.length = 0;
    server.store.delete({ ...slices, name: 'web-2' });
    await eventually(() => names('default', 'api').length === 0);
    expect(keys).toEqual(['default/api']);
  });
});

describe('Service cache', () => {
  it('notifies on add, spec, annotation, finalizer and delete changes, not on a status-only write', async () => {
    const inf = await started();
    createService('web');
    await eventually(() => keys.includes('default/web'));
    const ref = { ...services, name: 'web' };

    keys.length = 0;
    server.store.patch(ref, { status: { loadBalancer: { ingress: [{ ip: '172.24.4.10' }] } } }, 'status');
    await eventually(() => inf.getService('default', 'web')?.status?.loadBalancer?.ingress?.length === 1);
    createService('marker');
    await eventually(() => keys.includes('default/marker'));
    expect(keys).toEqual(['default/marker']);

    const changes: [string, object][] = [
      ['spec', { spec: { ports: [{ port: 81 }] } }],
      ['annotation', { metadata: { annotations: { 'example.com/a': 'b' } } }],
      ['finalizer', { metadata: { finalizers: ['example.com/f'] } }],
    ];
    for (const [what, patch] of changes) {
      keys.length = 0;
      server.store.patch(ref, patch);
      await eventually(() => keys.length > 0);
      expect(keys, what).toEqual(['default/web']);
    }

    keys.length = 0;
    server.store.patch(ref, { metadata: { finalizers: [] } });
    server.store.delete(ref);
    await eventually(() => inf.getService('default', 'web') === undefined);
    expect(new Set(keys)).toEqual(new Set(['default/web']));
  });
});

const klb = (name: string) => ({
  apiVersion: 'openstack.org/v1',
  kind: 'KuryrLoadBalancer',
  metadata: { name },
  spec: { ip: '10.2.0.10', subnet_id: 's', type: 'ClusterIP', provider: 'amphora', ports: [] },
});

describe('KuryrLoadBalancer cache', () => {
  it('notifies on add, spec change and delete, never on a status write', async () => {
    const inf = await started();
    server.store.create(klbs, klb('web'));
    await eventually(() => keys.includes('default/web'));
    expect(inf.getKlb('default', 'web')?.metadata.generation).toBe(1);

    keys.length = 0;
    server.store.patch(
      { ...klbs, name: 'web' },
      { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      'status',
    );
    await eventually(() => inf.getKlb('default', 'web')?.status?.conditions?.length === 1);
    expect(keys).toEqual([]);

    server.store.patch({ ...klbs, name: 'web' }, { spec: { endpointSlices: [{ name: 'x' }] } });
    await eventually(() => keys.length > 0);
    expect(keys).toEqual(['default/web']);
    expect(inf.getKlb('default', 'web')?.metadata.generation).toBe(2);

    keys.length = 0;
    server.store.delete({ ...klbs, name: 'web' });
    await eventually(() => inf.getKlb('default', 'web') === undefined);
    expect(keys).toEqual(['default/web']);
  });

  it('noteKlb serves our own write at once; its watch event then triggers nothing', async () => {
    const inf = await started();
    server.store.create(klbs, klb('web'));
    await eventually(() => inf.getKlb('default', 'web') !== undefined);
    keys.length = 0;
    const written = server.store.patch({ ...klbs, name: 'web' }, { status: { conditions: [] } }, 'status');
    inf.noteKlb(written as unknown as KuryrLoadBalancer);
    expect(inf.getKlb('default', 'web')?.metadata.resourceVersion).toBe(written.metadata.resourceVersion);
    createService('marker');
    await eventually(() => keys.includes('default/marker'));
    await eventually(
      () => metrics.count('klb.list') === 1 && inf.getKlb('default', 'web')?.status !== undefined,
    );
    expect(keys).toEqual(['default/marker']);
  });
});

describe('keyOf', () => {
  it('is namespace/name, or null without either', () => {
    expect(keyOf({ metadata: { namespace: 'a', name: 'b' } })).toBe('a/b');
    expect(keyOf({ metadata: { name: 'b' } })).toBeNull();
    expect(keyOf({})).toBeNull();
  });
});
