/**
 * The HTTP admin endpoint of a simulated server, under `/__sim__/` (a path no real API server
 * has), so a test can drive faults from another process. Bearer-token authenticated like the
 * API. JSON in and out:
 * - `GET /__sim__/faults`: the rules in force `[{id, rule, hits, remaining}]`;
 * - `POST /__sim__/faults` `{match, action, times?}` (a FaultRule): 201 `{id}`;
 * - `DELETE /__sim__/faults` (all) or `/__sim__/faults/<id>`: 200;
 * - `POST /__sim__/connections/refuse` `{forMs}`: 202, then connections are refused for forMs;
 * - `POST /__sim__/watches/end` `{abrupt?, resource?}`: 200 `{ended}`.
 */
import type { ServerResponse } from 'node:http';
import { z } from 'zod';
import type { FaultControl } from './fault-control.js';
import type { FaultRule } from './faults.js';
import { badRequest, statusFor } from './status.js';

/** Path prefix of the admin endpoint. */
export const ADMIN_PREFIX = '/__sim__/';

const verb = z.enum(['get', 'list', 'watch', 'create', 'update', 'patch', 'delete', 'deletecollection']);
const ruleSchema = z.strictObject({
  match: z.strictObject({
    verb: z.union([verb, z.array(verb)]).optional(),
    resource: z.string().optional(),
    group: z.string().optional(),
    namespace: z.string().optional(),
    name: z.string().optional(),
  }),
  action: z.discriminatedUnion('kind', [
    z.strictObject({
      kind: z.literal('status'),
      code: z.number().int().min(400).max(599),
      message: z.string().optional(),
      retryAfterSeconds: z.number().int().positive().optional(),
    }),
    z.strictObject({ kind: z.literal('expire') }),
    z.strictObject({ kind: z.literal('delay'), ms: z.number().int().nonnegative() }),
  ]),
  times: z.number().int().positive().optional(),
});
const refuseSchema = z.strictObject({ forMs: z.number().int().positive() });
const endSchema = z.strictObject({ abrupt: z.boolean().optional(), resource: z.string().optional() });

function parsed<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body ?? {});
  if (!result.success) throw badRequest(`invalid admin request: ${z.prettifyError(result.error)}`);
  return result.data;
}

function json(res: ServerResponse, code: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(code, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Serves one admin request (`path` without the prefix); throws StatusError for bad ones. */
export function serveAdmin(
  faults: FaultControl,
  request: { method: string; path: string; body: unknown; res: ServerResponse },
): void {
  const { method, path, body, res } = request;
  const [section, id] = path.split('/');
  if (section === 'faults' && id === undefined && method === 'GET') {
    const rules = faults
      .list()
      .map((h) => ({ id: h.id, rule: h.rule, hits: h.hits, remaining: h.remaining }));
    json(res, 200, rules);
  } else if (section === 'faults' && id === undefined && method === 'POST') {
    json(res, 201, { id: faults.add(parsed(ruleSchema, body) as FaultRule).id });
  } else if (section === 'faults' && method === 'DELETE') {
    const found = id === undefined ? faults.list() : faults.list().filter((h) => h.id === id);
    if (id !== undefined && found.length === 0) throw statusFor(404, `no fault rule ${id}`);
    for (const handle of found) handle.clear();
    json(res, 200, { cleared: found.length });
  } else if (path === 'connections/refuse' && method === 'POST') {
    const { forMs } = parsed(refuseSchema, body);
    res.on('finish', () => {
      void faults.refuseConnections({ forMs });
    });
    json(res, 202, { refusingForMs: forMs });
  } else if (path === 'watches/end' && method === 'POST') {
    const { abrupt, resource } = parsed(endSchema, body);
    const options = {
      ...(abrupt === undefined ? {} : { abrupt }),
      ...(resource === undefined ? {} : { resource }),
    };
    json(res, 200, { ended: faults.endWatches(options) });
  } else {
    throw statusFor(404, `no admin operation ${method} ${ADMIN_PREFIX}${path}`);
  }
}
