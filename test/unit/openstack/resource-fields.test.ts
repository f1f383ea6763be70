import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { definedFields } from '../../../src/openstack/resource-fields.js';

interface Changes {
  readonly name?: string | undefined;
  readonly timeoutClientData?: number | null;
  readonly tags?: readonly string[];
  readonly ignored?: string;
}

const names = { name: 'name', timeoutClientData: 'timeout_client_data', tags: 'tags' };

describe('definedFields', () => {
  it.each([
    [{}, {}],
    [{ name: 'a' }, { name: 'a' }],
    [{ timeoutClientData: null }, { timeout_client_data: null }],
    [{ name: undefined, tags: [] }, { tags: [] }],
    [{ ignored: 'x', timeoutClientData: 0 }, { timeout_client_data: 0 }],
  ] satisfies [Changes, Record<string, unknown>][])('%j → %j', (changes, wire) => {
    expect(definedFields(changes, names)).toEqual(wire);
  });

  it('keeps the order of the names, whatever the order of the source', () => {
    const wire = definedFields({ tags: ['t'], name: 'n', timeoutClientData: 5 } satisfies Changes, names);
    expect(Object.keys(wire)).toEqual(['name', 'timeout_client_data', 'tags']);
  });

  it('renames exactly the defined listed fields (property)', () => {
    const changes = fc.record(
      {
        name: fc.option(fc.string(), { nil: undefined }),
        timeoutClientData: fc.option(fc.oneof(fc.integer(), fc.constant(null)), { nil: undefined }),
        ignored: fc.string(),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(changes, (c) => {
        const wire = definedFields(c, { name: 'name', timeoutClientData: 'timeout_client_data' });
        expect(wire).toEqual({
          ...(c.name === undefined ? {} : { name: c.name }),
          ...(c.timeoutClientData === undefined ? {} : { timeout_client_data: c.timeoutClientData }),
        });
      }),
    );
  });

  it('rejects a field the source type does not have (compile time)', () => {
    const changes: Changes = { name: 'a' };
    // @ts-expect-error: `nme` is not a field of Changes
    expect(definedFields(changes, { nme: 'name' })).toEqual({});
  });
});
