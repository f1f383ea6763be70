/**
 * Cluster checks: the KuryrLoadBalancer CRD installed and served, RBAC (one
 * SelfSubjectAccessReview per permission the controller uses), the cluster identity (the
 * kube-system namespace uid) and kuryr.conf's cluster_id. Pure.
 */
import { error, ok, warning, type CheckRow } from './check.js';
import type { Read } from './facts.js';
import { describeNeed, type AccessNeed } from './rbac-needs.js';

/** The CRD as the API server reports it; null when not installed. */
export interface CrdInfo {
  readonly established: boolean;
  readonly versions: readonly {
    readonly name: string;
    readonly served: boolean;
    readonly storage: boolean;
  }[];
}

/** The version of the KuryrLoadBalancer CRD the controller uses. */
export const KLB_CRD_VERSION = 'v1';
/** The name of the KuryrLoadBalancer CRD. */
export const KLB_CRD_NAME = 'kuryrloadbalancers.openstack.org';

/** The CRD row. */
export function checkCrd(crd: Read<CrdInfo | null>): CheckRow {
  const check = KLB_CRD_NAME;
  const install = 'kubectl apply -f deploy/crd-kuryrloadbalancer.yaml';
  if (!crd.ok)
    return error(
      'cluster',
      check,
      `cannot be read: ${crd.reason}`,
      'allow get on customresourcedefinitions, or check by hand',
    );
  if (crd.value === null) return error('cluster', check, 'not installed', install);
  const served = crd.value.versions.filter((v) => v.served).map((v) => v.name);
  if (!served.includes(KLB_CRD_VERSION)) {
    return error(
      'cluster',
      check,
      `installed, but ${KLB_CRD_VERSION} is not served (served: ${served.join(', ') || 'none'})`,
      install,
    );
  }
  if (!crd.value.established)
    return error(
      'cluster',
      check,
      'installed but not Established',
      'check the CRD conditions (kubectl describe crd)',
    );
  return ok('cluster', check, `installed, Established, ${KLB_CRD_VERSION} served`);
}

/** One SelfSubjectAccessReview answer. */
export interface AccessAnswer {
  readonly need: AccessNeed;
  readonly allowed: Read<{ readonly allowed: boolean; readonly reason: string }>;
}

/** The RBAC rows: one per denied or unknown permission, or one ok row when all are allowed. */
export function checkRbac(answers: readonly AccessAnswer[], user: string): CheckRow[] {
  const rows: CheckRow[] = [];
  for (const { need, allowed } of answers) {
    const what = describeNeed(need);
    if (!allowed.ok) {
      rows.push(
        warning(
          'rbac',
          what,
          `cannot be checked: ${allowed.reason}`,
          'check the ClusterRole against deploy/controller.yaml',
        ),
      );
      continue;
    }
    if (allowed.value.allowed) continue;
    const fix = `grant ${need.verb} on ${need.resource}${need.subresource === undefined ? '' : `/${need.subresource}`} (deploy/controller.yaml has the rules)`;
    const detail = `denied to ${user} (${need.why})${allowed.value.reason === '' ? '' : `: ${allowed.value.reason}`}`;
    rows.push(
      need.leaderOnly === true
        ? warning('rbac', what, `${detail}; needed with leader election`, fix)
        : error('rbac', what, detail, fix),
    );
  }
  if (rows.length === 0)
    rows.push(ok('rbac', 'controller permissions', `all ${answers.length} allowed to ${user}`));
  return rows;
}

/**
 * The cluster identity and cluster_id rows. kuryr.conf's loader already refuses the shared
 * old default `kubernetes` (so a doctor run with it stops with that message, exit 2).
 */
export function checkIdentity(uid: Read<string>, clusterId: string | null): CheckRow[] {
  const rows = [
    uid.ok
      ? ok('cluster', 'identity', `kube-system namespace uid ${uid.value}`)
      : error(
          'cluster',
          'identity',
          `kube-system namespace uid cannot be read: ${uid.reason}`,
          'allow get on namespaces/kube-system (ClusterRole rule with resourceNames [kube-system])',
        ),
  ];
  if (clusterId !== null) rows.push(ok('cluster', 'cluster_id', `"${clusterId}" (kuryr.conf)`));
  else if (uid.ok)
    rows.push(ok('cluster', 'cluster_id', `not set: the kube-system uid ${uid.value} is used`));
  else {
    rows.push(
      error(
        'cluster',
        'cluster_id',
        'not set, and the kube-system uid to derive it from cannot be read',
        'set [kuryr_services] cluster_id to a name unique among the clusters sharing the project, or allow the read',
      ),
    );
  }
  return rows;
}
