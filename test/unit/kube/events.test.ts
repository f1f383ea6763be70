import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { V1Service } from '@kubernetes/client-node';
import { makeKubeClients, type KubeClients } from '../../../src/kube/clients.js';
import { makeEventRecorder, type EventRecorder } from '../../../src/kube/events.js';
import type { Logger } from '../../../src/kube/logger.js';
import { FakeClock } from '../../support/fake-clock.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/index.js';

let server: KubeApiServer;
let clients: KubeClients;
let clock: FakeClock;
let recorder: EventRecorder;
let warnings: string[];
let svc: V1Service;

beforeEach(async () => {
  clock = new FakeClock(Date.parse('2026-01-01T00:00:00Z'));
  server = await startKubeApiServer({ clock });
  clients = makeKubeClients(server.kubeConfig());
  warnings = [];
  const drop = (): void => undefined;
  const logger: Logger = { debug: drop, info: drop, error: drop, warn: (_f, msg) => warnings.push(msg) };
  recorder = makeEventRecorder({
    clients,
    logger,
    now: () => clock.now(),
    repeatIntervalMs: 60_000,
    capacity: 3,
  });
  svc = await clients.core.createNamespacedService({
    namespace: 'default',
    body: { metadata: { name: 'web' }, spec: { ports: [{ port: 80 }] } },
  });
});
afterEach(async () => {
  await server.stop();
});

function events() {
  return server.store.list({ plural: 'events', namespace: 'default' }).map((e) => ({
    reason: e.reason,
    message: e.message,
    type: e.type,
    count: e.count,
    involved: (e.involvedObject as { kind?: string; name?: string; uid?: string }).name,
    uid: (e.involvedObject as { uid?: string }).uid,
    lastTimestamp: e.lastTimestamp,
  }));
}

describe('event recorder', () => {
  it('creates one Event naming the Service on first occurrence', async () => {
    await recorder.record(svc, 'Normal', 'KuryrEnsureLB', 'Creating load balancer');
    expect(events()).toEqual([
      expect.objectContaining({
        reason: 'KuryrEnsureLB',
        type: 'Normal',
        count: 1,
        involved: 'web',
        uid: svc.metadata?.uid,
      }),
    ]);
  });

  it('repeats within the repeat interval are only counted; the next one after it bumps count and lastTimestamp', async () => {
    await recorder.record(svc, 'Warning', 'KuryrInvalidService', 'bad annotation');
    await clock.advance(10_000);
    await recorder.record(svc, 'Warning', 'KuryrInvalidService', 'bad annotation');
    await recorder.record(svc, 'Warning', 'KuryrInvalidService', 'bad annotation');
    expect(events().map((e) => e.count)).toEqual([1]);

    await clock.advance(60_000);
    await recorder.record(svc, 'Warning', 'KuryrInvalidService', 'bad annotation');
    const [event, ...more] = events();
    expect(more).toEqual([]);
    expect(event?.count).toBe(4);
    expect(event?.lastTimestamp).toBe('2026-01-01T00:01:10.000Z');
  });

  it('a different type, reason or message is a different Event', async () => {
    await recorder.record(svc, 'Normal', 'A', 'one');
    await recorder.record(svc, 'Normal', 'A', 'two');
    await recorder.record(svc, 'Warning', 'A', 'one');
    await recorder.record(svc, 'Normal', 'B', 'one');
    expect(events()).toHaveLength(4);
  });

  it('there is no window: a repeat hours later (every resync) still only bumps the one Event', async () => {
    await recorder.record(svc, 'Normal', 'KuryrEnsuredLB', 'ACTIVE');
    for (let hour = 1; hour <= 3; hour++) {
      await clock.advance(3_600_000);
      await recorder.record(svc, 'Normal', 'KuryrEnsuredLB', 'ACTIVE');
    }
    expect(events().map((e) => e.count)).toEqual([4]);
  });

  it('memory is a bounded LRU: the least recently seen event is forgotten first and then created again', async () => {
    await recorder.record(svc, 'Normal', 'A', 'x');
    await recorder.record(svc, 'Normal', 'B', 'x');
    await recorder.record(svc, 'Normal', 'C', 'x');
    await recorder.record(svc, 'Normal', 'A', 'x'); // A is now the most recent
    await recorder.record(svc, 'Normal', 'D', 'x'); // evicts B
    expect(events()).toHaveLength(4);
    await recorder.record(svc, 'Normal', 'A', 'x');
    expect(events()).toHaveLength(4);
    await recorder.record(svc, 'Normal', 'B', 'x');
    expect(events().filter((e) => e.reason === 'B')).toHaveLength(2);
  });

  it('an Event the server expired meanwhile is created again on the next bump', async () => {
    await recorder.record(svc, 'Warning', 'KuryrEnsureLBError', 'quota');
    const [stored] = server.store.list({ plural: 'events', namespace: 'default' });
    server.store.delete({ plural: 'events', namespace: 'default', name: stored?.metadata.name ?? '' });
    await clock.advance(60_000);
    await recorder.record(svc, 'Warning', 'KuryrEnsureLBError', 'quota');
    expect(events().map((e) => e.count)).toEqual([1]);
    expect(warnings).toEqual([]);
  });

  it('two concurrent first occurrences create one Event', async () => {
    await Promise.all([
      recorder.record(svc, 'Normal', 'KuryrEnsureLB', 'y'),
      recorder.record(svc, 'Normal', 'KuryrEnsureLB', 'y'),
    ]);
    expect(events().map((e) => e.count)).toEqual([1]);
  });

  it('never throws: a failed write is logged and a later occurrence is created again', async () => {
    server.failNext({ method: 'POST', pathRegex: /\/events$/, status: 500 });
    await expect(recorder.record(svc, 'Normal', 'KuryrEnsureLB', 'x')).resolves.toBeUndefined();
    expect(warnings).toEqual(['could not record event']);
    expect(events()).toEqual([]);
    await recorder.record(svc, 'Normal', 'KuryrEnsureLB', 'x');
    expect(events().map((e) => e.count)).toEqual([1]);
  });
});
