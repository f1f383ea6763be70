/**
 * Which proxy an OpenStack call goes through, as Python requests (openstacksdk's HTTP
 * library) decides from `https_proxy` / `http_proxy` / `no_proxy` (lower case first, then
 * upper case): the scheme's proxy unless the host matches `no_proxy`, a comma list of `*`,
 * host names (matching the host and its subdomains, a leading `.` allowed, optionally with
 * `:port`), IP addresses and CIDRs. Pure: the environment is passed in.
 */
import { cidrContains, parseIp } from '../core/ip.js';

/** Proxy settings, as read from the environment. */
export interface ProxySettings {
  readonly httpsProxy: string | null;
  readonly httpProxy: string | null;
  readonly noProxy: string | null;
}

/** No proxy at all. */
export const NO_PROXY: ProxySettings = { httpsProxy: null, httpProxy: null, noProxy: null };

function pick(env: Readonly<Record<string, string | undefined>>, name: string): string | null {
  const value = env[name.toLowerCase()] ?? env[name.toUpperCase()];
  return value === undefined || value.trim() === '' ? null : value.trim();
}

/** Reads HTTPS_PROXY, HTTP_PROXY and NO_PROXY (either case; lower case wins) from `env`. Pure. */
export function proxySettingsFromEnv(env: Readonly<Record<string, string | undefined>>): ProxySettings {
  return {
    httpsProxy: pick(env, 'https_proxy'),
    httpProxy: pick(env, 'http_proxy'),
    noProxy: pick(env, 'no_proxy'),
  };
}

function bypassedBy(entry: string, host: string, port: string): boolean {
  if (entry === '*') return true;
  if (parseIp(host) !== null) return entry.includes('/') ? cidrContains(entry, host) : entry === host;
  const name = entry.replace(/^\*?\./, '');
  const [entryHost = '', entryPort] = name.split(':');
  if (entryPort !== undefined && entryPort !== port) return false;
  return host === entryHost || host.endsWith(`.${entryHost}`);
}

/** True when `url` must be reached directly because `no_proxy` names its host. Pure. */
export function bypassesProxy(url: URL, noProxy: string | null): boolean {
  if (noProxy === null) return false;
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  const port = url.port || (url.protocol === 'https:' ? '443' : '80');
  return noProxy
    .split(/[\s,]+/)
    .map((e) => e.trim().toLowerCase())
    .filter((e) => e !== '')
    .some((entry) => bypassedBy(entry, host, port));
}

/** The proxy URL for a request to `url`, or null to go direct. Pure. */
export function proxyFor(url: URL, settings: ProxySettings): string | null {
  const proxy = url.protocol === 'https:' ? settings.httpsProxy : settings.httpProxy;
  if (proxy === null || bypassesProxy(url, settings.noProxy)) return null;
  return proxy;
}
