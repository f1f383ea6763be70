/**
 * The KubeConfig a simulated server hands to its clients: one cluster, a bearer-token user,
 * and a context (optionally with a default namespace). Under TLS the throw-away CA is pinned.
 */
import { KubeConfig } from '@kubernetes/client-node';

/** What a KubeConfig for a simulated server needs. */
export interface KubeConfigParts {
  readonly url: string;
  readonly token: string;
  /** PEM CA (the self-signed certificate) when serving HTTPS. */
  readonly ca: string | undefined;
  readonly namespace?: string | undefined;
}

/** A KubeConfig for the server at `parts.url`. */
export function kubeConfigFor(parts: KubeConfigParts): KubeConfig {
  const { url, token, ca, namespace } = parts;
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: 'sim',
        server: url,
        // client-node refuses plain http unless skipTLSVerify is set; under TLS the CA is pinned.
        skipTLSVerify: ca === undefined,
        ...(ca === undefined ? {} : { caData: Buffer.from(ca).toString('base64') }),
      },
    ],
    users: [{ name: 'sim', token }],
    contexts: [
      { name: 'sim', cluster: 'sim', user: 'sim', ...(namespace === undefined ? {} : { namespace }) },
    ],
    currentContext: 'sim',
  });
  return kc;
}
