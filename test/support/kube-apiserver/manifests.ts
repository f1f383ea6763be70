/**
 * The project's own CRD manifests, read from `deploy/` of the repository this module belongs
 * to (found by walking up to the first package.json, so it works from `test/` and from `dist/`).
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

function repositoryRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('simulated kube-apiserver: no package.json above its module');
    dir = parent;
  }
  return dir;
}

/** Path of deploy/crd-kuryrloadbalancer.yaml. */
export function kuryrLoadBalancerCrdPath(): string {
  return path.join(repositoryRoot(), 'deploy', 'crd-kuryrloadbalancer.yaml');
}

/** The KuryrLoadBalancer CRD (apiextensions.k8s.io/v1) as deploy/ ships it; throws when unreadable. */
export function kuryrLoadBalancerCrd(): unknown {
  return parse(readFileSync(kuryrLoadBalancerCrdPath(), 'utf8')) as unknown;
}
