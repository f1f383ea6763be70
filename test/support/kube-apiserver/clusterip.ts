/**
 * Allocators for Service cluster IPs (IPv4 only) and node ports, mirroring the real
 * allocators' contract: the network and broadcast addresses of the service CIDR are never
 * handed out; an explicit address must be inside the range and free; releasing is idempotent.
 * Dynamic allocation takes the lowest free address (the real one is random) so tests are
 * deterministic.
 */

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** `a.b.c.d` to a 32-bit number, or undefined when not a canonical dotted quad. */
export function parseIPv4(text: string): number | undefined {
  if (!IPV4.test(text)) return undefined;
  return text.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** A 32-bit number to `a.b.c.d`. */
export function formatIPv4(value: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(value / 2 ** shift) % 256).join('.');
}

/** Why an explicit allocation was refused. */
export class AllocationError extends Error {
  override readonly name = 'AllocationError';
}

/** The range of a RangeAllocator; `describe` formats values in messages, `noun` names them. */
export interface RangeOptions {
  readonly first: number;
  readonly last: number;
  readonly rangeText: string;
  readonly noun: 'IP' | 'port';
  readonly describe: (value: number) => string;
}

/** Hands out integers from [first, last]. */
export class RangeAllocator {
  private readonly used = new Set<number>();

  constructor(private readonly range: RangeOptions) {}

  /** The lowest free value; throws AllocationError when the range is full. */
  allocateNext(): number {
    for (let value = this.range.first; value <= this.range.last; value++) {
      if (!this.used.has(value)) {
        this.used.add(value);
        return value;
      }
    }
    throw new AllocationError('range is full');
  }

  /** Reserves `value`; throws AllocationError when outside the range or taken. */
  allocate(value: number): void {
    const { first, last, noun, rangeText } = this.range;
    if (value < first || value > last) {
      const shown = this.range.describe(value);
      throw new AllocationError(
        `the provided ${noun} (${shown}) is not in the valid range. The range of valid ${noun}s is ${rangeText}`,
      );
    }
    if (this.used.has(value)) throw new AllocationError(`provided ${noun} is already allocated`);
    this.used.add(value);
  }

  /** Frees `value` (no-op when not allocated). */
  release(value: number): void {
    this.used.delete(value);
  }

  /** True when `value` is allocated. */
  has(value: number): boolean {
    return this.used.has(value);
  }
}

/** A cluster IP allocator over an IPv4 CIDR such as `10.2.0.0/17`. */
export function clusterIpAllocator(cidr: string): RangeAllocator {
  const [address = '', bitsText = ''] = cidr.split('/');
  const base = parseIPv4(address);
  const bits = Number(bitsText);
  if (base === undefined || !Number.isInteger(bits) || bits < 1 || bits > 30) {
    throw new Error(`invalid service CIDR "${cidr}" for the simulated kube-apiserver`);
  }
  const size = 2 ** (32 - bits);
  const network = base - (base % size);
  return new RangeAllocator({
    first: network + 1,
    last: network + size - 2,
    rangeText: cidr,
    noun: 'IP',
    describe: formatIPv4,
  });
}

/** A node port allocator over `30000-32767` (or another `first-last`). */
export function nodePortAllocator(range = '30000-32767'): RangeAllocator {
  const [first = 30000, last = 32767] = range.split('-').map(Number);
  return new RangeAllocator({ first, last, rangeText: range, noun: 'port', describe: String });
}
