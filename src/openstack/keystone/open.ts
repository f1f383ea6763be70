/**
 * Composition: a resolved cloud (src/openstack/cloud-config.ts) plus injected logger,
 * registry and clock → a ready `KeystoneSession` with its own keep-alive transport.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ResolvedCloud } from '../cloud-config.js';
import { CloudConfigError } from '../clouds/errors.js';
import { OpenStackHttp, userAgent } from '../http.js';
import { createNodeTransport, type NodeTransportOptions, type Transport } from '../http-transport.js';
import { createOpenStackMetrics } from '../metrics.js';
import { KeystoneSession } from './session.js';

/** Collaborators for `openCloudSession`. */
export interface OpenCloudSessionDeps {
  readonly logger: Logger;
  readonly registry: Registry;
  /** Our version, for `User-Agent: kuryr-services/<version>`. */
  readonly version: string;
  /** Reads the files named by `cacert`, `cert` and `key`; `undefined` when missing. */
  readonly readFile: (file: string) => Promise<string | undefined>;
  /** Replaces the node transport (tests). */
  readonly transport?: Transport;
  /** Wall-clock epoch ms for token expiry (default `Date.now`). */
  readonly now?: () => number;
  /** Default per-call timeout (default: cloud `api_timeout`, else 60 s). */
  readonly timeoutMs?: number;
  readonly expiryMarginMs?: number;
}

/** A session and the means to release its pooled connections. */
export interface OpenedSession {
  readonly session: KeystoneSession;
  readonly cloud: ResolvedCloud;
  /** Destroys keep-alive sockets; the session must not be used afterwards. */
  close(): void;
}

async function readPem(
  cloud: ResolvedCloud,
  key: 'cacert' | 'cert' | 'key',
  deps: OpenCloudSessionDeps,
): Promise<string | undefined> {
  const file = cloud[key];
  if (file === undefined) return undefined;
  const text = await deps.readFile(file);
  if (text === undefined) {
    throw new CloudConfigError({
      source: `cloud ${cloud.name}`,
      key,
      problem: `names ${file}, which cannot be read`,
    });
  }
  return text;
}

/** The TLS material and proxies of the node transport for `cloud`. */
async function transportOptions(
  cloud: ResolvedCloud,
  deps: OpenCloudSessionDeps,
): Promise<NodeTransportOptions> {
  const [ca, cert, key] = await Promise.all([
    readPem(cloud, 'cacert', deps),
    readPem(cloud, 'cert', deps),
    readPem(cloud, 'key', deps),
  ]);
  return {
    ...(ca === undefined ? {} : { ca }),
    ...(cert === undefined ? {} : { cert }),
    ...(key === undefined ? {} : { key }),
    insecure: cloud.insecure,
    proxy: cloud.proxy,
  };
}

/**
 * Builds the session for `cloud`: reads the CA bundle and client certificate/key (the only
 * I/O here), creates the transport (with the cloud's proxies), wrapper and metrics. Does not
 * authenticate (that happens on first use). Throws `CloudConfigError` when `cacert`, `cert`
 * or `key` cannot be read.
 */
export async function openCloudSession(
  cloud: ResolvedCloud,
  deps: OpenCloudSessionDeps,
): Promise<OpenedSession> {
  const node = deps.transport ? null : createNodeTransport(await transportOptions(cloud, deps));
  const transport = deps.transport ?? node?.send;
  if (!transport) throw new Error('unreachable: no transport');
  const http = new OpenStackHttp({
    transport,
    logger: deps.logger.child({ cloud: cloud.name }),
    metrics: createOpenStackMetrics(deps.registry),
    userAgent: userAgent(deps.version),
    defaultTimeoutMs: deps.timeoutMs ?? cloud.apiTimeoutMs ?? 60_000,
  });
  const session = new KeystoneSession({
    http,
    authUrl: cloud.authUrl,
    credentials: cloud.credentials,
    interface: cloud.interface,
    region: cloud.regionName,
    endpointOverrides: cloud.endpointOverrides,
    now: deps.now,
    expiryMarginMs: deps.expiryMarginMs,
  });
  return { session, cloud, close: () => node?.close() };
}
