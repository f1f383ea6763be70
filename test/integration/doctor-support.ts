/**
 * Test support for the doctor's integration tests: a front for the simulated API server that
 * answers SelfSubjectAccessReviews (which the double does not serve) the way an RBAC
 * authorizer would — allowed unless a deny rule matches — and passes every other request
 * through; a kubeconfig file for it; and the CLI run in process.
 */
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../../src/app/cli/program.js';

/** The resourceAttributes of a review. */
export interface ReviewAttributes {
  readonly verb?: string;
  readonly group?: string;
  readonly resource?: string;
  readonly subresource?: string;
  readonly namespace?: string;
  readonly name?: string;
}

/** A running front. */
export interface AuthzFront {
  readonly url: string;
  /** Reviews answered so far (what the doctor asked). */
  readonly reviews: ReviewAttributes[];
  stop(): Promise<void>;
}

const SSAR_PATH = '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews';

async function body(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

function answerReview(
  res: ServerResponse,
  text: string,
  front: { deny: (a: ReviewAttributes) => boolean; reviews: ReviewAttributes[] },
): void {
  const review = JSON.parse(text) as { spec?: { resourceAttributes?: ReviewAttributes } };
  const attributes = review.spec?.resourceAttributes ?? {};
  front.reviews.push(attributes);
  const denied = front.deny(attributes);
  const status = denied
    ? { allowed: false, reason: 'no RBAC rule allows it' }
    : { allowed: true, reason: 'allowed by the test policy' };
  res.writeHead(201, { 'content-type': 'application/json' });
  res.end(
    JSON.stringify({
      apiVersion: 'authorization.k8s.io/v1',
      kind: 'SelfSubjectAccessReview',
      spec: review.spec,
      status,
    }),
  );
}

function pass(req: IncomingMessage, res: ServerResponse, target: URL, text: string): void {
  const upstream = request(
    new URL(req.url ?? '/', target),
    { method: req.method, headers: { ...req.headers, host: target.host } },
    (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    },
  );
  upstream.on('error', () => res.destroy());
  upstream.end(text);
}

/** Starts a front for the API server at `apiUrl` (plain HTTP); `deny` picks the refused reviews. */
export async function startAuthzFront(
  apiUrl: string,
  token: string,
  deny: (a: ReviewAttributes) => boolean = () => false,
): Promise<AuthzFront> {
  const target = new URL(apiUrl);
  const reviews: ReviewAttributes[] = [];
  const server: Server = createServer((req, res) => {
    void body(req).then((text) => {
      const isReview = req.method === 'POST' && req.url?.split('?')[0] === SSAR_PATH;
      if (!isReview) {
        pass(req, res, target, text);
        return;
      }
      if (req.headers.authorization !== `Bearer ${token}`) {
        res.writeHead(401, { 'content-type': 'application/json' }).end('{"kind":"Status","code":401}');
        return;
      }
      answerReview(res, text, { deny, reviews });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    reviews,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

/** Writes a kubeconfig file for `server` with bearer `token` (plain HTTP: TLS verification off, as client-node needs). */
export function writeKubeconfig(dir: string, server: string, token: string): string {
  const file = path.join(dir, 'kubeconfig');
  writeFileSync(
    file,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'sim', cluster: { server, 'insecure-skip-tls-verify': true } }],
      users: [{ name: 'doctor-test', user: { token } }],
      contexts: [{ name: 'sim', context: { cluster: 'sim', user: 'doctor-test' } }],
      'current-context': 'sim',
    }),
  );
  return file;
}

/** A fresh temporary directory. */
export function tempDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'doctor-test-'));
}

/** Runs `kuryr-services doctor <args>` in process; resolves to its exit code and output. */
export async function runDoctorCli(
  args: readonly string[],
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: (t: string) => {
      stdout += t;
    },
    stderr: (t: string) => {
      stderr += t;
    },
  };
  const code = await runCli(['doctor', ...args], io);
  return { code, stdout, stderr };
}
