/**
 * Zod schemas for the Octavia enumerations the model knows. A value outside them (an HTTP
 * listener, an APP_COOKIE persistence, a new status) fails parsing with a typed
 * UnexpectedResponseError rather than leaking an unknown string into the planner.
 */
import { z } from 'zod';
import type { LbAlgorithm, LbProtocol, ProvisioningStatus } from '../../core/model.js';

/** Octavia provisioning statuses. */
export const provisioningStatusSchema = z.enum([
  'ACTIVE',
  'PENDING_CREATE',
  'PENDING_UPDATE',
  'PENDING_DELETE',
  'ERROR',
  'DELETED',
] as const satisfies readonly ProvisioningStatus[]);

/** Listener and pool protocols we implement (L4, and HTTPS: TLS passthrough). */
export const protocolSchema = z.enum([
  'TCP',
  'UDP',
  'SCTP',
  'HTTPS',
] as const satisfies readonly LbProtocol[]);

/** Pool balancing algorithms. */
export const lbAlgorithmSchema = z.enum([
  'ROUND_ROBIN',
  'LEAST_CONNECTIONS',
  'SOURCE_IP',
  'SOURCE_IP_PORT',
] as const satisfies readonly LbAlgorithm[]);

/** Octavia's operating status: informational, kept as a string. */
export const operatingStatusSchema = z.string();

/** Octavia's API base below the endpoint. */
export const LBAAS = '/v2/lbaas';
