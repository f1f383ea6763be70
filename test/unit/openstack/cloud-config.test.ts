import { describe, expect, it } from 'vitest';
import {
  CloudConfigError,
  resolveCloudConfig,
  type CloudConfigInput,
} from '../../../src/openstack/cloud-config.js';
import { candidateFiles } from '../../../src/openstack/clouds/files.js';

const HOME = '/home/u';
const CWD = '/work';

const PROD = `
clouds:
  prod:
    auth:
      auth_url: https://keystone.prod:5000/v3
      username: kuryr
      project_name: k8s
      user_domain_name: Default
      project_domain_name: Default
    region_name: RegionOne
  dev:
    auth:
      auth_url: https://keystone.dev:5000
      username: dev
      password: devpw
      project_id: p-dev
      domain_name: Default
    interface: internal
    insecure: true
`;
const SECURE = `
clouds:
  prod:
    auth:
      password: prodpw
`;
const ENV_CREDS = {
  OS_AUTH_URL: 'http://env:5000/v3',
  OS_USERNAME: 'envuser',
  OS_PASSWORD: 'envpw',
  OS_PROJECT_NAME: 'envproject',
  OS_USER_DOMAIN_NAME: 'Default',
  OS_PROJECT_DOMAIN_ID: 'default',
};

function input(files: Record<string, string>, over: Partial<CloudConfigInput> = {}): CloudConfigInput {
  return {
    env: {},
    cwd: CWD,
    homeDir: HOME,
    readFile: (file) => Promise.resolve(files[file]),
    ...over,
  };
}

const userFile = `${HOME}/.config/openstack/clouds.yaml`;
const userSecure = `${HOME}/.config/openstack/secure.yaml`;

describe('candidateFiles', () => {
  it('puts OS_CLIENT_CONFIG_FILE first, then ., XDG, ~/.config/openstack, /etc/openstack', () => {
    const files = candidateFiles('clouds', {
      env: { OS_CLIENT_CONFIG_FILE: '/x/c.yaml', XDG_CONFIG_HOME: '/xdg' },
      cwd: CWD,
      homeDir: HOME,
    });
    expect(files.filter((f) => f.endsWith('.yaml'))).toEqual([
      '/x/c.yaml',
      '/work/clouds.yaml',
      '/xdg/openstack/clouds.yaml',
      '/home/u/.config/openstack/clouds.yaml',
      '/etc/openstack/clouds.yaml',
    ]);
    expect(
      candidateFiles('secure', { env: { OS_CLIENT_SECURE_FILE: '/s.yaml' }, cwd: CWD, homeDir: HOME })[0],
    ).toBe('/s.yaml');
  });
});

// Precedence table: which cloud is used and where each value comes from.
describe('resolveCloudConfig precedence', () => {
  it.each([
    {
      name: 'OS_CLOUD picks a file cloud; secure.yaml supplies the password; OS_* do not override it',
      files: { [userFile]: PROD, [userSecure]: SECURE },
      env: { OS_CLOUD: 'prod', ...ENV_CREDS, OS_REGION_NAME: 'Elsewhere' },
      cloud: undefined,
      expected: {
        name: 'prod',
        authUrl: 'https://keystone.prod:5000/v3',
        user: 'kuryr',
        password: 'prodpw',
        region: 'RegionOne',
      },
    },
    {
      name: '--os-cloud wins over OS_CLOUD',
      files: { [userFile]: PROD },
      env: { OS_CLOUD: 'prod' },
      cloud: 'dev',
      expected: {
        name: 'dev',
        authUrl: 'https://keystone.dev:5000',
        user: 'dev',
        password: 'devpw',
        region: undefined,
      },
    },
    {
      name: 'no cloud named + OS_* set → the envvars cloud, even with a clouds.yaml present',
      files: { [userFile]: PROD },
      env: { ...ENV_CREDS, OS_REGION_NAME: 'RegionEnv' },
      cloud: undefined,
      expected: {
        name: 'envvars',
        authUrl: 'http://env:5000/v3',
        user: 'envuser',
        password: 'envpw',
        region: 'RegionEnv',
      },
    },
    {
      name: 'OS_CLOUD_NAME renames the envvars cloud',
      files: {},
      env: { ...ENV_CREDS, OS_CLOUD_NAME: 'fromenv' },
      cloud: undefined,
      expected: {
        name: 'fromenv',
        authUrl: 'http://env:5000/v3',
        user: 'envuser',
        password: 'envpw',
        region: undefined,
      },
    },
    {
      name: 'only selectors in env → no envvars cloud; the only file cloud is used',
      files: {
        '/work/clouds.yaml':
          'clouds:\n  only:\n    auth: {auth_url: "http://o/v3", username: o, password: p, project_id: x, user_domain_id: default}\n',
      },
      env: { OS_REGION_NAME: 'R' },
      cloud: undefined,
      expected: { name: 'only', authUrl: 'http://o/v3', user: 'o', password: 'p', region: undefined },
    },
    {
      name: 'OS_CLIENT_CONFIG_FILE wins over the search path (first file wins, no merge)',
      files: { [userFile]: PROD, '/custom.yaml': PROD.replace('keystone.dev', 'custom.dev') },
      env: { OS_CLIENT_CONFIG_FILE: '/custom.yaml', OS_CLOUD: 'dev' },
      cloud: undefined,
      expected: {
        name: 'dev',
        authUrl: 'https://custom.dev:5000',
        user: 'dev',
        password: 'devpw',
        region: undefined,
      },
    },
  ])('$name', async ({ files, env, cloud, expected }) => {
    const c = await resolveCloudConfig(input(files, { env, cloud }));
    const creds = c.credentials;
    expect(creds.kind).toBe('password');
    if (creds.kind !== 'password') return;
    expect({
      name: c.name,
      authUrl: c.authUrl,
      user: 'name' in creds.user ? creds.user.name : creds.user.id,
      password: creds.password,
      region: c.regionName,
    }).toEqual(expected);
  });

  it('explicit overrides win over the file, secure.yaml and region', async () => {
    const c = await resolveCloudConfig(
      input(
        { [userFile]: PROD, [userSecure]: SECURE },
        { cloud: 'prod', overrides: { 'os-password': 'argpw', region_name: 'R9', interface: 'admin' } },
      ),
    );
    expect(c.credentials).toMatchObject({ password: 'argpw' });
    expect([c.regionName, c.interface]).toEqual(['R9', 'admin']);
    expect(c.sources).toEqual([userFile, userSecure]);
  });

  it('expands domain_name into user and project domains, reads insecure and interface', async () => {
    const c = await resolveCloudConfig(input({ [userFile]: PROD }, { cloud: 'dev' }));
    expect(c.credentials).toEqual({
      kind: 'password',
      user: { name: 'dev', domain: { name: 'Default' } },
      password: 'devpw',
      project: { id: 'p-dev' },
    });
    expect([c.insecure, c.interface]).toEqual([true, 'internal']);
  });

  it('builds application credentials, CA, endpoint overrides and timeout from OS_* variables', async () => {
    const c = await resolveCloudConfig(
      input(
        {},
        {
          env: {
            OS_AUTH_URL: 'https://k:5000/v3',
            OS_AUTH_TYPE: 'v3applicationcredential',
            OS_APPLICATION_CREDENTIAL_ID: 'ac',
            OS_APPLICATION_CREDENTIAL_SECRET: 'sec',
            OS_CACERT: '/etc/ca.pem',
            OS_INSECURE: 'false',
            OS_INTERFACE: 'internalURL',
            OS_LOAD_BALANCER_ENDPOINT_OVERRIDE: 'http://octavia:9876',
            OS_API_TIMEOUT: '30',
          },
        },
      ),
    );
    expect(c.credentials).toEqual({
      kind: 'application-credential',
      credential: { id: 'ac' },
      secret: 'sec',
    });
    expect([c.cacert, c.insecure, c.interface, c.apiTimeoutMs]).toEqual([
      '/etc/ca.pem',
      false,
      'internal',
      30_000,
    ]);
    expect(c.endpointOverrides).toEqual({ 'load-balancer': 'http://octavia:9876' });
  });

  it('accepts an application credential by name for a user', async () => {
    const yaml = `clouds:\n  ac:\n    auth_type: v3applicationcredential\n    auth:\n      auth_url: http://k/v3\n      application_credential_name: n\n      application_credential_secret: s\n      username: u\n      user_domain_name: Default\n`;
    const c = await resolveCloudConfig(input({ [userFile]: yaml }));
    expect(c.credentials).toEqual({
      kind: 'application-credential',
      credential: { name: 'n', user: { name: 'u', domain: { name: 'Default' } } },
      secret: 's',
    });
  });

  it('uses the first region of `regions:` and merges its values; rejects an unknown region', async () => {
    const yaml = `clouds:\n  r:\n    auth: {auth_url: "http://k/v3", user_id: u, password: p, project_id: x}\n    regions:\n      - name: R1\n        values: {interface: internal}\n      - R2\n`;
    const c = await resolveCloudConfig(input({ [userFile]: yaml }));
    expect([c.regionName, c.interface]).toEqual(['R1', 'internal']);
    const r2 = await resolveCloudConfig(input({ [userFile]: yaml }, { overrides: { region_name: 'R2' } }));
    expect([r2.regionName, r2.interface]).toEqual(['R2', 'public']);
    await expect(
      resolveCloudConfig(input({ [userFile]: yaml }, { overrides: { region_name: 'R3' } })),
    ).rejects.toThrow(/has no region R3/);
  });
});

describe('resolveCloudConfig errors name the file and key', () => {
  it.each([
    [
      'a missing password',
      { [userFile]: PROD },
      { cloud: 'prod' },
      `${userFile}: clouds.prod: password is missing`,
    ],
    [
      'an invalid auth_url',
      {
        [userFile]:
          'clouds:\n  x:\n    auth: {auth_url: "not a url", user_id: u, password: p, project_id: x}\n',
      },
      {},
      `${userFile}: clouds.x.auth.auth_url is invalid`,
    ],
    [
      'an invalid OS_INSECURE',
      {},
      { env: { ...ENV_CREDS, OS_INSECURE: 'maybe' } },
      'environment OS_INSECURE is invalid',
    ],
    [
      'an unknown cloud',
      { [userFile]: PROD },
      { env: { OS_CLOUD: 'nope' } },
      "environment OS_CLOUD names cloud 'nope', which is not defined (known: prod, dev)",
    ],
    ['several clouds and none chosen', { [userFile]: PROD }, {}, 'is ambiguous: several clouds (prod, dev)'],
    ['nothing at all', {}, {}, 'no clouds.yaml found and no OS_* credentials set'],
    ['malformed YAML', { [userFile]: 'clouds: [' }, {}, `${userFile} is not valid YAML/JSON`],
    ['clouds not a mapping', { [userFile]: 'clouds: 3' }, {}, `${userFile}: clouds`],
    [
      'a project name without a domain',
      {},
      { env: { ...ENV_CREDS, OS_PROJECT_DOMAIN_ID: undefined } },
      'environment: project_domain_name is missing',
    ],
    [
      'a Keystone v2.0 auth_url',
      {},
      { env: { ...ENV_CREDS, OS_AUTH_URL: 'http://k:5000/v2.0' } },
      'environment OS_AUTH_URL points at Keystone v2.0',
    ],
    [
      'an unknown auth type',
      {},
      { env: { ...ENV_CREDS, OS_AUTH_TYPE: 'token' } },
      'environment OS_AUTH_TYPE is invalid',
    ],
  ])('%s', async (_name, files: Record<string, string>, over: Partial<CloudConfigInput>, message: string) => {
    const err = await resolveCloudConfig(input(files, over)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CloudConfigError);
    expect((err as Error).message).toContain(message);
  });
});
