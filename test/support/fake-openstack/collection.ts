/**
 * The fake's table: rows by id, secondary indexes (id sets by key: tag, name, project,
 * parent…), and the sorted selection every list call starts from. A list narrows to the
 * smallest index set among its equality filters before it filters and sorts, so a filtered
 * list of a 10 000-row table costs O(matches), not O(rows); the sorted order of large
 * candidate sets is cached per key until the table changes.
 */

/** One secondary index: the keys a row is found under. */
export interface IndexSpec<T> {
  readonly name: string;
  readonly keys: (row: T) => readonly string[];
}

/** What a list wants: ANDed index lookups, an optional union (tags-any), a final predicate. */
export interface Selection<T> {
  /** Each term's ids must contain the row (`[index name, key]`). */
  readonly all?: readonly (readonly [string, string])[];
  /** The row must be in at least one of these (`[index name, keys]`). */
  readonly any?: readonly [string, readonly string[]];
  /** Every remaining filter. */
  readonly where?: (row: T) => boolean;
}

const CACHE_FROM = 512;
const CACHE_SIZE = 32;

/** Rows by id with secondary indexes; `compare` is the API's default sort order. */
export class Collection<T extends { readonly id: string }> {
  readonly #rows = new Map<string, T>();
  readonly #indexes = new Map<string, { spec: IndexSpec<T>; ids: Map<string, Set<string>> }>();
  readonly #compare: (a: T, b: T) => number;
  readonly #sortedCache = new Map<string, { version: number; rows: T[] }>();
  #version = 0;

  constructor(opts: { readonly indexes: readonly IndexSpec<T>[]; readonly compare: (a: T, b: T) => number }) {
    for (const spec of opts.indexes) this.#indexes.set(spec.name, { spec, ids: new Map() });
    this.#compare = opts.compare;
  }

  get size(): number {
    return this.#rows.size;
  }

  /** The row with `id`, or undefined. */
  get(id: string): T | undefined {
    return this.#rows.get(id);
  }

  /** Adds a new row. Throws when the id exists (a bug in the fake). */
  insert(row: T): T {
    if (this.#rows.has(row.id)) throw new Error(`fake OpenStack: duplicate id ${row.id}`);
    this.#rows.set(row.id, row);
    this.#index(row, 1);
    this.#version++;
    return row;
  }

  /** Changes a row in place and re-indexes it. Throws when absent. */
  update(id: string, mutate: (row: T) => void): T {
    const row = this.#rows.get(id);
    if (row === undefined) throw new Error(`fake OpenStack: no row ${id}`);
    const before = this.#signature(row);
    this.#index(row, -1);
    mutate(row);
    this.#index(row, 1);
    // Sort keys never change; only a change of index membership invalidates cached orders.
    if (this.#signature(row) !== before) this.#version++;
    return row;
  }

  /** Removes a row; returns it, or undefined when absent. */
  remove(id: string): T | undefined {
    const row = this.#rows.get(id);
    if (row === undefined) return undefined;
    this.#index(row, -1);
    this.#rows.delete(id);
    this.#version++;
    return row;
  }

  /** Ids under `key` in index `name` (live view; do not mutate). */
  ids(name: string, key: string): ReadonlySet<string> {
    return this.#indexOf(name).ids.get(key) ?? new Set();
  }

  /** The first row under `key` in index `name`, or undefined. */
  first(name: string, key: string): T | undefined {
    for (const id of this.ids(name, key)) return this.#rows.get(id);
    return undefined;
  }

  /** The rows under `key` in index `name`, sorted. */
  under(name: string, key: string): T[] {
    return this.select({ all: [[name, key]] });
  }

  /** The rows `selection` matches, in the API's default order. */
  select(selection: Selection<T>): T[] {
    const { key, ids } = this.#candidates(selection);
    const sorted = this.#sorted(key, ids);
    const where = selection.where;
    const terms = selection.all ?? [];
    const anyOf = selection.any;
    return sorted.filter(
      (row) =>
        terms.every(([name, k]) => this.ids(name, k).has(row.id)) &&
        (anyOf === undefined || anyOf[1].some((k) => this.ids(anyOf[0], k).has(row.id))) &&
        (where === undefined || where(row)),
    );
  }

  /** The API's order of two rows. */
  compare(a: T, b: T): number {
    return this.#compare(a, b);
  }

  #indexOf(name: string): { spec: IndexSpec<T>; ids: Map<string, Set<string>> } {
    const index = this.#indexes.get(name);
    if (index === undefined) throw new Error(`fake OpenStack: no index ${name}`);
    return index;
  }

  #signature(row: T): string {
    return [...this.#indexes.values()].map(({ spec }) => spec.keys(row).join('\u0000')).join('\u0001');
  }

  #index(row: T, delta: 1 | -1): void {
    for (const { spec, ids } of this.#indexes.values()) {
      for (const key of new Set(spec.keys(row))) {
        let set = ids.get(key);
        if (delta > 0) {
          if (set === undefined) ids.set(key, (set = new Set()));
          set.add(row.id);
        } else if (set !== undefined) {
          set.delete(row.id);
          if (set.size === 0) ids.delete(key);
        }
      }
    }
  }

  /** The smallest candidate id set, with a cache key naming it (null: every row). */
  #candidates(selection: Selection<T>): { key: string; ids: ReadonlySet<string> | null } {
    let best: { key: string; ids: ReadonlySet<string> | null } = { key: '*', ids: null };
    const size = (ids: ReadonlySet<string> | null): number => (ids === null ? this.#rows.size : ids.size);
    for (const [name, k] of selection.all ?? []) {
      const ids = this.ids(name, k);
      if (size(ids) < size(best.ids)) best = { key: `${name}=${k}`, ids };
    }
    if (selection.any !== undefined) {
      const [name, keys] = selection.any;
      const union = new Set<string>();
      for (const k of keys) for (const id of this.ids(name, k)) union.add(id);
      if (union.size < size(best.ids)) best = { key: `${name}~${[...keys].sort().join(',')}`, ids: union };
    }
    return best;
  }

  #sorted(key: string, ids: ReadonlySet<string> | null): T[] {
    const count = ids === null ? this.#rows.size : ids.size;
    const cached = this.#sortedCache.get(key);
    if (cached?.version === this.#version) return cached.rows;
    const rows: T[] = [];
    if (ids === null) rows.push(...this.#rows.values());
    else
      for (const id of ids) {
        const row = this.#rows.get(id);
        if (row !== undefined) rows.push(row);
      }
    rows.sort(this.#compare);
    if (count >= CACHE_FROM) {
      if (this.#sortedCache.size >= CACHE_SIZE) this.#sortedCache.clear();
      this.#sortedCache.set(key, { version: this.#version, rows });
    }
    return rows;
  }
}
