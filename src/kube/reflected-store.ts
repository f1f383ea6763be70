/**
 * The store side of a reflector: applies full lists and watch events to an ObjectStore and
 * calls back for each difference (update passes old and new). It also holds our own writes
 * (`note`): an answer to our write is stored at once, and older events or lists do not
 * replace it until the server's own event for it (or a newer one) arrives. Every object is
 * compacted before it is stored: its metadata.managedFields dropped, as client-go's
 * TransformStripManagedFields does (nothing here reads them; every write is a patch, so none
 * sends the cached object back), and one copy kept of each repeated string
 * (src/kube/string-pool.ts).
 */
import type { KubernetesObject } from '@kubernetes/client-node';
import type { Logger } from './logger.js';
import { ObjectStore, storeKeyOf, type IndexFunc } from './store.js';
import { StringPool } from './string-pool.js';

/** Change callbacks; a throwing callback is logged and does not stop the reflector. */
export interface ReflectorHandlers<T> {
  readonly add?: (obj: T) => void;
  readonly update?: (old: T, obj: T) => void;
  readonly delete?: (obj: T) => void;
}

/** resourceVersions are opaque; compared only when both are decimal (as every real server's are). */
function isOlder(rv: string | undefined, than: string | undefined): boolean {
  if (rv === undefined || than === undefined || !/^\d+$/.test(rv) || !/^\d+$/.test(than)) return false;
  return BigInt(rv) < BigInt(than);
}

const rvOf = (obj: KubernetesObject): string | undefined => obj.metadata?.resourceVersion;

/** An ObjectStore fed by lists and watch events, with change callbacks. */
export class ReflectedStore<T extends KubernetesObject> {
  readonly objects: ObjectStore<T>;
  /** Our own writes not yet seen from the server: key -> resourceVersion. */
  private readonly noted = new Map<string, string>();
  private readonly strings = new StringPool();

  constructor(
    private readonly options: {
      readonly resource: string;
      readonly logger: Logger;
      readonly handlers?: ReflectorHandlers<T> | undefined;
      readonly indexers?: Readonly<Record<string, IndexFunc<T>>> | undefined;
    },
  ) {
    this.objects = new ObjectStore<T>(options.indexers);
  }

  /** Stores our own write's answer without callbacks, unless a newer resourceVersion is stored. */
  note(obj: T): void {
    const key = storeKeyOf(obj);
    const rv = rvOf(obj);
    if (key === null || rv === undefined) return;
    const stored = this.objects.get(key);
    if (stored !== undefined && isOlder(rv, rvOf(stored))) return;
    this.objects.set(key, this.compacted(obj));
    this.noted.set(key, rv);
  }

  /** Applies one ADDED / MODIFIED / DELETED event. */
  applyEvent(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: T): void {
    const key = storeKeyOf(obj);
    if (key === null || this.keepsNoted(key, rvOf(obj))) return;
    if (type === 'DELETED') {
      const old = this.objects.delete(key);
      if (old !== undefined) this.emit('delete', () => this.options.handlers?.delete?.(obj));
      return;
    }
    this.put(key, obj, true);
  }

  /** Replaces everything with a full list taken at `listRv`, calling back for every difference. */
  replace(items: readonly T[], listRv: string): void {
    const list = this.beginList();
    list.page(items);
    list.finish(listRv);
  }

  /**
   * A full list applied page by page, as it arrives: each page's objects are stored at once
   * (an older copy is let go then, not after the whole list), and what the list did not hold
   * is deleted only by `finish`, once the list is complete. A list that fails or restarts
   * part-way deletes nothing. Callbacks as for `replace`.
   */
  beginList(): { page(items: readonly T[]): void; restart(): void; finish(listRv: string): void } {
    let seen = new Set<string>();
    return {
      page: (items) => {
        for (const obj of items) {
          const key = storeKeyOf(obj);
          if (key === null) continue;
          seen.add(key);
          if (!this.keepsNoted(key, rvOf(obj))) this.put(key, obj, false);
        }
      },
      restart: () => {
        seen = new Set();
      },
      finish: (listRv) => {
        for (const key of this.objects.keys()) {
          // A noted write newer than the list's snapshot is not missing, just newer.
          if (seen.has(key) || this.keepsNoted(key, listRv)) continue;
          const old = this.objects.delete(key);
          if (old !== undefined) this.emit('delete', () => this.options.handlers?.delete?.(old));
        }
      },
    };
  }

  /** True (keep our write) when `rv` is older than a noted write of `key`; else forgets the note. */
  private keepsNoted(key: string, rv: string | undefined): boolean {
    if (isOlder(rv, this.noted.get(key))) return true;
    this.noted.delete(key);
    return false;
  }

  /** Stores `obj`; calls add, or update (on a list only when the resourceVersion moved). */
  private put(key: string, obj: T, fromWatch: boolean): void {
    const old = this.objects.set(key, this.compacted(obj));
    if (old === undefined) this.emit('add', () => this.options.handlers?.add?.(obj));
    else if (fromWatch || rvOf(old) !== rvOf(obj)) {
      this.emit('update', () => this.options.handlers?.update?.(old, obj));
    }
  }

  /** `obj` without managedFields, its repeated strings shared; a value that cannot be rewritten is left as it is. */
  private compacted(obj: T): T {
    try {
      if (obj.metadata?.managedFields !== undefined) delete obj.metadata.managedFields;
      return this.strings.compact(obj);
    } catch {
      return obj;
    }
  }

  private emit(what: string, call: () => void): void {
    try {
      call();
    } catch (err) {
      this.options.logger.error({ resource: this.options.resource, err }, `${what} callback failed`);
    }
  }
}
