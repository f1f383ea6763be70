/**
 * Path matching for the fake's routers: a route is a method, a pattern of segments (`:id`
 * captures one), an operation label (as our clients name their calls, e.g.
 * `octavia.loadbalancer.list`) and a handler.
 */

/** One route of a service. */
export interface Route<H> {
  readonly method: string;
  readonly segments: readonly string[];
  /** The operation label; `:name` parts are replaced by the captured segment. */
  readonly operation: string;
  readonly handler: H;
}

/** Builds a route from `'GET /v2/lbaas/loadbalancers/:id'`. */
export function route<H>(spec: string, operation: string, handler: H): Route<H> {
  const [method = 'GET', path = '/'] = spec.split(' ');
  return { method, segments: path.split('/').filter((s) => s !== ''), operation, handler };
}

/** What matching a path found. */
export type Match<H> =
  | {
      readonly kind: 'found';
      readonly route: Route<H>;
      readonly params: Record<string, string>;
      readonly operation: string;
    }
  | { readonly kind: 'method-not-allowed' }
  | { readonly kind: 'not-found' };

function capture(pattern: readonly string[], parts: readonly string[]): Record<string, string> | null {
  if (pattern.length !== parts.length) return null;
  const params: Record<string, string> = {};
  for (const [i, seg] of pattern.entries()) {
    const part = parts[i] ?? '';
    if (seg.startsWith(':')) params[seg.slice(1)] = part;
    else if (seg !== part) return null;
  }
  return params;
}

function label(operation: string, params: Readonly<Record<string, string>>): string {
  return operation.replace(/:(\w+)/g, (_, name: string) => params[name] ?? name);
}

/** The route for `method` and `path` (percent-decoded segments). */
export function matchRoute<H>(routes: readonly Route<H>[], method: string, path: string): Match<H> {
  const parts = path
    .split('/')
    .filter((s) => s !== '')
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  let pathKnown = false;
  for (const r of routes) {
    const params = capture(r.segments, parts);
    if (params === null) continue;
    pathKnown = true;
    if (r.method === method)
      return { kind: 'found', route: r, params, operation: label(r.operation, params) };
  }
  return pathKnown ? { kind: 'method-not-allowed' } : { kind: 'not-found' };
}
