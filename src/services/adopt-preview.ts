/**
 * `adopt --dry-run`: what the controller's first pass would do with each Service of a cluster
 * kuryr-kubernetes served, computed with the controller's own pieces and nothing written. Per
 * Service: the translation (reconciler.ts), the evidence and the full observation a pass makes
 * (kuryr-evidence.ts), the adoption judgement (core/plan/adoption.ts) and `decide`'s actions.
 * A verdict needs a human when the controller would leave the Service unserved or kuryr's load
 * balancer as it is: a refused proof, a load balancer kept for a Service we do not serve, a
 * recorded load balancer that is not in the project, or a Service that cannot be translated.
 */
import type { V1EndpointSlice, V1Service } from '@kubernetes/client-node';
import type { DesiredLoadBalancer, Observed, ServiceRef } from '../core/model.js';
import { isOwnedForService, type Owner } from '../core/ownership.js';
import type { Action } from '../core/plan/actions.js';
import {
  adoptionView,
  judgeAdoption,
  type AdoptionJudgement,
  type KuryrEvidence,
} from '../core/plan/adoption.js';
import { decide } from '../core/plan/decide.js';
import type { CreateMode, Intent } from '../core/plan/decision.js';
import { keepRulesOf } from '../core/translate/keep-rules.js';
import { translate } from '../core/translate/translate.js';
import type { KuryrLoadBalancer } from '../kube/klb.js';
import { KLB_GROUP, KLB_KIND, KLB_VERSION } from '../kube/klb-types.js';
import type { CloudPort, TranslateContext } from './interfaces.js';
import { kuryrEvidence, observeQueryFor } from './kuryr-evidence.js';
import { klbSpecFor, progressOf, recordedReady } from './record.js';

/** What the first pass would do with one Service. */
export type AdoptVerdictKind =
  /** kuryr's load balancer is proven: our tags are added, every id and address kept. */
  | 'adopt'
  /** The Service is being deleted: kuryr's proven load balancer goes with it. */
  | 'release'
  /** It already has a load balancer of ours. */
  | 'ours'
  /** Nothing of kuryr's was found and nothing is recorded: a new load balancer is created. */
  | 'create'
  /** Not served by kuryr-services (headless, another loadBalancerClass...) and nothing of kuryr's. */
  | 'not-served'
  /** A candidate failed the proof: left as it is. Needs a human. */
  | 'refused'
  /** kuryr's load balancer serves a Service we do not serve: left as it is. Needs a human. */
  | 'kept'
  /** The record names a load balancer this project does not have. Needs a human. */
  | 'missing'
  /** The Service cannot be translated as written. Needs a human. */
  | 'invalid';

export interface AdoptVerdict {
  /** `namespace/name`. */
  readonly service: string;
  readonly verdict: AdoptVerdictKind;
  readonly reason: string;
  readonly loadBalancerId: string | null;
  readonly vip: string | null;
  /** The floating IP address kept (adopted or already ours), if any. */
  readonly floatingIp: string | null;
  /** The writes the controller's first pass would make, one line each. */
  readonly actions: readonly string[];
}

export interface AdoptPreview {
  readonly services: readonly AdoptVerdict[];
  /** How many Services have each verdict. */
  readonly counts: Readonly<Partial<Record<AdoptVerdictKind, number>>>;
}

export interface AdoptPreviewInput {
  readonly services: readonly V1Service[];
  readonly slicesFor: (namespace: string, name: string) => readonly V1EndpointSlice[];
  readonly klbFor: (namespace: string, name: string) => KuryrLoadBalancer | undefined;
  readonly context: TranslateContext;
  readonly cloud: Pick<CloudPort, 'observe'>;
  readonly owner: Owner;
  readonly createMode: CreateMode;
  readonly now: number;
  readonly signal: AbortSignal;
}

const NEEDS_HUMAN: ReadonlySet<AdoptVerdictKind> = new Set(['refused', 'kept', 'missing', 'invalid']);

/** Whether the controller would leave this Service for a human. Pure. */
export function needsHuman(v: AdoptVerdict): boolean {
  return NEEDS_HUMAN.has(v.verdict);
}

/** 1 when some Service needs a human, else 0. Pure. */
export function adoptExitCode(preview: AdoptPreview): 0 | 1 {
  return preview.services.some(needsHuman) ? 1 : 0;
}

function objectOf(a: Action): string {
  for (const key of ['listenerId', 'poolId', 'floatingIpId', 'loadBalancerId'] as const) {
    const id: unknown = key in a ? (a as Partial<Record<typeof key, unknown>>)[key] : undefined;
    if (typeof id === 'string') return ` ${key.replace(/Id$/, '')} ${id}`;
  }
  return '';
}

/** One line per action: its kind and the object it writes. Pure. */
export function actionLines(actions: readonly Action[]): string[] {
  return actions.map((a) => `${a.kind}${objectOf(a)}`);
}

interface Judged {
  readonly ref: ServiceRef;
  readonly key: string;
  readonly intent: Intent;
  readonly klb: KuryrLoadBalancer | undefined;
  readonly evidence: KuryrEvidence;
  readonly observed: Observed;
  readonly judgement: AdoptionJudgement;
  readonly owner: Owner;
}

function keptAddress(j: Judged, lbId: string | null): string | null {
  const desired = j.intent.kind === 'ensure' ? j.intent.desired : null;
  const adoption = {
    service: j.ref,
    owner: j.owner,
    desired,
    observed: j.observed,
    evidence: j.evidence,
  };
  const view = adoptionView(adoption, j.judgement);
  const port = view.loadBalancers.find((lb) => lb.id === lbId)?.vipPortId ?? null;
  return port === null ? null : (view.floatingIps.find((f) => f.portId === port)?.address ?? null);
}

function verdictOf(input: AdoptPreviewInput, j: Judged): AdoptVerdict {
  const decision = decide({
    service: j.ref,
    owner: input.owner,
    intent: j.intent,
    observation: { kind: 'full', observed: j.observed },
    progress: progressOf(j.klb),
    licence: null,
    createMode: input.createMode,
    recordedReady: recordedReady(j.klb),
    now: input.now,
    stuckChildrenMs: 60_000,
    kuryr: j.evidence,
  });
  const base = { service: j.key, actions: actionLines(decision.actions) };
  const { judgement } = j;
  if (judgement.kind === 'refused') {
    const lb = j.observed.loadBalancers.find((l) => l.id === judgement.loadBalancerId);
    return {
      ...base,
      verdict: 'refused',
      reason: judgement.reasons.join('; '),
      loadBalancerId: judgement.loadBalancerId,
      vip: lb?.vipAddress ?? null,
      floatingIp: null,
    };
  }
  if (judgement.kind === 'adopt') {
    const lb = judgement.loadBalancer;
    const seen = { ...base, loadBalancerId: lb.id, vip: lb.vipAddress, floatingIp: keptAddress(j, lb.id) };
    if (j.intent.kind === 'ensure')
      return {
        ...seen,
        verdict: 'adopt',
        reason: "proven kuryr-kubernetes's: tagged, every id and address kept",
      };
    return j.evidence.serviceDeleted
      ? { ...seen, verdict: 'release', reason: 'the Service is being deleted: released with it' }
      : {
          ...seen,
          verdict: 'kept',
          reason:
            'kuryr-services does not serve this Service: left as it is, with its record; delete it or serve the Service again',
        };
  }
  const ours = j.observed.loadBalancers.find((lb) => isOwnedForService(lb.tags, input.owner, j.ref));
  if (ours !== undefined) {
    return {
      ...base,
      verdict: 'ours',
      reason: j.intent.kind === 'ensure' ? 'already ours' : 'ours; released by the controller',
      loadBalancerId: ours.id,
      vip: ours.vipAddress,
      floatingIp: keptAddress(j, ours.id),
    };
  }
  const recorded = j.evidence.loadBalancerId;
  if (recorded !== null && j.intent.kind === 'ensure') {
    return {
      ...base,
      verdict: 'missing',
      reason: `the KuryrLoadBalancer names load balancer ${recorded}, which this project does not have (is [neutron_defaults] project the one kuryr used?)`,
      loadBalancerId: recorded,
      vip: null,
      floatingIp: null,
    };
  }
  const none = { loadBalancerId: null, vip: null, floatingIp: null };
  return j.intent.kind === 'ensure'
    ? { ...base, ...none, verdict: 'create', reason: "nothing of kuryr-kubernetes's found: created" }
    : {
        ...base,
        ...none,
        verdict: 'not-served',
        reason: 'not served, and nothing of ours or kuryr-kubernetes found',
      };
}

type Intended =
  | { readonly kind: 'intent'; readonly intent: Intent; readonly skipped: string | null }
  | { readonly kind: 'invalid'; readonly reason: string };

/** The reconciler's intent for the Service (reconciler.ts): ensure, or release when deleted or skipped. */
function intentOf(input: AdoptPreviewInput, svc: V1Service, ref: ServiceRef): Intended {
  const keep = keepRulesOf(svc);
  const release: Intent = { kind: 'release', keep };
  if (svc.metadata?.deletionTimestamp !== undefined)
    return { kind: 'intent', intent: release, skipped: null };
  const t = translate({ service: svc, slices: input.slicesFor(ref.namespace, ref.name), ...input.context });
  switch (t.kind) {
    case 'invalid':
      return { kind: 'invalid', reason: t.reason.message };
    case 'skip':
      return { kind: 'intent', intent: release, skipped: t.reason.message };
    case 'desired':
      return { kind: 'intent', intent: { kind: 'ensure', desired: t.loadBalancer, keep }, skipped: null };
  }
}

/** The record a pass writes before it observes (pass.ts `prepare`): our spec, no status. */
function ourRecord(svc: V1Service, desired: DesiredLoadBalancer | null): KuryrLoadBalancer | undefined {
  if (desired === null) return undefined;
  return {
    apiVersion: `${KLB_GROUP}/${KLB_VERSION}`,
    kind: KLB_KIND,
    metadata: {},
    spec: klbSpecFor(svc, desired),
  };
}

const refOf = (svc: V1Service): ServiceRef => ({
  namespace: svc.metadata?.namespace ?? '',
  name: svc.metadata?.name ?? '',
  uid: svc.metadata?.uid ?? '',
});

async function judgeService(input: AdoptPreviewInput, svc: V1Service): Promise<AdoptVerdict> {
  const ref = refOf(svc);
  const key = `${ref.namespace}/${ref.name}`;
  const none = { service: key, loadBalancerId: null, vip: null, floatingIp: null, actions: [] };
  const intended = intentOf(input, svc, ref);
  if (intended.kind === 'invalid') return { ...none, verdict: 'invalid', reason: intended.reason };
  const { intent, skipped } = intended;
  const klb = input.klbFor(ref.namespace, ref.name);
  if (skipped !== null && klb === undefined) return { ...none, verdict: 'not-served', reason: skipped };
  const { owner } = input;
  const desired = intent.kind === 'ensure' ? intent.desired : null;
  const evidence = kuryrEvidence(svc, klb ?? ourRecord(svc, desired), input.context.config.resourceTags);
  const observed = await input.cloud.observe(observeQueryFor(ref, desired, klb, evidence), input.signal);
  const judgement = judgeAdoption({ service: ref, owner, desired, observed, evidence });
  const verdict = verdictOf(input, { ref, key, intent, klb, evidence, observed, judgement, owner });
  return verdict.verdict === 'not-served' && skipped !== null ? { ...verdict, reason: skipped } : verdict;
}

/** Reads and decides; writes nothing. Throws the typed OpenStack errors. */
export async function previewAdoption(input: AdoptPreviewInput): Promise<AdoptPreview> {
  const keyOf = (svc: V1Service): string => `${refOf(svc).namespace}/${refOf(svc).name}`;
  const ordered = [...input.services].sort((a, b) => keyOf(a).localeCompare(keyOf(b)));
  const services: AdoptVerdict[] = [];
  for (const svc of ordered) services.push(await judgeService(input, svc));
  const counts: Partial<Record<AdoptVerdictKind, number>> = {};
  for (const v of services) counts[v.verdict] = (counts[v.verdict] ?? 0) + 1;
  return { services, counts };
}
