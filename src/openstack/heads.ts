/**
 * Heads of load balancers, read for light passes (docs/adr/0006): one GET per id, or, for ids
 * that are probably being created or deleted, one list shared by every Service polling at
 * about the same time. The shared list holds this cluster's load balancers in the project that
 * are `PENDING_CREATE` (or `PENDING_UPDATE`, `PENDING_DELETE`: one list per status; ownership tags +
 * `provisioning_status`, paginated); a list started less than `shareMs` ago is joined instead
 * of sending another. An id the list holds is answered
 * from it, as a GET would have answered a little earlier; an id it lacks (settled, being
 * updated or deleted, gone, or created after the list) is GET on its own: absence from a list
 * is never taken for a 404 (docs/adr/0008). Only reads; throws the session's typed errors.
 */
import type { HeadAnswer } from '../core/plan/decision.js';
import { clusterTag, OWNER_TAG, type Owner } from '../core/ownership.js';
import { NotFoundError } from './errors.js';
import * as loadbalancers from './octavia/loadbalancers.js';
import type { LoadBalancerRecord } from './octavia/loadbalancers.js';
import type { OpenStackSession } from './session.js';

/** What the head reader works with. */
export interface HeadReaderOptions {
  readonly session: OpenStackSession;
  readonly owner: Owner;
  /** The shared list is scoped to this project. */
  readonly projectId: string;
  /** Now, in ms (the age of a shared list). */
  readonly now: () => number;
  /** A shared list started less than this long ago is joined (0: never shared). */
  readonly shareMs: number;
}

/** What the ids are probably doing: `creating` PENDING_CREATE, `updating` PENDING_UPDATE, `deleting` PENDING_DELETE. */
export interface HeadReadOptions {
  readonly creating?: boolean;
  readonly updating?: boolean;
  readonly deleting?: boolean;
}

/** Reads heads; the options say which shared list may answer them (see the module comment). */
export type HeadReader = (
  ids: readonly string[],
  signal: AbortSignal,
  options?: HeadReadOptions,
) => Promise<HeadAnswer[]>;

type SharedStatus = 'PENDING_CREATE' | 'PENDING_UPDATE' | 'PENDING_DELETE';

function sharedStatusOf(options: HeadReadOptions | undefined): SharedStatus | null {
  if (options?.creating === true) return 'PENDING_CREATE';
  if (options?.updating === true) return 'PENDING_UPDATE';
  if (options?.deleting === true) return 'PENDING_DELETE';
  return null;
}

function headOfRecord(lb: LoadBalancerRecord): HeadAnswer {
  return {
    id: lb.id,
    head: {
      id: lb.id,
      name: lb.name,
      tags: lb.tags,
      provisioningStatus: lb.provisioningStatus,
      ...(lb.version === undefined ? {} : { version: lb.version }),
    },
  };
}

/** One GET of load balancer `id`: its head, or null on a 404. */
export async function getHead(
  session: OpenStackSession,
  id: string,
  signal: AbortSignal,
): Promise<HeadAnswer> {
  try {
    return headOfRecord(await loadbalancers.get(session, id, signal));
  } catch (error) {
    if (error instanceof NotFoundError) return { id, head: null };
    throw error;
  }
}

/** A head reader over `options.session`; per status, it keeps the one shared list in flight or just answered. */
export function makeHeadReader(options: HeadReaderOptions): HeadReader {
  const { session } = options;
  type Shared = { readonly startedAt: number; readonly answer: Promise<Map<string, HeadAnswer>> };
  const shared = new Map<SharedStatus, Shared>();
  const listedNow = (status: SharedStatus, signal: AbortSignal): Promise<Map<string, HeadAnswer>> => {
    const now = options.now();
    const current = shared.get(status);
    if (current !== undefined && now - current.startedAt < options.shareMs) return current.answer;
    const query = {
      tags: [OWNER_TAG, clusterTag(options.owner.clusterId)],
      projectId: options.projectId,
      provisioningStatus: status,
    };
    const answer = loadbalancers
      .listAll(session, query, signal)
      .then((lbs) => new Map(lbs.map((lb) => [lb.id, headOfRecord(lb)])));
    const mine = { startedAt: now, answer };
    shared.set(status, mine);
    // A failed list is not joined: the next caller starts another.
    answer.catch(() => {
      if (shared.get(status) === mine) shared.delete(status);
    });
    return answer;
  };
  const gets = (ids: readonly string[], signal: AbortSignal) =>
    Promise.all(ids.map((id) => getHead(session, id, signal)));
  return async (ids, signal, readOptions) => {
    const status = sharedStatusOf(readOptions);
    if (status === null || options.shareMs <= 0 || ids.length === 0) return gets(ids, signal);
    let listed: Map<string, HeadAnswer>;
    try {
      listed = await listedNow(status, signal);
    } catch (error) {
      // The list may have been another pass's (its signal aborted, its timeout): ask on our own.
      if (signal.aborted) throw error;
      return gets(ids, signal);
    }
    return Promise.all(
      ids.map((id) => {
        const hit = listed.get(id);
        return hit === undefined ? getHead(session, id, signal) : Promise.resolve(hit);
      }),
    );
  };
}
