import { CoreV1Api } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RESOURCES } from '../../support/kube-apiserver/resources.js';
import { parseFieldSelector, parseLabelSelector } from '../../support/kube-apiserver/selectors.js';
import { apiFailure } from '../../support/kube-apiserver/recorder.js';
import { startKubeApiServer, type KubeApiServer } from '../../support/kube-apiserver/server.js';
import type { KubeObject } from '../../support/kube-apiserver/object.js';

const obj = (labels: Record<string, string>): KubeObject => ({
  metadata: { name: 'n', namespace: 'ns', labels },
});

describe('label selector parsing', () => {
  it.each([
    ['', { a: '1' }, true],
    ['a=1', { a: '1' }, true],
    ['a==1', { a: '1' }, true],
    ['a=1', { a: '2' }, false],
    ['a!=1', {}, true],
    ['a!=1', { a: '1' }, false],
    ['a in (1, 2)', { a: '2' }, true],
    ['a in (1,2)', {}, false],
    ['a notin (1,2)', {}, true],
    ['a notin (1,2)', { a: '3' }, true],
    ['a notin (1,2)', { a: '1' }, false],
    ['a', { a: '' }, true],
    ['!a', { a: '' }, false],
    ['!a', { b: '1' }, true],
    [
      'app.kubernetes.io/name=web,tier in (front),!legacy',
      { 'app.kubernetes.io/name': 'web', tier: 'front' },
      true,
    ],
  ])('%s on %j is %s', (selector, labels, expected) => {
    expect(parseLabelSelector(selector)(obj(labels))).toBe(expected);
  });

  it('rejects garbage', () => {
    expect(() => parseLabelSelector('a in (1')).toThrow(/unable to parse/);
  });
});

describe('field selector parsing', () => {
  const services = DEFAULT_RESOURCES.find((r) => r.plural === 'services');
  it('supports metadata.name and metadata.namespace only for services', () => {
    if (services === undefined) throw new Error('no services row');
    expect(parseFieldSelector('metadata.name=n,metadata.namespace!=x', services)(obj({}))).toBe(true);
    expect(parseFieldSelector('metadata.name==m', services)(obj({}))).toBe(false);
    expect(() => parseFieldSelector('spec.type=ClusterIP', services)).toThrow(/field label not supported/);
  });
});

describe('selectors on LIST', () => {
  let server: KubeApiServer;
  let core: CoreV1Api;
  beforeEach(async () => {
    server = await startKubeApiServer();
    core = server.kubeConfig().makeApiClient(CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: 'other' } } });
    for (const [namespace, name, tier] of [
      ['default', 'a', 'front'],
      ['default', 'b', 'back'],
      ['other', 'c', 'front'],
    ] as const) {
      await core.createNamespacedService({
        namespace,
        body: { metadata: { name, labels: { tier } }, spec: { ports: [{ port: 80 }] } },
      });
    }
  });
  afterEach(async () => {
    await server.stop();
  });

  it('filters by labels and fields, namespaced and cluster-wide', async () => {
    const front = await core.listServiceForAllNamespaces({ labelSelector: 'tier=front' });
    expect(front.items.map((s) => s.metadata?.name)).toEqual(['a', 'c']);
    const notOther = await core.listServiceForAllNamespaces({ fieldSelector: 'metadata.namespace!=other' });
    expect(notOther.items.map((s) => s.metadata?.name)).toEqual(['a', 'b']);
    const named = await core.listNamespacedService({
      namespace: 'default',
      fieldSelector: 'metadata.name=b',
      labelSelector: 'tier',
    });
    expect(named.items.map((s) => s.metadata?.name)).toEqual(['b']);
  });

  it('answers 400 for an unsupported field', async () => {
    const failure = await apiFailure(
      core.listServiceForAllNamespaces({ fieldSelector: 'spec.clusterIP=1.2.3.4' }),
    );
    expect(failure.code).toBe(400);
    expect(failure.status).toMatchObject({
      reason: 'BadRequest',
      message: 'field label not supported: spec.clusterIP',
    });
  });
});
