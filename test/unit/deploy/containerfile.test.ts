/**
 * The Containerfile and the rendered install bundle carry the controller's heap cap
 * (NODE_OPTIONS=--max-old-space-size=256, docs/bench/results.md): the image by its ENV, the
 * bundle (deploy/controller.yaml, the chart's defaults rendered) by the container's env, with
 * the same value, so a pod started from either has the heap the 10k-Service run was measured with.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseObjects, REPO } from './render.js';
import type { KubeObject } from './validate.js';

const CAP = '--max-old-space-size=256';

/** The value of `ENV name=value` in a Containerfile, or undefined when none sets it. */
function envOf(containerfile: string, name: string): string | undefined {
  for (const line of containerfile.split('\n')) {
    const m = /^ENV\s+([A-Za-z_][A-Za-z0-9_]*)=(\S+)\s*$/.exec(line);
    if (m?.[1] === name) return m[2];
  }
  return undefined;
}

interface Env {
  name: string;
  value?: string;
}

function controllerEnv(objects: readonly KubeObject[]): Env[] {
  const deployment = objects.find((o) => o.kind === 'Deployment');
  const spec = deployment?.spec as { template: { spec: { containers: { env: Env[] }[] } } } | undefined;
  const env = spec?.template.spec.containers[0]?.env;
  if (env === undefined) throw new Error('no controller container in the bundle');
  return env;
}

describe('the heap cap', () => {
  it('is set by the Containerfile', async () => {
    const text = await readFile(join(REPO, 'Containerfile'), 'utf8');
    expect(envOf(text, 'NODE_OPTIONS')).toBe(CAP);
    expect(envOf(text, 'NODE_ENV')).toBe('production');
  });

  it('is set by the install bundle and its kustomize base, to the same value', async () => {
    for (const file of ['deploy/controller.yaml', 'deploy/kustomize/base/kuryr-services.yaml']) {
      const objects = parseObjects(await readFile(join(REPO, file), 'utf8'));
      expect(controllerEnv(objects), file).toContainEqual({ name: 'NODE_OPTIONS', value: CAP });
    }
  });
});
