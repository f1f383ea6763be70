/**
 * Global setup of the kube-contract project: picks the API server the contract suite runs
 * against. With KS_KUBE_CONTRACT_KUBECONFIG (set from KUBECONFIG by `npm run
 * test:kube-contract`) it is that kubeconfig's server, which must answer `/version`: an
 * unreachable one fails the whole run here (never a skip). Without it, the simulated API
 * server is started over HTTPS, with no CRD installed, and the suite gets a kubeconfig file
 * for it, so both targets are reached the same way.
 */
import { KubeConfig, VersionApi } from '@kubernetes/client-node';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startKubeApiServer } from '../support/kube-apiserver/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the kubeconfig the suite uses, and whether it names a real API server. */
    kubeContract: { kubeconfig: string; real: boolean };
  }
}

/** The named API server did not answer. */
export class ContractTargetError extends Error {
  override readonly name = 'ContractTargetError';
}

async function checkReachable(file: string): Promise<void> {
  const kc = new KubeConfig();
  try {
    kc.loadFromFile(file);
    const timeout = new Promise<never>((_resolve, reject) => {
      setTimeout(() => {
        reject(new Error('no answer in 10 s'));
      }, 10_000).unref();
    });
    const version = await Promise.race([kc.makeApiClient(VersionApi).getCode(), timeout]);
    process.stderr.write(
      `kube-contract: running against ${kc.getCurrentCluster()?.server ?? '?'} (${version.gitVersion})\n`,
    );
  } catch (cause) {
    const server = kc.getCurrentCluster()?.server ?? '(no current cluster)';
    throw new ContractTargetError(
      `kube-contract: the API server of ${file} (${server}) does not answer GET /version: ${String(cause)}`,
      { cause },
    );
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.KS_KUBE_CONTRACT_KUBECONFIG ?? '';
  if (given !== '') {
    await checkReachable(given);
    project.provide('kubeContract', { kubeconfig: given, real: true });
    return () => Promise.resolve();
  }
  const server = await startKubeApiServer({ tls: true, crds: [], bookmarkIntervalMs: 300 });
  const dir = mkdtempSync(path.join(tmpdir(), 'kube-contract-'));
  const file = path.join(dir, 'kubeconfig');
  writeFileSync(file, server.kubeConfig().exportConfig(), { mode: 0o600 });
  project.provide('kubeContract', { kubeconfig: file, real: false });
  return async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  };
}
