/**
 * Deterministic identifiers for the fake cloud: UUIDs, Keystone hex ids, MAC addresses and
 * request ids from one seeded generator (mulberry32), so a run with the same seed and the
 * same requests produces the same ids. Ids are never reused.
 */

/** A seeded source of pseudo-random numbers and the identifiers built from them. */
export class IdSource {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** The next pseudo-random 32-bit unsigned integer (mulberry32). */
  next32(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** A pseudo-random number in [0, 1). */
  fraction(): number {
    return this.next32() / 0x1_0000_0000;
  }

  /** `n` lower-case hex digits. */
  hex(n: number): string {
    let out = '';
    while (out.length < n) out += this.next32().toString(16).padStart(8, '0');
    return out.slice(0, n);
  }

  /** A version-4 UUID (`xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx`). */
  uuid(): string {
    const h = this.hex(32);
    const variant = ((parseInt(h.charAt(16), 16) & 0x3) | 0x8).toString(16);
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
  }

  /** A MAC address in OpenStack's default `fa:16:3e` prefix. */
  mac(): string {
    const bytes = this.hex(6).match(/../g) ?? [];
    return ['fa', '16', '3e', ...bytes].join(':');
  }

  /** An `x-openstack-request-id` value. */
  requestId(): string {
    return `req-${this.uuid()}`;
  }
}
