/**
 * clouds.yaml hygiene: unknown keys are warnings naming the file and key, with a "did you
 * mean" for near misses; cert/key are read; a named OS_CLIENT_CONFIG_FILE that does not exist
 * is an error naming it; proxies come from the environment and no_proxy is honoured.
 */
import { describe, expect, it } from 'vitest';
import {
  CloudConfigError,
  resolveCloudConfig,
  type CloudConfigInput,
} from '../../../src/openstack/cloud-config.js';
import { bypassesProxy, proxyFor, proxySettingsFromEnv } from '../../../src/openstack/proxy.js';

const FILE = '/etc/openstack/clouds.yaml';
const CLOUD = `
clouds:
  c:
    auth:
      auth_url: https://keystone:5000/v3
      username: u
      password: p
      project_name: k8s
      user_domain_name: Default
      project_domain_name: Default
      passwrd: typo
    cacerts: /ca.pem
    verfiy: false
    regoin_name: RegionOne
    identity_api_version: 3
    compute_api_version: 2
    cert: /client.pem
    key: /client.key
    colour: blue
`;

function input(files: Record<string, string>, env: Record<string, string> = {}): CloudConfigInput {
  return { env, cwd: '/nowhere', homeDir: '/home/u', readFile: (f) => Promise.resolve(files[f]) };
}

describe('clouds.yaml keys', () => {
  it('warns about unknown keys, with did-you-mean for near misses, and ignores keys openstacksdk knows', async () => {
    const cloud = await resolveCloudConfig(input({ [FILE]: CLOUD }));
    expect(cloud.warnings).toEqual([
      `${FILE}: clouds.c.cacerts: unknown key ignored (did you mean cacert?)`,
      `${FILE}: clouds.c.verfiy: unknown key ignored (did you mean verify?)`,
      `${FILE}: clouds.c.regoin_name: unknown key ignored (did you mean region_name?)`,
      `${FILE}: clouds.c.colour: unknown key ignored`,
      `${FILE}: clouds.c.auth.passwrd: unknown key ignored (did you mean password?)`,
    ]);
    // The misspelled values are really not applied.
    expect(cloud.cacert).toBeUndefined();
    expect(cloud.insecure).toBe(false);
    expect(cloud.regionName).toBeUndefined();
  });

  it('reads cert and key (client TLS)', async () => {
    const cloud = await resolveCloudConfig(input({ [FILE]: CLOUD }));
    expect([cloud.cert, cloud.key]).toEqual(['/client.pem', '/client.key']);
  });

  it('environment variables are not warned about', async () => {
    const env = {
      OS_AUTH_URL: 'http://k:5000/v3',
      OS_USERNAME: 'u',
      OS_PASSWORD: 'p',
      OS_PROJECT_NAME: 'k8s',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_SOMETHING_ODD: 'x',
    };
    expect((await resolveCloudConfig(input({}, env))).warnings).toEqual([]);
  });
});

describe('named files', () => {
  it.each(['OS_CLIENT_CONFIG_FILE', 'OS_CLIENT_SECURE_FILE'])(
    '%s naming a missing file is an error naming it',
    async (name) => {
      const attempt = resolveCloudConfig(input({ [FILE]: CLOUD }, { [name]: '/missing/clouds.yaml' }));
      await expect(attempt).rejects.toThrow(CloudConfigError);
      await expect(attempt).rejects.toThrow(
        `OpenStack cloud configuration environment ${name} names /missing/clouds.yaml, which does not exist or cannot be read`,
      );
    },
  );

  it('an existing named file is used', async () => {
    const cloud = await resolveCloudConfig(
      input({ '/x/c.yaml': CLOUD }, { OS_CLIENT_CONFIG_FILE: '/x/c.yaml' }),
    );
    expect(cloud.sources).toEqual(['/x/c.yaml']);
  });
});

describe('proxies', () => {
  it('reads both cases, lower case first, blank as unset', async () => {
    expect(
      proxySettingsFromEnv({
        HTTPS_PROXY: 'http://up:3128',
        https_proxy: 'http://low:3128',
        HTTP_PROXY: ' ',
        NO_PROXY: 'a',
      }),
    ).toEqual({
      httpsProxy: 'http://low:3128',
      httpProxy: null,
      noProxy: 'a',
    });
    const cloud = await resolveCloudConfig(input({ [FILE]: CLOUD }, { HTTPS_PROXY: 'http://proxy:3128' }));
    expect(cloud.proxy.httpsProxy).toBe('http://proxy:3128');
  });

  it.each([
    { url: 'https://keystone.example.com:5000/v3', noProxy: null, via: 'https' },
    { url: 'http://neutron.example.com:9696/', noProxy: null, via: 'http' },
    { url: 'https://keystone.example.com:5000/v3', noProxy: 'example.com', via: null },
    { url: 'https://keystone.example.com:5000/v3', noProxy: '.example.com', via: null },
    { url: 'https://keystone.example.com:5000/v3', noProxy: '*.example.com', via: null },
    { url: 'https://example.com/', noProxy: 'example.com', via: null },
    { url: 'https://notexample.com/', noProxy: 'example.com', via: 'https' },
    { url: 'https://keystone.example.com:5000/', noProxy: 'keystone.example.com:5000', via: null },
    { url: 'https://keystone.example.com:443/', noProxy: 'keystone.example.com:5000', via: 'https' },
    { url: 'https://10.0.0.5:5000/', noProxy: '10.0.0.0/8', via: null },
    { url: 'https://10.0.0.5:5000/', noProxy: '10.0.0.5', via: null },
    { url: 'https://11.0.0.5:5000/', noProxy: '10.0.0.0/8, other', via: 'https' },
    { url: 'https://[fd00::5]:5000/', noProxy: 'fd00::/64', via: null },
    { url: 'https://anything/', noProxy: '*', via: null },
  ])('$url with no_proxy $noProxy → $via', ({ url, noProxy, via }) => {
    const settings = { httpsProxy: 'https', httpProxy: 'http', noProxy };
    expect(proxyFor(new URL(url), settings)).toBe(via);
    expect(bypassesProxy(new URL(url), noProxy)).toBe(via === null);
  });
});
