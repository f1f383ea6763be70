/**
 * A cloud's settings as one flat key space (`auth_url`, `username`, `region_name`, ...),
 * each key remembering where it came from so validation errors can name the file and key.
 * clouds.yaml entries, `OS_*` variables and explicit arguments all become layers; later
 * layers win. Pure.
 */

/** Flat settings plus, per key, a human-readable origin (`/etc/openstack/clouds.yaml: clouds.x.auth.password`). */
export interface Layer {
  readonly values: Readonly<Record<string, unknown>>;
  readonly origins: Readonly<Record<string, string>>;
}

/** The empty layer. */
export const EMPTY_LAYER: Layer = { values: {}, origins: {} };

// Legacy spellings openstacksdk still accepts, mapped to the current key.
const ALIASES: Readonly<Record<string, string>> = {
  tenant_name: 'project_name',
  tenant_id: 'project_id',
  endpoint_type: 'interface',
  auth_plugin: 'auth_type',
};

/** `OS-Project-Name`/`os_project_name`/`project-name` → `project_name`, aliases resolved. */
export function normalizeKey(raw: string): string {
  const key = raw.replace(/-/g, '_').toLowerCase().replace(/^os_/, '');
  return ALIASES[key] ?? key;
}

/** Keys of a cloud entry that are structure, not settings. */
const STRUCTURAL = new Set(['auth', 'regions', 'profile', 'cloud']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function put(
  into: { values: Record<string, unknown>; origins: Record<string, string> },
  key: string,
  value: unknown,
  origin: string,
): void {
  if (value === null || value === undefined || value === '') return;
  into.values[key] = value;
  into.origins[key] = origin;
}

/**
 * Flattens a clouds.yaml entry. Values under `auth:` win over the same key at the top
 * level (openstacksdk's auth-plugin option resolution).
 */
export function layerFromEntry(entry: Readonly<Record<string, unknown>>, where: string): Layer {
  const out = { values: {} as Record<string, unknown>, origins: {} as Record<string, string> };
  for (const [raw, value] of Object.entries(entry)) {
    if (!STRUCTURAL.has(raw)) put(out, normalizeKey(raw), value, `${where}.${raw}`);
  }
  const auth = entry.auth;
  if (isRecord(auth)) {
    for (const [raw, value] of Object.entries(auth))
      put(out, normalizeKey(raw), value, `${where}.auth.${raw}`);
  }
  return out;
}

// Variables that select a cloud or a file rather than describe one (openstacksdk's "selectors").
const SELECTORS = new Set([
  'OS_CLOUD',
  'OS_REGION_NAME',
  'OS_CLIENT_CONFIG_FILE',
  'OS_CLIENT_SECURE_FILE',
  'OS_CLOUD_NAME',
]);
const IGNORED_PREFIXES = ['OS_TEST', 'OS_STD', 'OS_LOG'];

function relevantEnvKeys(env: Readonly<Record<string, string | undefined>>): string[] {
  return Object.keys(env).filter(
    (k) => k.startsWith('OS_') && !IGNORED_PREFIXES.some((p) => k.startsWith(p)) && env[k] !== undefined,
  );
}

/**
 * The `envvars` cloud built from `OS_*` variables, or `null` when only selectors
 * (`OS_CLOUD`, `OS_REGION_NAME`, `OS_CLIENT_*_FILE`, `OS_CLOUD_NAME`) are set.
 */
export function layerFromEnv(env: Readonly<Record<string, string | undefined>>): Layer | null {
  const keys = relevantEnvKeys(env);
  if (!keys.some((k) => !SELECTORS.has(k))) return null;
  const out = { values: {} as Record<string, unknown>, origins: {} as Record<string, string> };
  for (const k of keys) {
    if (SELECTORS.has(k) && k !== 'OS_REGION_NAME') continue;
    put(out, normalizeKey(k.slice(3)), env[k], `environment ${k}`);
  }
  return out;
}

/** Explicit arguments (`--os-region-name`, `{ region_name }`, ...) as a layer. */
export function layerFromArgs(args: Readonly<Record<string, unknown>>): Layer {
  const out = { values: {} as Record<string, unknown>, origins: {} as Record<string, string> };
  for (const [raw, value] of Object.entries(args)) put(out, normalizeKey(raw), value, `argument ${raw}`);
  return out;
}

/** `over` wins key by key. */
export function mergeLayers(base: Layer, over: Layer): Layer {
  return {
    values: { ...base.values, ...over.values },
    origins: { ...base.origins, ...over.origins },
  };
}

function hasProjectScope(values: Readonly<Record<string, unknown>>): boolean {
  return 'project_id' in values || 'project_name' in values;
}

/**
 * openstacksdk's `domain_id`/`domain_name` shorthand: for a project-scoped cloud it fills
 * `user_domain_*` and `project_domain_*` where those are unset, then disappears.
 */
export function expandDomainShorthand(layer: Layer): Layer {
  if (!hasProjectScope(layer.values)) return layer;
  const shorthand = (key: string): boolean => key === 'domain_id' || key === 'domain_name';
  const values = Object.fromEntries(Object.entries(layer.values).filter(([k]) => !shorthand(k)));
  const origins = Object.fromEntries(Object.entries(layer.origins).filter(([k]) => !shorthand(k)));
  for (const kind of ['id', 'name'] as const) {
    const key = `domain_${kind}`;
    if (!(key in layer.values)) continue;
    for (const target of [`user_domain_${kind}`, `project_domain_${kind}`]) {
      if (target in values) continue;
      values[target] = layer.values[key];
      origins[target] = layer.origins[key] ?? key;
    }
  }
  return { values, origins };
}
