/**
 * The kustomize base and the example overlay, built by the real kustomize (`kubectl
 * kustomize`), and deploy/'s plain manifests against the chart: scripts/deploy/render --check
 * fails when any generated file drifts from the chart.
 */
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseKuryrConf } from '../../../src/app/config/kuryr-conf.js';
import { idOf, only, parseObjects, renderChart, renderKustomize, REPO, tool } from './render.js';
import { validateObject, type KubeObject } from './validate.js';

vi.setConfig({ testTimeout: 60_000, hookTimeout: 180_000 });

const BASE = join(REPO, 'deploy/kustomize/base');
const OVERLAY = join(REPO, 'deploy/kustomize/overlays/example');

function byId(objects: readonly KubeObject[]): Map<string, KubeObject> {
  return new Map(objects.map((o) => [idOf(o), o]));
}

let chart: KubeObject[] = [];
beforeAll(() => {
  chart = renderChart();
});

describe('deploy/kustomize/base', () => {
  it('builds exactly the objects of the chart with its defaults', () => {
    const base = byId(renderKustomize(BASE));
    const fromChart = byId(chart);
    expect([...base.keys()].sort()).toEqual([...fromChart.keys()].sort());
    for (const [id, object] of base) expect(object, id).toEqual(fromChart.get(id));
  });
});

describe('deploy/kustomize/overlays/example', () => {
  let objects: KubeObject[] = [];
  beforeAll(() => {
    objects = renderKustomize(OVERLAY);
  });

  it('validates, names the image and adds the clouds.yaml Secret the Deployment mounts', async () => {
    for (const object of objects)
      expect(() => {
        validateObject(object);
      }, idOf(object)).not.toThrow();
    const secret = only(objects, 'Secret');
    expect(secret.metadata.name).toMatch(/^kuryr-services-clouds-[a-z0-9]{10}$/);
    const clouds = Buffer.from(
      (secret.data as Record<string, string>)['clouds.yaml'] ?? '',
      'base64',
    ).toString();
    expect(clouds).toBe(await readFile(join(OVERLAY, 'clouds.yaml'), 'utf8'));
    const pod = (only(objects, 'Deployment').spec as { template: { spec: Record<string, unknown> } }).template
      .spec;
    expect(pod.volumes).toContainEqual({ name: 'clouds', secret: { secretName: secret.metadata.name } });
    expect(pod.containers).toMatchObject([{ image: 'registry.example.org/kuryr-services:0.1.0' }]);
  });

  it('replaces kuryr.conf with the overlay file, which the controller reads without a warning', async () => {
    const text = await readFile(join(OVERLAY, 'kuryr.conf'), 'utf8');
    expect(only(objects, 'ConfigMap', 'kuryr-services-config').data).toEqual({ 'kuryr.conf': text });
    const loaded = parseKuryrConf(text, 'kuryr.conf');
    expect(loaded.warnings).toEqual([]);
    expect(loaded.config.service.clusterId).toBe('production-east');
  });
});

describe('deploy/ is the chart rendered', () => {
  it('scripts/deploy/render --check passes on the repository', () => {
    const r = tool('bash', [join(REPO, 'scripts/deploy/render'), '--check']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('deploy/controller.yaml holds the chart default objects but the CRD', async () => {
    const plain = byId(parseObjects(await readFile(join(REPO, 'deploy/controller.yaml'), 'utf8')));
    const noCrd = chart.filter((o) => o.kind !== 'CustomResourceDefinition');
    expect([...plain.keys()].sort()).toEqual(noCrd.map(idOf).sort());
  });

  describe('on a copy of the repository', () => {
    let copy = '';
    beforeAll(async () => {
      copy = await mkdtemp(join(tmpdir(), 'ks-render-'));
      await cp(join(REPO, 'deploy'), join(copy, 'deploy'), { recursive: true });
      await cp(join(REPO, 'scripts/deploy'), join(copy, 'scripts/deploy'), { recursive: true });
      await cp(join(REPO, '.prettierrc.json'), join(copy, '.prettierrc.json'));
      await symlink(join(REPO, 'node_modules'), join(copy, 'node_modules'));
    });
    afterAll(async () => {
      await rm(copy, { recursive: true, force: true });
    });

    it('--check names a hand-edited file and a changed chart default; a render repairs both', async () => {
      const render = join(copy, 'scripts/deploy/render');
      const controller = join(copy, 'deploy/controller.yaml');
      await writeFile(controller, (await readFile(controller, 'utf8')).replace('replicas: 2', 'replicas: 5'));
      const values = join(copy, 'deploy/helm/kuryr-services/values.yaml');
      await writeFile(values, (await readFile(values, 'utf8')).replace('logLevel: info', 'logLevel: debug'));
      const drift = tool('bash', [render, '--check']);
      expect(drift.code).toBe(1);
      expect(drift.stderr).toContain(
        'out of date (run scripts/deploy/render): deploy/controller.yaml deploy/kustomize/base/kuryr-services.yaml',
      );
      expect(tool('bash', [render]).code).toBe(0);
      expect(tool('bash', [render, '--check']).code).toBe(0);
      expect(await readFile(controller, 'utf8')).toContain('--log-level=debug');
    });
  });
});
