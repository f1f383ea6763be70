/**
 * Resolves which OpenStack cloud to talk to and with which credentials, the way
 * openstacksdk's `config/loader.py` does. Takes the environment and a file reader as
 * parameters: the only reader of `process.env` is src/app.
 *
 * Precedence (later wins), as implemented and tested in test/unit/openstack/cloud-config.test.ts:
 *  1. Files: the first existing clouds.{yaml,yml,json} of `OS_CLIENT_CONFIG_FILE`, `.`,
 *     `$XDG_CONFIG_HOME/openstack`, `~/.config/openstack`, `/etc/openstack`; the first
 *     secure.* of the same list (`OS_CLIENT_SECURE_FILE` first) is deep-merged over it.
 *  2. `OS_*` variables (other than the selectors OS_CLOUD, OS_REGION_NAME, OS_CLOUD_NAME,
 *     OS_CLIENT_*_FILE) form one more cloud named `envvars` (or `$OS_CLOUD_NAME`). They do
 *     NOT override values of a cloud from a file (openstacksdk library behaviour;
 *     python-openstackclient differs because argparse defaults read the environment).
 *  3. The cloud used: the `cloud` argument (`--os-cloud`), else `OS_CLOUD`, else the
 *     envvars cloud when it exists, else the only cloud of the file; otherwise an error.
 *  4. Within the chosen cloud: top-level keys < `auth:` keys < the chosen region's
 *     `values` (from `regions:`) < explicit `overrides` (CLI arguments).
 *  5. `domain_id`/`domain_name` fill unset `user_domain_*`/`project_domain_*`.
 * Deviations: an unparsable file is an error naming it (openstacksdk logs and skips it), and
 * so is an `OS_CLIENT_CONFIG_FILE` / `OS_CLIENT_SECURE_FILE` naming a file that cannot be
 * read (openstacksdk falls back to the search path). Unknown keys in a file are warnings.
 * Proxies come from https_proxy / http_proxy / no_proxy in `env` (src/openstack/proxy.ts).
 */
import { CloudConfigError } from './clouds/errors.js';
import { candidateFiles, deepMerge, loadFirst, type FileReader, type LoadedFile } from './clouds/files.js';
import {
  EMPTY_LAYER,
  expandDomainShorthand,
  layerFromArgs,
  layerFromEntry,
  layerFromEnv,
  mergeLayers,
  type Layer,
} from './clouds/layers.js';
import { validateCloud, type CloudSettings } from './clouds/validate.js';
import { proxySettingsFromEnv, type ProxySettings } from './proxy.js';

export { CloudConfigError } from './clouds/errors.js';
export { readFileIfExists, type FileReader } from './clouds/files.js';

/** Everything resolution reads; nothing else. */
export interface CloudConfigInput {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly readFile: FileReader;
  readonly cwd: string;
  readonly homeDir: string;
  /** `--os-cloud`; wins over `OS_CLOUD`. */
  readonly cloud?: string | undefined;
  /** Explicit settings (clouds.yaml key names, `os-` prefix and dashes allowed); win over everything. */
  readonly overrides?: Readonly<Record<string, unknown>> | undefined;
}

/** A resolved cloud: validated settings plus where they came from. */
export interface ResolvedCloud extends CloudSettings {
  readonly name: string;
  /** Files and `environment` that contributed, for logs. */
  readonly sources: readonly string[];
  /** Proxies for OpenStack calls, from the environment. */
  readonly proxy: ProxySettings;
}

async function checkNamedFiles(input: CloudConfigInput): Promise<void> {
  for (const name of ['OS_CLIENT_CONFIG_FILE', 'OS_CLIENT_SECURE_FILE'] as const) {
    const file = input.env[name];
    if (file === undefined || file === '') continue;
    if ((await input.readFile(file)) === undefined) {
      throw new CloudConfigError({
        source: `environment ${name}`,
        key: null,
        problem: `names ${file}, which does not exist or cannot be read`,
      });
    }
  }
}

interface Candidate {
  readonly layer: Layer;
  readonly regions: unknown;
  readonly source: string;
}

interface FileEntry {
  readonly entry: Record<string, unknown>;
  readonly where: string;
}

function entryOf(file: LoadedFile | null, name: string): FileEntry | null {
  const entry = file?.clouds[name];
  return file && entry ? { entry, where: `${file.file}: clouds.${name}` } : null;
}

function fileCandidates(loaded: LoadedFile | null, secure: LoadedFile | null): Map<string, Candidate> {
  const out = new Map<string, Candidate>();
  const names = new Set([...Object.keys(loaded?.clouds ?? {}), ...Object.keys(secure?.clouds ?? {})]);
  for (const name of names) out.set(name, candidateOf(name, entryOf(loaded, name), entryOf(secure, name)));
  return out;
}

/** One cloud from clouds.yaml (`base`) with secure.yaml's keys (`over`) layered on top. */
function candidateOf(name: string, base: FileEntry | null, over: FileEntry | null): Candidate {
  const entry = deepMerge(base?.entry ?? {}, over?.entry ?? {});
  // Origins name the file that supplied each key: secure.yaml's keys are layered on top.
  const layer = mergeLayers(layerOf(base), layerOf(over));
  const source = base?.where ?? over?.where ?? `clouds.${name}`;
  return { layer, regions: entry.regions, source };
}

function layerOf(file: FileEntry | null): Layer {
  return file ? layerFromEntry(file.entry, file.where) : EMPTY_LAYER;
}

function chooseName(input: CloudConfigInput, clouds: Map<string, Candidate>, envKey: string | null): string {
  const named = input.cloud ?? input.env.OS_CLOUD;
  if (named !== undefined && named !== '') {
    if (!clouds.has(named)) {
      const known = [...clouds.keys()].join(', ') || 'none';
      const source = input.cloud === undefined ? 'environment OS_CLOUD' : 'argument --os-cloud';
      throw new CloudConfigError({
        source,
        key: null,
        problem: `names cloud '${named}', which is not defined (known: ${known})`,
      });
    }
    return named;
  }
  if (envKey !== null) return envKey;
  const only = clouds.size === 1 ? [...clouds.keys()][0] : undefined;
  if (only !== undefined) return only;
  const problem =
    clouds.size === 0
      ? 'is missing: no clouds.yaml found and no OS_* credentials set'
      : `is ambiguous: several clouds (${[...clouds.keys()].join(', ')}) and none chosen with --os-cloud or OS_CLOUD`;
  throw new CloudConfigError({ source: 'OpenStack credentials', key: null, problem });
}

function regionLayer(candidate: Candidate, wanted: unknown): Layer {
  if (!Array.isArray(candidate.regions)) return EMPTY_LAYER;
  const regions = candidate.regions.map((r: unknown) =>
    typeof r === 'string' ? { name: r, values: {} } : (r as { name?: unknown; values?: unknown }),
  );
  const chosen = wanted === undefined ? regions[0] : regions.find((r) => r.name === wanted);
  if (!chosen || typeof chosen.name !== 'string') {
    const names = regions.map((r) => String(r.name)).join(', ');
    throw new CloudConfigError({
      source: candidate.source,
      key: 'regions',
      problem: `has no region ${String(wanted)} (known: ${names})`,
    });
  }
  const values =
    typeof chosen.values === 'object' && chosen.values !== null
      ? (chosen.values as Record<string, unknown>)
      : {};
  return mergeLayers(
    layerFromArgs({ region_name: chosen.name }),
    layerFromEntry(values, `${candidate.source}.regions.${chosen.name}`),
  );
}

/**
 * Resolves the cloud to use from files, environment and explicit arguments (see the module
 * comment for precedence). Throws `CloudConfigError` naming the file/variable and key at fault.
 */
export async function resolveCloudConfig(input: CloudConfigInput): Promise<ResolvedCloud> {
  await checkNamedFiles(input);
  const ctx = { env: input.env, cwd: input.cwd, homeDir: input.homeDir };
  const loaded = await loadFirst(candidateFiles('clouds', ctx), input.readFile);
  const secure = await loadFirst(candidateFiles('secure', ctx), input.readFile);
  const clouds = fileCandidates(loaded, secure);
  const envKey = addEnvCloud(clouds, input.env, loaded);
  const name = chooseName(input, clouds, envKey);
  const candidate = clouds.get(name);
  if (!candidate) throw new CloudConfigError({ source: 'clouds', key: name, problem: 'vanished' });
  const args = layerFromArgs(input.overrides ?? {});
  const region = regionLayer(candidate, args.values.region_name ?? candidate.layer.values.region_name);
  const merged = expandDomainShorthand(mergeLayers(mergeLayers(candidate.layer, region), args));
  const settings = validateCloud(merged, candidate.source);
  return {
    ...settings,
    name,
    sources: sourcesOf(candidate, loaded, secure),
    proxy: proxySettingsFromEnv(input.env),
  };
}

/** Adds the OS_* variables' cloud to `clouds` (refusing a clash with a file's cloud); its name, or null without OS_* credentials. */
function addEnvCloud(
  clouds: Map<string, Candidate>,
  env: CloudConfigInput['env'],
  loaded: LoadedFile | null,
): string | null {
  const envLayer = layerFromEnv(env);
  if (!envLayer) return null;
  const envKey = env.OS_CLOUD_NAME ?? 'envvars';
  if (clouds.has(envKey)) {
    const problem = `defines a cloud named '${envKey}', which clashes with the OS_* variables' cloud; set OS_CLOUD_NAME`;
    throw new CloudConfigError({ source: loaded?.file ?? 'clouds.yaml', key: `clouds.${envKey}`, problem });
  }
  clouds.set(envKey, { layer: envLayer, regions: undefined, source: 'environment' });
  return envKey;
}

function sourcesOf(candidate: Candidate, loaded: LoadedFile | null, secure: LoadedFile | null): string[] {
  if (candidate.source === 'environment') return ['environment'];
  return [loaded?.file, secure?.file].filter((f): f is string => !!f);
}
