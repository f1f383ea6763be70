/**
 * The churn: one step at a time, a seeded choice of what a user does to one Service slot —
 * create (or re-create after a delete), scale its endpoints, change its ports, flip its type
 * ClusterIP <-> LoadBalancer, or delete it — written to the API server and mirrored in the
 * slot. Writes are retried while the API server refuses connections or answers 409/5xx (the
 * chaos hits our own writes too); a re-create waits until the old incarnation is gone.
 */
import type { CoreV1Api, DiscoveryV1Api, V1Service } from '@kubernetes/client-node';
import type { Rng } from './prng.js';
import { drawPods, drawPorts, NS, serviceBody, sliceBody, type Addresses, type Slot } from './world.js';

/** What the churn writes with. */
export interface ChurnApi {
  readonly core: CoreV1Api;
  readonly discovery: DiscoveryV1Api;
}

/** The kinds of step. */
export type StepKind = 'create' | 'recreate' | 'scale' | 'ports' | 'type' | 'delete' | 'skip';

function codeOf(err: unknown): number | undefined {
  if (typeof err !== 'object' || err === null || !('code' in err)) return undefined;
  return typeof err.code === 'number' ? err.code : undefined;
}

/** Runs `call` until it succeeds or `doneOn` names its status; retries anything else for 120 s. */
export async function retrying<T>(
  what: string,
  call: () => Promise<T>,
  doneOn: readonly number[] = [],
): Promise<T | null> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    try {
      return await call();
    } catch (err) {
      const code = codeOf(err);
      if (code !== undefined && doneOn.includes(code)) return null;
      if (Date.now() > deadline) throw new Error(`chaos churn: ${what} kept failing`, { cause: err });
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function writeSlice(api: ChurnApi, slot: Slot): Promise<void> {
  const body = sliceBody(slot);
  const name = body.metadata?.name ?? '';
  await retrying(`slice ${name}`, async () => {
    const current = await api.discovery
      .readNamespacedEndpointSlice({ name, namespace: NS })
      .catch((err: unknown) => {
        if (codeOf(err) === 404) return null;
        throw err;
      });
    if (current === null) return api.discovery.createNamespacedEndpointSlice({ namespace: NS, body });
    body.metadata = Object.assign(body.metadata ?? {}, {
      resourceVersion: current.metadata?.resourceVersion ?? '',
    });
    return api.discovery.replaceNamespacedEndpointSlice({ name, namespace: NS, body });
  });
}

/** Creates the slot's Service (slice first); false when the old incarnation still exists. */
async function create(api: ChurnApi, slot: Slot, rng: Rng, addresses: Addresses): Promise<boolean> {
  const exists = await retrying(
    `read ${slot.name}`,
    () => api.core.readNamespacedService({ name: slot.name, namespace: NS }),
    [404],
  );
  if (exists !== null) return false;
  slot.kind = rng.chance(0.5) ? 'LoadBalancer' : 'ClusterIP';
  slot.ports = drawPorts(rng);
  slot.podIps = drawPods(rng, addresses);
  slot.clusterIP = addresses.clusterIp();
  await writeSlice(api, slot);
  const made = await retrying(`create ${slot.name}`, () =>
    api.core.createNamespacedService({ namespace: NS, body: serviceBody(slot) }),
  );
  slot.uid = made?.metadata?.uid ?? '';
  slot.alive = true;
  slot.incarnations++;
  return true;
}

/** Read-modify-replace of the slot's Service spec, retried on conflicts. */
async function editService(api: ChurnApi, slot: Slot): Promise<void> {
  await retrying(`edit ${slot.name}`, async () => {
    const current: V1Service = await api.core.readNamespacedService({ name: slot.name, namespace: NS });
    const wanted = serviceBody(slot).spec ?? {};
    current.spec = Object.assign(current.spec ?? {}, {
      type: wanted.type ?? 'ClusterIP',
      ports: wanted.ports ?? [],
    });
    return api.core.replaceNamespacedService({ name: slot.name, namespace: NS, body: current });
  });
}

async function remove(api: ChurnApi, slot: Slot): Promise<void> {
  slot.alive = false;
  await retrying(
    `delete ${slot.name}`,
    () => api.core.deleteNamespacedService({ name: slot.name, namespace: NS }),
    [404],
  );
}

function drawEdit(rng: Rng): StepKind {
  return rng.pick<StepKind>(['scale', 'scale', 'ports', 'type', 'type', 'delete']);
}

/** One churn step on `slot`; returns what it did ('skip' when a re-create must wait). */
export async function churnStep(
  api: ChurnApi,
  slot: Slot,
  rng: Rng,
  addresses: Addresses,
): Promise<StepKind> {
  if (!slot.alive) {
    const kind: StepKind = slot.incarnations === 0 ? 'create' : 'recreate';
    return (await create(api, slot, rng, addresses)) ? kind : 'skip';
  }
  const kind = drawEdit(rng);
  if (kind === 'delete') await remove(api, slot);
  else if (kind === 'scale') {
    slot.podIps = drawPods(rng, addresses);
    await writeSlice(api, slot);
  } else {
    if (kind === 'ports') slot.ports = drawPorts(rng);
    else slot.kind = slot.kind === 'LoadBalancer' ? 'ClusterIP' : 'LoadBalancer';
    await editService(api, slot);
  }
  return kind;
}
