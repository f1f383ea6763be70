/**
 * client-go's pager: a whole collection read as pages (`limit` + `continue`). When the
 * snapshot behind a continue token expires (410 Gone), the list starts again from the first
 * page, a bounded number of times.
 */
import { KubeApiError } from './errors.js';

/** One page of a list answer. */
export interface ListPage<T> {
  readonly items: readonly T[];
  readonly resourceVersion: string;
  /** The continue token of the next page; undefined or '' on the last page. */
  readonly continueToken: string | undefined;
}

/** Reads one page; throws KubeApiError. */
export type ListPageCall<T> = (
  request: { limit: number; continueToken: string | undefined },
  signal: AbortSignal,
) => Promise<ListPage<T>>;

/** Restarts of a paged list after expired continue tokens, before the list counts as failed. */
const LIST_RESTARTS = 3;

/** Receives a paged list as it arrives: each page's items, and a restart from the first page. */
export interface PageSink<T> {
  page(items: readonly T[]): void;
  /** The pages given so far belong to an expired snapshot; the list starts again. */
  restart(): void;
}

/**
 * Reads the whole collection, handing each page to `sink` as it arrives (so a caller can
 * store it and let the page go); resolves to the resourceVersion of the list's last page.
 */
export async function forEachPage<T>(
  listPage: ListPageCall<T>,
  limit: number,
  signal: AbortSignal,
  sink: PageSink<T>,
): Promise<string> {
  let continueToken: string | undefined;
  for (let restarts = 0; ;) {
    let page: ListPage<T>;
    try {
      page = await listPage({ limit, continueToken }, signal);
    } catch (err) {
      const expired = err instanceof KubeApiError && err.isGone && continueToken !== undefined;
      if (!expired || restarts >= LIST_RESTARTS) throw err;
      restarts++;
      sink.restart();
      continueToken = undefined;
      continue;
    }
    sink.page(page.items);
    if (page.continueToken === undefined || page.continueToken === '') return page.resourceVersion;
    continueToken = page.continueToken;
  }
}
