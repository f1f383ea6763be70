import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../support/kube-apiserver/object.js';
import { StatusError } from '../../support/kube-apiserver/status.js';
import { Store, type StoreEvent } from '../../support/kube-apiserver/store.js';

const R = 'core/v1/things';

type Op = { kind: 'put'; name: string; value: number } | { kind: 'remove'; name: string } | { kind: 'other' };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('put' as const), name: fc.constantFrom('a', 'b', 'c'), value: fc.nat(9) }),
  fc.record({ kind: fc.constant('remove' as const), name: fc.constantFrom('a', 'b', 'c') }),
  fc.record({ kind: fc.constant('other' as const) }),
);

function thing(name: string, value: number): KubeObject {
  return { metadata: { name, namespace: 'ns', uid: `uid-${name}` }, spec: { value } };
}

function apply(store: Store, o: Op): void {
  if (o.kind === 'put') store.put(R, thing(o.name, o.value));
  else if (o.kind === 'remove') store.remove(R, `ns/${o.name}`);
  else store.put('other/v1/noise', thing('n', 0));
}

function replay(start: KubeObject[], events: StoreEvent[]): Map<string, KubeObject> {
  const state = new Map(start.map((o) => [o.metadata.name ?? '', o]));
  for (const e of events) {
    if (e.type === 'DELETED') state.delete(e.object.metadata.name ?? '');
    else state.set(e.object.metadata.name ?? '', e.object);
  }
  return state;
}

describe('Store history', () => {
  it('snapshot at any retained version plus the events since equals the current state', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 40 }), fc.integer({ min: 1, max: 50 }), (ops, limit) => {
        const store = new Store(limit);
        const versions: number[] = [store.resourceVersion];
        for (const o of ops) {
          apply(store, o);
          versions.push(store.resourceVersion);
        }
        const current = new Map(store.list(R).map((o) => [o.metadata.name ?? '', o]));
        for (const rv of versions) {
          if (rv < store.oldestResourceVersion) {
            expect(() => store.eventsSince(R, rv)).toThrow(StatusError);
            continue;
          }
          const events = store.eventsSince(R, rv);
          expect(events.map((e) => e.rv)).toEqual([...events.map((e) => e.rv)].sort((x, y) => x - y));
          expect(replay(store.snapshotAt(R, rv), events)).toEqual(current);
        }
      }),
    );
  });

  it('gives every change a new, increasing resourceVersion and compacts on demand', () => {
    const store = new Store(10);
    const a = store.put(R, thing('a', 1));
    const b = store.put(R, thing('a', 2));
    expect(Number(b.metadata.resourceVersion)).toBe(Number(a.metadata.resourceVersion) + 1);
    const gone = store.remove(R, 'ns/a');
    expect(Number(gone?.metadata.resourceVersion)).toBe(Number(b.metadata.resourceVersion) + 1);
    store.compact();
    expect(() => store.eventsSince(R, Number(a.metadata.resourceVersion))).toThrow(
      /too old resource version/,
    );
    expect(store.eventsSince(R, store.resourceVersion)).toEqual([]);
  });
});
