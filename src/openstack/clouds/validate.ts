/**
 * Validation of a merged cloud layer into typed settings and Keystone credentials.
 * Every error names the file (or variable/argument) and the key at fault. Pure.
 */
import { z } from 'zod';
import type { EndpointInterface } from '../keystone/catalog.js';
import type { DomainRef, KeystoneCredentials, UserRef } from '../keystone/credentials.js';
import type { ServiceType } from '../session.js';
import { CloudConfigError } from './errors.js';
import { isKnownKey, nearestKey } from './known-keys.js';
import type { Layer } from './layers.js';

const text = z.preprocess((v) => (typeof v === 'number' ? String(v) : v), z.string().min(1));
const optText = text.optional();
const boolish = z.preprocess((v) => {
  if (typeof v !== 'string') return v;
  const s = v.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(s)) return true;
  if (['false', '0', 'no', 'off', ''].includes(s)) return false;
  return v;
}, z.boolean());
const iface = z.preprocess(
  (v) => (typeof v === 'string' ? v.replace(/URL$/, '').toLowerCase() : v),
  z.enum(['public', 'internal', 'admin']),
);

const AUTH_TYPES = {
  password: 'password',
  v3password: 'password',
  v3applicationcredential: 'application-credential',
  applicationcredential: 'application-credential',
  v3_application_credential: 'application-credential',
} as const;

const settingsSchema = z.object({
  auth_url: z.url({ protocol: /^https?$/ }),
  auth_type: z.enum(Object.keys(AUTH_TYPES) as [keyof typeof AUTH_TYPES]).default('password'),
  username: optText,
  user_id: optText,
  password: optText,
  project_name: optText,
  project_id: optText,
  user_domain_name: optText,
  user_domain_id: optText,
  project_domain_name: optText,
  project_domain_id: optText,
  application_credential_id: optText,
  application_credential_name: optText,
  application_credential_secret: optText,
  region_name: optText,
  interface: iface.default('public'),
  cacert: optText,
  cert: optText,
  key: optText,
  insecure: boolish.optional(),
  verify: boolish.optional(),
  api_timeout: z.coerce.number().positive().optional(),
});

type Settings = z.infer<typeof settingsSchema>;

/** The validated, typed settings of one cloud. */
export interface CloudSettings {
  readonly authUrl: string;
  readonly credentials: KeystoneCredentials;
  readonly regionName: string | undefined;
  readonly interface: EndpointInterface;
  /** Path of a PEM CA bundle (`cacert`). */
  readonly cacert: string | undefined;
  /** Path of a PEM client certificate (`cert`), for servers that require one (mTLS). */
  readonly cert: string | undefined;
  /** Path of the client certificate's PEM private key (`key`; may be inside `cert`). */
  readonly key: string | undefined;
  /** `insecure: true` or `verify: false`. */
  readonly insecure: boolean;
  readonly apiTimeoutMs: number | undefined;
  readonly endpointOverrides: Readonly<Partial<Record<ServiceType, string>>>;
  /** Unknown keys from files, each named with its file and a "did you mean" for near misses. */
  readonly warnings: readonly string[];
}

const SERVICES: readonly ServiceType[] = ['identity', 'network', 'load-balancer'];

interface Ctx {
  readonly layer: Layer;
  /** Where the cloud as a whole came from, for keys that are missing. */
  readonly cloudSource: string;
}

function fail(ctx: Ctx, key: string, problem: string): never {
  const origin = ctx.layer.origins[key];
  throw new CloudConfigError(
    origin ? { source: origin, key: null, problem } : { source: ctx.cloudSource, key, problem },
  );
}

function domainOf(ctx: Ctx, s: Settings, who: 'user' | 'project'): DomainRef {
  const id = who === 'user' ? s.user_domain_id : s.project_domain_id;
  const name = who === 'user' ? s.user_domain_name : s.project_domain_name;
  if (id !== undefined) return { id };
  if (name !== undefined) return { name };
  return fail(
    ctx,
    `${who}_domain_name`,
    `is missing (or ${who}_domain_id / domain_name); needed with ${who === 'user' ? 'username' : 'project_name'}`,
  );
}

function userOf(ctx: Ctx, s: Settings): UserRef {
  if (s.user_id !== undefined) return { id: s.user_id };
  if (s.username !== undefined) return { name: s.username, domain: domainOf(ctx, s, 'user') };
  return fail(ctx, 'username', 'is missing (or user_id)');
}

function passwordCredentials(ctx: Ctx, s: Settings): KeystoneCredentials {
  const user = userOf(ctx, s);
  if (s.password === undefined) return fail(ctx, 'password', 'is missing');
  if (s.project_id !== undefined)
    return { kind: 'password', user, password: s.password, project: { id: s.project_id } };
  if (s.project_name === undefined)
    return fail(ctx, 'project_name', 'is missing (or project_id): tokens must be project-scoped');
  const project = { name: s.project_name, domain: domainOf(ctx, s, 'project') };
  return { kind: 'password', user, password: s.password, project };
}

function appCredentials(ctx: Ctx, s: Settings): KeystoneCredentials {
  const secret = s.application_credential_secret;
  if (secret === undefined) return fail(ctx, 'application_credential_secret', 'is missing');
  if (s.application_credential_id !== undefined) {
    return { kind: 'application-credential', credential: { id: s.application_credential_id }, secret };
  }
  if (s.application_credential_name === undefined) {
    return fail(ctx, 'application_credential_id', 'is missing (or application_credential_name with a user)');
  }
  const credential = { name: s.application_credential_name, user: userOf(ctx, s) };
  return { kind: 'application-credential', credential, secret };
}

function endpointOverrides(layer: Layer): Partial<Record<ServiceType, string>> {
  const out: Partial<Record<ServiceType, string>> = {};
  for (const service of SERVICES) {
    const value = layer.values[`${service.replace(/-/g, '_')}_endpoint_override`];
    if (typeof value === 'string' && value !== '') out[service] = value;
  }
  return out;
}

/** A warning per key a file set that neither we nor openstacksdk know; pure. */
export function unknownKeyWarnings(layer: Layer): string[] {
  const out: string[] = [];
  for (const key of Object.keys(layer.values)) {
    const origin = layer.origins[key] ?? key;
    if (origin.startsWith('environment') || origin.startsWith('argument') || isKnownKey(key)) continue;
    const near = nearestKey(key);
    out.push(`${origin}: unknown key ignored${near === null ? '' : ` (did you mean ${near}?)`}`);
  }
  return out;
}

/** Validates a merged layer; throws `CloudConfigError` naming the source and key of the first problem. */
export function validateCloud(layer: Layer, cloudSource: string): CloudSettings {
  const ctx: Ctx = { layer, cloudSource };
  const parsed = settingsSchema.safeParse(layer.values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue?.path[0] ?? '');
    const problem = key in layer.values ? `is invalid: ${issue?.message ?? ''}` : 'is missing';
    return fail(ctx, key, problem);
  }
  const s = parsed.data;
  if (/\/v2\.0\/?$/.test(s.auth_url))
    fail(ctx, 'auth_url', 'points at Keystone v2.0; use the v3 (or root) URL');
  const kind = AUTH_TYPES[s.auth_type];
  return {
    authUrl: s.auth_url,
    credentials: kind === 'password' ? passwordCredentials(ctx, s) : appCredentials(ctx, s),
    regionName: s.region_name,
    interface: s.interface,
    cacert: s.cacert,
    cert: s.cert,
    key: s.key,
    insecure: s.insecure === true || s.verify === false,
    apiTimeoutMs: s.api_timeout === undefined ? undefined : s.api_timeout * 1000,
    endpointOverrides: endpointOverrides(layer),
    warnings: unknownKeyWarnings(layer),
  };
}
