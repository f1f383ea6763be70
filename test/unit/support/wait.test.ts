import { describe, expect, it } from 'vitest';
import { waitFor, waitForValue } from '../../support/wait.js';

describe('waitFor', () => {
  it('resolves once check holds, asking again after a false answer and after a throw', async () => {
    const answers: (() => boolean)[] = [
      () => false,
      () => {
        throw new Error('409 busy');
      },
      () => true,
    ];
    let asked = 0;
    await waitFor('the third answer', 5_000, () => Promise.resolve((answers[asked++] ?? (() => false))()), {
      intervalMs: 1,
    });
    expect(asked).toBe(3);
  });

  it('throws naming what it waited for, with the last error of check as cause', async () => {
    const busy = new Error('409 busy');
    const failure = waitFor('a tree that never settles', 20, () => Promise.reject(busy), { intervalMs: 1 });
    await expect(failure).rejects.toThrow('timed out after 20 ms waiting for: a tree that never settles');
    await expect(failure).rejects.toHaveProperty('cause', busy);
  });

  it('has no cause when the last answer was a plain false', async () => {
    await expect(
      waitFor('never', 10, () => Promise.resolve(false), { intervalMs: 1 }),
    ).rejects.toHaveProperty('cause', null);
  });
});

describe('waitForValue', () => {
  it('returns the first value other than null', async () => {
    const values = [null, null, { id: 'lb-1' }];
    let asked = 0;
    const value = await waitForValue(
      'the load balancer',
      5_000,
      () => Promise.resolve(values[asked++] ?? null),
      {
        intervalMs: 1,
      },
    );
    expect(value).toEqual({ id: 'lb-1' });
    expect(asked).toBe(3);
  });

  it('throws like waitFor when the value never comes', async () => {
    await expect(waitForValue('a FIP', 10, () => Promise.resolve(null), { intervalMs: 1 })).rejects.toThrow(
      'timed out after 10 ms waiting for: a FIP',
    );
  });
});
