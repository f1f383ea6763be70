/**
 * The object store behind a reflector: objects keyed by `namespace/name` (`name` for
 * cluster-scoped ones), with optional indexers (client-go's `Indexer`): an indexer maps an
 * object to the index keys it is filed under, and `byIndex` answers from the index, not a scan.
 */
import type { KubernetesObject } from '@kubernetes/client-node';

/** Maps an object to the index keys it is filed under (none: not indexed). */
export type IndexFunc<T> = (obj: T) => readonly string[];

/** The store key of an object: `namespace/name`, `name` when cluster-scoped, null without a name. */
export function storeKeyOf(obj: KubernetesObject): string | null {
  const name = obj.metadata?.name;
  if (name === undefined) return null;
  const ns = obj.metadata?.namespace;
  return ns === undefined || ns === '' ? name : `${ns}/${name}`;
}

/** A keyed, indexed object store; not thread-safe (one reflector writes, readers read). */
export class ObjectStore<T extends KubernetesObject> {
  private readonly items = new Map<string, T>();
  /** index name -> index key -> store keys. */
  private readonly indices = new Map<string, Map<string, Set<string>>>();

  constructor(private readonly indexers: Readonly<Record<string, IndexFunc<T>>> = {}) {
    for (const name of Object.keys(indexers)) this.indices.set(name, new Map());
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  keys(): string[] {
    return [...this.items.keys()];
  }

  list(): T[] {
    return [...this.items.values()];
  }

  get size(): number {
    return this.items.size;
  }

  /** Objects filed under `indexKey` by indexer `indexName`; throws for an unknown indexer. */
  byIndex(indexName: string, indexKey: string): T[] {
    const index = this.indices.get(indexName);
    if (index === undefined) throw new Error(`store has no indexer "${indexName}"`);
    const keys = index.get(indexKey);
    if (keys === undefined) return [];
    return [...keys].flatMap((k) => this.items.get(k) ?? []);
  }

  /** Stores `obj` under `key`; returns what it replaced. */
  set(key: string, obj: T): T | undefined {
    const old = this.items.get(key);
    if (old !== undefined) this.unindex(key, old);
    this.items.set(key, obj);
    this.index(key, obj);
    return old;
  }

  /** Removes `key`; returns what was there. */
  delete(key: string): T | undefined {
    const old = this.items.get(key);
    if (old === undefined) return undefined;
    this.unindex(key, old);
    this.items.delete(key);
    return old;
  }

  private index(key: string, obj: T): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const index = this.indices.get(name);
      if (index === undefined) continue;
      for (const value of fn(obj)) {
        let keys = index.get(value);
        if (keys === undefined) index.set(value, (keys = new Set()));
        keys.add(key);
      }
    }
  }

  private unindex(key: string, obj: T): void {
    for (const [name, fn] of Object.entries(this.indexers)) {
      const index = this.indices.get(name);
      if (index === undefined) continue;
      for (const value of fn(obj)) {
        const keys = index.get(value);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(value);
      }
    }
  }
}
