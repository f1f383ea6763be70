/**
 * The typed fault API of a running simulated server (`server.faults`), over the request
 * rules (faults.ts), the listener (refusing connections) and the watch hub (ending watches).
 */
import {
  FaultRules,
  type FaultHandle,
  type FaultRule,
  type RequestMatch,
  type StatusAnswer,
} from './faults.js';
import type { Listener } from './listener.js';
import type { WatchHub } from './watch.js';

/** How many matching requests a rule applies to (default: until cleared). */
export interface Times {
  readonly times?: number;
}

/** Fault injection on a running simulated API server. */
export interface FaultControl {
  /**
   * Answers matching requests with `answer.code` and a Status body like the real server's
   * (403: the RBAC denial text naming verb, resource and scope; 429 and any answer with
   * `retryAfterSeconds`: a `Retry-After` header). Nothing is stored or changed for them.
   */
  respond(match: RequestMatch, answer: StatusAnswer & Times): FaultHandle;
  /**
   * Answers matching requests as the real server does for an expired resourceVersion: a watch
   * gets 200 with one ERROR event (a 410 Expired Status) and ends, so informers relist; a
   * list or other call gets HTTP 410 Expired.
   */
  expire(match: RequestMatch, options?: Times): FaultHandle;
  /** Serves matching requests normally, `ms` later (a watch starts streaming `ms` later). */
  delay(match: RequestMatch, ms: number, options?: Times): FaultHandle;
  /** Adds a rule as data (what the HTTP admin endpoint uses). */
  add(rule: FaultRule): FaultHandle;
  /** The request rules still in force, in the order they are checked. */
  list(): FaultHandle[];
  /** Removes every request rule (respond/expire/delay); connections are not touched. */
  clear(): void;
  /** Requests answered by a rule so far. */
  readonly injected: number;
  /**
   * Stops accepting connections (clients get ECONNREFUSED) and destroys every open one,
   * watches included; with `forMs`, accepts again on the same port after that long.
   * Resolves once the listener is closed. Idempotent.
   */
  refuseConnections(options?: { forMs?: number }): Promise<void>;
  /** Accepts connections again on the same port; resolves once listening. Idempotent. */
  acceptConnections(): Promise<void>;
  /** True between refuseConnections and acceptConnections. */
  readonly refusing: boolean;
  /**
   * Ends the open watches now (of one resource plural when given): cleanly, so informers
   * re-watch from their resourceVersion, or `abrupt` (sockets destroyed: client-node
   * reports an error). Returns how many were ended.
   */
  endWatches(options?: { abrupt?: boolean; resource?: string }): number;
}

function rule(match: RequestMatch, action: FaultRule['action'], times: number | undefined): FaultRule {
  return times === undefined ? { match, action } : { match, action, times };
}

/** The FaultControl of one server. */
export function faultControl(rules: FaultRules, listener: Listener, hub: WatchHub): FaultControl {
  return {
    respond: (match, answer) => {
      const { times, ...status } = answer;
      return rules.add(rule(match, { kind: 'status', ...status }, times));
    },
    expire: (match, options) => rules.add(rule(match, { kind: 'expire' }, options?.times)),
    delay: (match, ms, options) => rules.add(rule(match, { kind: 'delay', ms }, options?.times)),
    add: (r) => rules.add(r),
    list: () => rules.list(),
    clear: () => {
      rules.clear();
    },
    get injected() {
      return rules.injected;
    },
    refuseConnections: (options) => listener.refuse(options?.forMs),
    acceptConnections: () => listener.accept(),
    get refusing() {
      return listener.refusing;
    },
    endWatches: (options) => hub.closeAll(options?.abrupt ?? false, options?.resource),
  };
}
