import { describe, expect, it } from 'vitest';
import { DEFAULT_RESOURCES } from '../../support/kube-apiserver/resources.js';
import { parseFieldSelector, parseLabelSelector } from '../../support/kube-apiserver/selectors.js';
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
