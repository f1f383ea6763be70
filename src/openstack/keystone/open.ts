/**
 * Composition: a resolved cloud (src/openstack/cloud-config.ts) plus injected logger,
 * registry and clock → a ready `KeystoneSession` with its own keep-alive transport.
 */
import type { Logger } from 'pino';
import type { Registry } from 'prom-client';
import type { ResolvedCloud } from '../cloud-config.js';
import { CloudConfigError } from '../clouds/errors.js';
import { OpenStackHttp, userAgent } from '../http.js';
import { createNodeTransport, type Transport } from '../http-transport.js';
import { createOpenStackMetrics } from '../metrics.js';
import { KeystoneSession } from './session.js';

/** Collaborators for `openCloudSession`. */
export interface OpenCloudSessionDeps {
  readonly logger: Logger;
  readonly registry: Registry;
  /** Our version, for `User-Agent: kuryr-services/<version>`. */
  readonly version: string;
  /** Reads the CA bundle named by `cacert`; `undefined` when missing. */
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

async function readCa(cloud: ResolvedCloud, deps: OpenCloudSessionDeps): Promise<string | undefined> {
  if (cloud.cacert === undefined) return undefined;
  const ca = await deps.readFile(cloud.cacert);
  if (ca === undefined) {
    throw new CloudConfigError({
      source: `cloud ${cloud.name}`,
      key: 'cacert',
      problem: `names ${cloud.cacert}, which cannot be read`,
    });
  }
  return ca;
}

/**
 * Builds the session for `cloud`: reads the CA bundle (the only I/O here), creates the
 * transport, wrapper and metrics. Does not authenticate (that happens on first use).
 * Throws `CloudConfigError` when `cacert` cannot be read.
 */
export async function openCloudSession(
  cloud: ResolvedCloud,
  deps: OpenCloudSessionDeps,
): Promise<OpenedSession> {
  const ca = await readCa(cloud, deps);
  const node = deps.transport
    ? null
    : createNodeTransport({ ...(ca === undefined ? {} : { ca }), insecure: cloud.insecure });
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
