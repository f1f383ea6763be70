/**
 * Shared access to the real local test cloud built by `scripts/testcloud up`: its
 * clouds.yaml (clouds `testcloud` = non-admin user `kuryr` in project `k8s`, and
 * `testcloud-admin`) and testcloud.json (ids of the networks, subnets, router, endpoints).
 * Integration tests build sessions here; each test owns the session and must `close()` it.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pino, type Logger } from 'pino';
import { Registry } from 'prom-client';
import { z } from 'zod';
import {
  readFileIfExists,
  resolveCloudConfig,
  type ResolvedCloud,
} from '../../src/openstack/cloud-config.js';
import { openCloudSession, type OpenedSession } from '../../src/openstack/keystone/open.js';

/** Directory of the test cloud's generated files. */
export function testcloudDir(): string {
  return process.env.KS_TESTCLOUD_DIR ?? '/var/lib/kuryr-services-testcloud';
}

/** Path of the generated clouds.yaml. */
export function testcloudCloudsYaml(): string {
  return path.join(testcloudDir(), 'clouds.yaml');
}

/** True when `scripts/testcloud up` has written its files (not a liveness check: see `scripts/testcloud status`). */
export function testcloudAvailable(): boolean {
  return existsSync(testcloudCloudsYaml()) && existsSync(path.join(testcloudDir(), 'testcloud.json'));
}

/** Thrown by suites that need the test cloud when `scripts/testcloud up` has not written its files. */
export class TestcloudAbsentError extends Error {
  override readonly name = 'TestcloudAbsentError';

  constructor(readonly dir: string) {
    super(
      `the integration and e2e tests need the local OpenStack test cloud, but ${dir} holds no ` +
        'clouds.yaml + testcloud.json: bring it up with `bash scripts/testcloud up` (or run `npm test`, ' +
        'which does), or point KS_TESTCLOUD_DIR at the directory of a running one',
    );
  }
}

/** Throws TestcloudAbsentError unless the test cloud's files are there; a suite that needs it fails, never skips. */
export function requireTestcloud(): void {
  if (!testcloudAvailable()) throw new TestcloudAbsentError(testcloudDir());
}

const infoSchema = z.looseObject({
  project_id: z.string(),
  project_name: z.string(),
  user: z.string(),
  cloud: z.string().default('testcloud'),
  admin_cloud: z.string().default('testcloud-admin'),
  pod_net_id: z.string(),
  pod_subnet_id: z.string(),
  service_net_id: z.string(),
  service_subnet_id: z.string(),
  router_id: z.string(),
  public_net_id: z.string(),
  public_subnet_id: z.string(),
  endpoints: z.record(z.string(), z.string()).default({}),
  region: z.string().optional(),
});

/** The contents of testcloud.json (unknown extra keys are kept). */
export type TestcloudInfo = z.infer<typeof infoSchema>;

/** Reads and validates testcloud.json; throws naming the file when missing or malformed. */
export async function loadTestcloudInfo(): Promise<TestcloudInfo> {
  const file = path.join(testcloudDir(), 'testcloud.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (cause) {
    throw new Error(`${file} not readable: is the test cloud up? (bash scripts/testcloud up)`, { cause });
  }
  const parsed = infoSchema.safeParse(JSON.parse(text) as unknown);
  if (!parsed.success) throw new Error(`${file}: ${z.prettifyError(parsed.error)}`);
  return parsed.data;
}

/** Resolves `cloud` (default `testcloud`) from the test cloud's clouds.yaml only (no ambient OS_* variables). */
export function resolveTestcloud(cloud = 'testcloud'): Promise<ResolvedCloud> {
  return resolveCloudConfig({
    env: { OS_CLIENT_CONFIG_FILE: testcloudCloudsYaml() },
    readFile: readFileIfExists,
    cwd: '/nonexistent',
    homeDir: '/nonexistent',
    cloud,
  });
}

/** Options of `testcloudSession`. */
export interface TestcloudSessionOptions {
  /** `testcloud` (default, non-admin) or `testcloud-admin`. */
  readonly cloud?: string;
  readonly registry?: Registry;
  readonly logger?: Logger;
  /** Wall clock for token expiry (default `Date.now`). */
  readonly now?: () => number;
  readonly expiryMarginMs?: number;
  /** Replaces parts of the resolved cloud (e.g. `credentials`). */
  readonly patch?: Partial<ResolvedCloud>;
}

/** A Keystone session on the test cloud; call `close()` in `afterAll`/`finally`. */
export async function testcloudSession(opts: TestcloudSessionOptions = {}): Promise<OpenedSession> {
  const resolved = { ...(await resolveTestcloud(opts.cloud)), ...opts.patch };
  return openCloudSession(resolved, {
    logger: opts.logger ?? pino({ level: process.env.KS_TEST_LOG_LEVEL ?? 'silent' }),
    registry: opts.registry ?? new Registry(),
    version: 'test',
    readFile: readFileIfExists,
    ...(opts.now ? { now: opts.now } : {}),
    ...(opts.expiryMarginMs === undefined ? {} : { expiryMarginMs: opts.expiryMarginMs }),
  });
}
