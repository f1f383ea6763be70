/**
 * Low-level storage: objects per resource, one global resourceVersion counter (like an
 * etcd revision), a bounded history of change events for watches and exact-version lists,
 * and change subscribers. No API semantics here: see registry.ts.
 */
import { clone, objectKey, type KubeObject } from './object.js';
import { expired } from './status.js';

/** A change as watches see it; `prev` is the state before (absent for ADDED). */
export interface StoreEvent {
  readonly rv: number;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly resource: string;
  readonly object: KubeObject;
  readonly prev: KubeObject | undefined;
}

/** Receives every change after it is applied. */
export type StoreListener = (event: StoreEvent) => void;

/** Objects, resourceVersions and history of one simulated server. */
export class Store {
  private revision: number;
  /** Every event with rv > floor is still in `history`. */
  private floor: number;
  private readonly tables = new Map<string, Map<string, KubeObject>>();
  private readonly uids = new Map<string, { resource: string; key: string }>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<StoreListener>();

  constructor(
    private readonly historyLimit: number,
    initialRevision = 1,
  ) {
    this.revision = initialRevision;
    this.floor = initialRevision;
  }

  /** The current global resourceVersion. */
  get resourceVersion(): number {
    return this.revision;
  }

  /** The oldest resourceVersion a watch or exact list can still start from. */
  get oldestResourceVersion(): number {
    return this.floor;
  }

  /** A copy of one object, or undefined. */
  get(resource: string, key: string): KubeObject | undefined {
    const found = this.table(resource).get(key);
    return found === undefined ? undefined : clone(found);
  }

  /** Copies of all objects of `resource`, sorted by namespace/name like etcd keys. */
  list(resource: string): KubeObject[] {
    return [...this.table(resource).entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, obj]) => clone(obj));
  }

  /** Where the object with `uid` lives, if it still exists. */
  locate(uid: string): { resource: string; key: string } | undefined {
    return this.uids.get(uid);
  }

  /** Stores `obj` with a fresh resourceVersion (ADDED or MODIFIED); returns the stored copy. */
  put(resource: string, obj: KubeObject): KubeObject {
    const key = objectKey(obj);
    const prev = this.table(resource).get(key);
    const stored = clone(obj);
    stored.metadata.resourceVersion = String(++this.revision);
    this.table(resource).set(key, stored);
    if (stored.metadata.uid !== undefined) this.uids.set(stored.metadata.uid, { resource, key });
    this.record({
      rv: this.revision,
      type: prev === undefined ? 'ADDED' : 'MODIFIED',
      resource,
      object: stored,
      prev,
    });
    return clone(stored);
  }

  /** Removes an object (DELETED event carrying the deletion's resourceVersion); returns it. */
  remove(resource: string, key: string): KubeObject | undefined {
    const prev = this.table(resource).get(key);
    if (prev === undefined) return undefined;
    const gone = clone(prev);
    gone.metadata.resourceVersion = String(++this.revision);
    this.table(resource).delete(key);
    if (prev.metadata.uid !== undefined) this.uids.delete(prev.metadata.uid);
    this.record({ rv: this.revision, type: 'DELETED', resource, object: gone, prev });
    return clone(gone);
  }

  /** Events of `resource` after `rv`, oldest first; 410 Expired when compacted past `rv`. */
  eventsSince(resource: string, rv: number): StoreEvent[] {
    if (rv < this.floor) {
      throw expired(`too old resource version: ${rv} (${this.floor})`);
    }
    return this.history.filter((e) => e.rv > rv && e.resource === resource);
  }

  /** The objects of `resource` as they were at `rv` (rolled back from now); throws 410 if compacted. */
  snapshotAt(resource: string, rv: number): KubeObject[] {
    if (rv < this.floor) throw expired('The resourceVersion for the provided list is too old.');
    const state = new Map(this.list(resource).map((o) => [objectKey(o), o]));
    const newer = this.history.filter((e) => e.rv > rv && e.resource === resource).reverse();
    for (const event of newer) {
      const key = objectKey(event.object);
      if (event.prev === undefined) state.delete(key);
      else state.set(key, clone(event.prev));
    }
    return [...state.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o);
  }

  /** Forgets all history: any resourceVersion older than the current one answers 410. */
  compact(): void {
    this.history.length = 0;
    this.floor = this.revision;
  }

  /** Registers `listener` for every later change; returns the unsubscribe function. */
  subscribe(listener: StoreListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private record(event: StoreEvent): void {
    this.history.push(event);
    while (this.history.length > this.historyLimit) {
      const dropped = this.history.shift();
      if (dropped !== undefined) this.floor = dropped.rv;
    }
    for (const listener of [...this.listeners]) listener(event);
  }

  private table(resource: string): Map<string, KubeObject> {
    let table = this.tables.get(resource);
    if (table === undefined) {
      table = new Map();
      this.tables.set(resource, table);
    }
    return table;
  }
}
