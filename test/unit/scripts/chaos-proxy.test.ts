/**
 * The chaos suite's pieces that decide what a run does: the seeded streams (a seed replays the
 * same draws) and the fault proxy (forwards untouched with no faults, injects what its rates
 * say, counts requests per second, keeps the last X-Auth-Token) against a loopback upstream.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NO_FAULTS, rateFigures, startFaultProxy } from '../../../scripts/chaos-parts/fault-proxy.js';
import { seededRng } from '../../../scripts/chaos-parts/prng.js';

const draws = (seed: number, label: string): number[] => {
  const rng = seededRng(seed).fork(label);
  return Array.from({ length: 8 }, () => rng.int(0, 1000));
};

describe('seededRng', () => {
  it('replays the same draws for the same seed and label, other draws for another', () => {
    expect(draws(42, 'churn')).toEqual(draws(42, 'churn'));
    expect(draws(42, 'churn')).not.toEqual(draws(43, 'churn'));
    expect(draws(42, 'churn')).not.toEqual(draws(42, 'schedule'));
  });
});

describe('startFaultProxy', () => {
  let upstream: Server;
  let target = '';
  beforeAll(async () => {
    upstream = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ path: req.url, method: req.method }));
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    target = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise((resolve) => upstream.close(resolve));
  });

  it('forwards untouched with no faults, counts requests and keeps the last token', async () => {
    const proxy = await startFaultProxy({ target, rng: seededRng(1), stallMs: 0 });
    try {
      const from = Date.now();
      const res = await fetch(`${proxy.url}v2/lbaas/loadbalancers?x=1`, {
        headers: { 'X-Auth-Token': 'tok-1' },
      });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ path: '/v2/lbaas/loadbalancers?x=1', method: 'GET' });
      expect(proxy.counts()).toEqual({ ...NO_FAULTS, requests: 1 });
      expect(proxy.lastToken()).toBe('tok-1');
      expect(rateFigures([proxy.perSecond()], from, Date.now()).max).toBe(1);
    } finally {
      await proxy.stop();
    }
  });

  it('answers a 5xx when the 5xx rate is 1, and a 409 to writes only when the conflict rate is 1', async () => {
    const proxy = await startFaultProxy({ target, rng: seededRng(2), stallMs: 0 });
    try {
      proxy.setRates({ ...NO_FAULTS, error5xx: 1 });
      expect([500, 502, 503]).toContain((await fetch(`${proxy.url}a`)).status);
      proxy.setRates({ ...NO_FAULTS, conflict: 1 });
      expect((await fetch(`${proxy.url}a`, { method: 'DELETE' })).status).toBe(409);
      expect((await fetch(`${proxy.url}a`)).status).toBe(200);
      expect(proxy.counts()).toMatchObject({ requests: 3, error5xx: 1, conflict: 1 });
    } finally {
      await proxy.stop();
    }
  });

  it('resets the connection when the reset rate is 1', async () => {
    const proxy = await startFaultProxy({ target, rng: seededRng(3), stallMs: 0 });
    try {
      proxy.setRates({ ...NO_FAULTS, reset: 1 });
      await expect(fetch(`${proxy.url}a`)).rejects.toThrow();
      expect(proxy.counts().reset).toBe(1);
    } finally {
      await proxy.stop();
    }
  });
});

describe('rateFigures', () => {
  it('counts idle seconds as 0 in the mean', () => {
    const m = new Map([
      [10, 4],
      [12, 2],
    ]);
    expect(rateFigures([m, new Map([[10, 1]])], 10_000, 13_999)).toEqual({ max: 5, mean: 7 / 4 });
  });
});
