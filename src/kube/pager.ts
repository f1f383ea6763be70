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

/** Every item of the collection and the resourceVersion of the list's last page. */
export async function listAllPages<T>(
  listPage: ListPageCall<T>,
  limit: number,
  signal: AbortSignal,
): Promise<{ items: T[]; resourceVersion: string }> {
  let items: T[] = [];
  let continueToken: string | undefined;
  for (let restarts = 0; ;) {
    let page: ListPage<T>;
    try {
      page = await listPage({ limit, continueToken }, signal);
    } catch (err) {
      const expired = err instanceof KubeApiError && err.isGone && continueToken !== undefined;
      if (!expired || restarts >= LIST_RESTARTS) throw err;
      restarts++;
      items = [];
      continueToken = undefined;
      continue;
    }
    for (const item of page.items) items.push(item);
    if (page.continueToken === undefined || page.continueToken === '') {
      return { items, resourceVersion: page.resourceVersion };
    }
    continueToken = page.continueToken;
  }
}
