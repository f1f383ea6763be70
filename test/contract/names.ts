/**
 * Stable names for what differs between runs and clouds: ids, generated addresses and the run
 * tag are replaced by the labels the scenario gave them, so the normalized result of a
 * scenario is the same value on every cloud that behaves the same.
 */
import { OpenStackError } from '../../src/openstack/errors.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Labels for the run's generated values. */
export class Names {
  readonly #labels = new Map<string, string>();
  readonly #tag: string;

  constructor(runTag: string) {
    this.#tag = runTag;
  }

  /** Gives `value` (an id, an address) the label `label`; returns `value`. */
  name(value: string | null | undefined, label: string): string {
    if (value === null || value === undefined) throw new Error(`cannot name a missing value as ${label}`);
    const known = this.#labels.get(value);
    if (known !== undefined && known !== label)
      throw new Error(`${value} is already named ${known}, not ${label}`);
    this.#labels.set(value, label);
    return value;
  }

  /** The label of `value`, `<uuid>` for an unlabelled id, the run tag as `<run>`. */
  text(value: string): string {
    const label = this.#labels.get(value);
    if (label !== undefined) return label;
    if (UUID.test(value)) return '<uuid>';
    return value.split(this.#tag).join('<run>');
  }

  /** `value` with every string replaced by `text(string)`, deeply. */
  norm(value: unknown): unknown {
    if (typeof value === 'string') return this.text(value);
    if (Array.isArray(value)) return value.map((v) => this.norm(v));
    if (typeof value === 'object' && value !== null) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.norm(v)]));
    }
    return value;
  }

  /** Sorted labels of ids. */
  set(ids: readonly string[]): string[] {
    return ids.map((id) => this.text(id)).sort();
  }
}

/** The comparable part of a failed call: error class, HTTP status, the server's fault kind. */
export async function failure(
  call: Promise<unknown>,
): Promise<{ error: string; status: number | null; type: string | null }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof OpenStackError)
      return { error: error.name, status: error.status, type: error.faultType };
    throw error;
  }
  throw new Error('expected the call to fail, it succeeded');
}
