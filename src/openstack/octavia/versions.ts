/**
 * Octavia version discovery: GET the unversioned root, pick the CURRENT v2 entry ("v2.27")
 * and turn it into the core's CapabilityProfile.
 */
import { z } from 'zod';
import type { ApiVersion, CapabilityProfile, OctaviaProvider } from '../../core/model.js';
import type { OpenStackSession } from '../session.js';
import { send, UnexpectedResponseError } from '../response.js';

/** One entry of Octavia's versions document. */
export interface VersionEntry {
  readonly id: string;
  readonly status: string;
}

const OPERATION = 'octavia.versions.get';
const LABEL = { service: 'load-balancer', operation: OPERATION };

const versionsSchema = z.object({
  versions: z.array(z.object({ id: z.string(), status: z.string() })),
});

/** "v2.27" → {major: 2, minor: 27}; "v2" → minor 0; null when `id` is not a version. Pure. */
export function parseVersionId(id: string): ApiVersion | null {
  const match = /^v(\d+)(?:\.(\d+))?$/.exec(id);
  if (match?.[1] === undefined) return null;
  return { major: Number(match[1]), minor: Number(match[2] ?? '0') };
}

/**
 * The API version to use: the CURRENT v2 entry, else the highest v2 minor listed.
 * Throws UnexpectedResponseError when the document lists no v2 at all. Pure.
 */
export function selectVersion(entries: readonly VersionEntry[]): ApiVersion {
  const v2 = entries
    .map((e) => ({ status: e.status.toUpperCase(), version: parseVersionId(e.id) }))
    .filter((e): e is { status: string; version: ApiVersion } => e.version?.major === 2);
  const current = v2.find((e) => e.status === 'CURRENT');
  if (current !== undefined) return current.version;
  const highest = v2.map((e) => e.version).sort((a, b) => b.minor - a.minor)[0];
  if (highest === undefined) {
    throw new UnexpectedResponseError(
      LABEL,
      `no v2 API among ${entries.map((e) => e.id).join(', ') || 'no versions'}`,
    );
  }
  return highest;
}

/** The capability profile of an Octavia answering with `entries`, using `provider`. Pure. */
export function capabilityProfile(
  entries: readonly VersionEntry[],
  provider: OctaviaProvider,
): CapabilityProfile {
  return { apiVersion: selectVersion(entries), provider, legacyLbaasV2: false };
}

/** GET the Octavia root's versions document. Throws the session's typed errors or UnexpectedResponseError. */
export async function list(session: OpenStackSession, signal?: AbortSignal): Promise<VersionEntry[]> {
  const call = { service: 'load-balancer', method: 'GET', path: '/', operation: OPERATION } as const;
  return (await send(session, { ...call, signal }, versionsSchema)).versions;
}

/** Discovers the Octavia API version and returns the capability profile for `provider` (from config). */
export async function discover(
  session: OpenStackSession,
  provider: OctaviaProvider,
  signal?: AbortSignal,
): Promise<CapabilityProfile> {
  return capabilityProfile(await list(session, signal), provider);
}
