/** The reconciler's KubePort over our Kubernetes clients (src/kube/). */
import type { KubeClients } from '../kube/clients.js';
import { deleteKlb, ensureKlbSpec, removeKuryrFinalizer, writeKlbStatus } from '../kube/klb.js';
import { readServiceLive } from '../kube/live-reads.js';
import { addFinalizer, removeFinalizer, setIngress } from '../kube/service-writes.js';
import type { KubePort } from './interfaces.js';

/** Binds the Kubernetes writes to `clients`; `noteKlb` sees every record we write. */
export function makeKubePort(
  clients: KubeClients,
  noteKlb: (klb: Awaited<ReturnType<KubePort['writeKlbStatus']>>) => void = () => undefined,
): KubePort {
  return {
    addFinalizer: (svc, signal) => addFinalizer(clients, svc, signal),
    removeFinalizer: (svc, signal) => removeFinalizer(clients, svc, signal),
    setIngress: (svc, ips, signal) => setIngress(clients, svc, ips, signal),
    ensureKlbSpec: async (svc, spec, current, signal) => {
      const klb = await ensureKlbSpec(clients, svc, spec, current, signal);
      noteKlb(klb);
      return klb;
    },
    writeKlbStatus: async (current, status, signal) => {
      const klb = await writeKlbStatus(clients, current, status, signal);
      noteKlb(klb);
      return klb;
    },
    removeKuryrFinalizer: async (klb, signal) => {
      const written = await removeKuryrFinalizer(clients, klb, signal);
      if (written !== klb) noteKlb(written);
      return written;
    },
    deleteKlb: (namespace, name, signal) => deleteKlb(clients, namespace, name, signal),
    readServiceLive: (namespace, name, signal) => readServiceLive(clients, namespace, name, signal),
  };
}
