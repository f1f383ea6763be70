/**
 * Renaming the fields that are present: list filters become query parameters and changes
 * become PUT bodies the same way in every resource module (`vipAddress` → `vip_address`,
 * absent fields left out, `null` kept because it resets a field).
 */

/** The wire name of each listed field of `T`. */
export type WireNames<T, K extends keyof T> = Readonly<Record<K, string>>;

/**
 * The fields of `source` listed in `names` whose value is not undefined, under their wire
 * names, in the order of `names`. Values are passed through as they are (null included). Pure.
 */
export function definedFields<T extends object, K extends keyof T & string>(
  source: T,
  names: WireNames<T, K>,
): Record<string, Exclude<T[K], undefined>> {
  const out: Record<string, Exclude<T[K], undefined>> = {};
  for (const [key, wire] of Object.entries(names) as [K, string][]) {
    const value = source[key];
    if (value !== undefined) out[wire] = value as Exclude<T[K], undefined>;
  }
  return out;
}
