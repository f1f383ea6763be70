/**
 * One doctor run: read the cloud and the cluster (GETs and SelfSubjectAccessReviews only),
 * then evaluate. Never throws for what it finds; every failed read becomes a row.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ResolvedCloud } from '../../openstack/cloud-config.js';
import type { KeystoneSession } from '../../openstack/keystone/session.js';
import type { AppConfig } from '../config/kuryr-conf.js';
import { describeError, type CheckRow } from './check.js';
import { evaluate } from './evaluate.js';
import { readFailed, readOk, type Read } from './facts.js';
import { readKubeFacts } from './kube-reads.js';
import { readCloudFacts } from './openstack-reads.js';
import { controllerAccessNeeds, type LeaseRef } from './rbac-needs.js';
import type { ServiceCidr } from './service-cidr.js';

/** What a run needs: access to both sides and the configuration. */
export interface DoctorInput {
  readonly cloud: ResolvedCloud;
  readonly session: KeystoneSession;
  readonly kubeConfig: KubeConfig;
  readonly config: AppConfig;
  readonly serviceCidrs: readonly ServiceCidr[];
  /** The leader election Lease the controller would use. */
  readonly lease: LeaseRef;
}

async function token(session: KeystoneSession): Promise<Read<{ projectId: string }>> {
  try {
    return readOk({ projectId: await session.projectId() });
  } catch (err) {
    return readFailed(describeError(err));
  }
}

/** Reads everything and returns the rows (see evaluate.ts). */
export async function runDoctor(input: DoctorInput): Promise<CheckRow[]> {
  const [issued, kube] = await Promise.all([
    token(input.session),
    readKubeFacts(input.kubeConfig, controllerAccessNeeds(input.lease)),
  ]);
  const uid = kube.identity.ok ? kube.identity.value : null;
  const owner = { clusterId: input.config.service.clusterId ?? uid ?? 'unknown', writer: uid ?? 'unknown' };
  const cloud = issued.ok
    ? await readCloudFacts(input.session, input.config, {
        projectId: issued.value.projectId,
        clusterId: owner.clusterId,
      })
    : null;
  const unread = readFailed<string>('no token');
  return evaluate({
    config: input.config,
    owner,
    serviceCidrs: input.serviceCidrs,
    cloudWarnings: input.cloud.warnings,
    keystone: {
      cloud: input.cloud.name,
      authUrl: input.cloud.authUrl,
      token: issued,
      endpoints: cloud?.endpoints ?? { 'load-balancer': unread, network: unread },
    },
    cloud,
    kube,
  });
}
