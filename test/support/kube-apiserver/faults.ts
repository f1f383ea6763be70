/**
 * Fault injection rules of the simulated API server, for safety and chaos tests: which
 * requests (verb, resource, namespace, name) are answered with an error Status, a 410
 * Expired, or after a delay, for the next N matches or until cleared. Rules are checked in
 * the order they were added; one delay and one answer may apply to the same request.
 * Connection-level faults (refusing connections, ending watches) live in server.ts.
 */
import type { RequestInfo } from './router.js';
import { StatusError, expired, statusFor } from './status.js';

/** An API verb as RBAC names it. */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection';

/** Which requests a fault applies to: every field given must match; none given matches every API request. */
export interface RequestMatch {
  readonly verb?: Verb | readonly Verb[];
  /** Plural of the resource (`services`), `services/status` for the subresource. */
  readonly resource?: string;
  /** API group, `''` for core; any group when absent. */
  readonly group?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** An error answer: HTTP `code` with a Status body shaped like the real server's. */
export interface StatusAnswer {
  /** e.g. 403, 429, 500, 503. */
  readonly code: number;
  /** Replaces the default message (for 403: the RBAC denial text). */
  readonly message?: string;
  /** Sent as `Retry-After` and `details.retryAfterSeconds` (429 defaults to 1). */
  readonly retryAfterSeconds?: number;
}

/** What a matching request gets. */
export type FaultAction =
  | ({ readonly kind: 'status' } & StatusAnswer)
  /** A watch gets an ERROR event with a 410 Expired Status and ends; other verbs an HTTP 410 Expired. */
  | { readonly kind: 'expire' }
  /** The request is served normally, `ms` later. */
  | { readonly kind: 'delay'; readonly ms: number };

/** One rule: `times` matching requests (default: until cleared). */
export interface FaultRule {
  readonly match: RequestMatch;
  readonly action: FaultAction;
  readonly times?: number;
}

/** A rule as added: counts its hits; `clear()` removes it. */
export interface FaultHandle {
  readonly id: string;
  readonly rule: FaultRule;
  /** Requests this rule has answered so far. */
  readonly hits: number;
  /** Matches left, or undefined when the rule stays until cleared. */
  readonly remaining: number | undefined;
  /** True while the rule can still apply. */
  readonly active: boolean;
  clear(): void;
}

/** What the rules decided for one request. */
export interface FaultDecision {
  readonly delayMs: number;
  /** An error to answer with (a 410 Expired one for `expire`), or undefined to serve normally. */
  readonly error: StatusError | undefined;
  readonly expire: boolean;
}

/** Who a simulated 403 names (a service account, as the controller runs in a pod). */
export const DENIED_USER = 'system:serviceaccount:kube-system:kuryr-services';

function matches(match: RequestMatch, info: RequestInfo): boolean {
  const verbs =
    match.verb === undefined ? undefined : typeof match.verb === 'string' ? [match.verb] : match.verb;
  const resource = info.subresource === undefined ? info.resource : `${info.resource}/${info.subresource}`;
  return (
    (verbs === undefined || verbs.includes(info.verb)) &&
    (match.resource === undefined || match.resource === resource) &&
    (match.group === undefined || match.group === info.group) &&
    (match.namespace === undefined || match.namespace === info.namespace) &&
    (match.name === undefined || match.name === info.name)
  );
}

/** The Status the real server sends for `answer` to the request `info`. */
export function statusAnswer(answer: StatusAnswer, info: RequestInfo): StatusError {
  const retry = answer.retryAfterSeconds ?? (answer.code === 429 ? 1 : undefined);
  const kind = info.subresource === undefined ? info.resource : `${info.resource}/${info.subresource}`;
  const who = {
    ...(info.name === undefined ? {} : { name: info.name }),
    ...(info.group === '' ? {} : { group: info.group }),
    kind: info.resource,
  };
  const details = { ...who, ...(retry === undefined ? {} : { retryAfterSeconds: retry }) };
  if (answer.code === 403) {
    const object = info.name === undefined ? kind : `${kind} "${info.name}"`;
    const scope =
      info.namespace === undefined ? 'at the cluster scope' : `in the namespace "${info.namespace}"`;
    const message =
      answer.message ??
      `${object} is forbidden: User "${DENIED_USER}" cannot ${info.verb} resource "${kind}" in API group "${info.group}" ${scope}`;
    return new StatusError(403, 'Forbidden', message, { details });
  }
  const defaults: Record<number, string> = {
    429: 'Too many requests, please try again later.',
    500: 'Internal error occurred: injected failure',
    503: 'the server is currently unable to handle the request',
  };
  const base = statusFor(
    answer.code,
    answer.message ?? defaults[answer.code] ?? `injected failure ${answer.code}`,
  );
  return new StatusError(base.code, base.reason, base.message, { details });
}

interface Entry {
  readonly id: string;
  readonly rule: FaultRule;
  hits: number;
  cleared: boolean;
}

/** The fault rules of one server. */
export class FaultRules {
  private readonly entries: Entry[] = [];
  private nextId = 1;
  private total = 0;

  /** Requests answered by a rule so far (delays included). */
  get injected(): number {
    return this.total;
  }

  /** Adds `rule`; it applies from the next request on. */
  add(rule: FaultRule): FaultHandle {
    if (rule.times !== undefined && (!Number.isInteger(rule.times) || rule.times < 1)) {
      throw new RangeError(`fault times must be a positive integer, got ${rule.times}`);
    }
    const entry: Entry = { id: String(this.nextId++), rule, hits: 0, cleared: false };
    this.entries.push(entry);
    return handleOf(entry, () => {
      this.remove(entry);
    });
  }

  /** The rules still in force. */
  list(): FaultHandle[] {
    return this.entries.map((e) =>
      handleOf(e, () => {
        this.remove(e);
      }),
    );
  }

  /** Removes the rule `id`; false when there is none. */
  clearOne(id: string): boolean {
    const entry = this.entries.find((e) => e.id === id);
    if (entry !== undefined) this.remove(entry);
    return entry !== undefined;
  }

  /** Removes every rule. */
  clear(): void {
    for (const entry of [...this.entries]) this.remove(entry);
  }

  /** Consumes the first matching delay and the first matching answer for `info`. */
  decide(info: RequestInfo): FaultDecision {
    const delay = this.take(info, (a) => a.kind === 'delay');
    const answer = this.take(info, (a) => a.kind !== 'delay');
    const delayMs = delay?.kind === 'delay' ? delay.ms : 0;
    if (answer?.kind === 'expire') {
      const message = 'The resourceVersion for the provided watch is too old.';
      return { delayMs, expire: true, error: expired(message) };
    }
    const error = answer?.kind === 'status' ? statusAnswer(answer, info) : undefined;
    return { delayMs, expire: false, error };
  }

  private take(info: RequestInfo, wanted: (a: FaultAction) => boolean): FaultAction | undefined {
    const entry = this.entries.find((e) => wanted(e.rule.action) && matches(e.rule.match, info));
    if (entry === undefined) return undefined;
    entry.hits++;
    this.total++;
    if (entry.rule.times !== undefined && entry.hits >= entry.rule.times) this.remove(entry);
    return entry.rule.action;
  }

  private remove(entry: Entry): void {
    entry.cleared = true;
    const index = this.entries.indexOf(entry);
    if (index >= 0) this.entries.splice(index, 1);
  }
}

function handleOf(entry: Entry, clear: () => void): FaultHandle {
  return {
    id: entry.id,
    rule: entry.rule,
    get hits() {
      return entry.hits;
    },
    get remaining() {
      return entry.rule.times === undefined ? undefined : Math.max(0, entry.rule.times - entry.hits);
    },
    get active() {
      return !entry.cleared;
    },
    clear,
  };
}
