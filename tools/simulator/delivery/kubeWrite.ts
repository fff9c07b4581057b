/**
 * The writes of the stand-in controllers: plain HTTPS requests to the API server with the kubeconfig's credentials
 * (KubeConfig.applyToHTTPSOptions), each naming the controller's field manager so that `managedFields` records the
 * write under the name the real controller's writes carry. Creates are POSTs; changes are JSON merge patches (status
 * through the `/status` subresource) or, for Services, strategic merge patches as Argo Rollouts sends them.
 */
import { request } from 'node:https';
import { request as httpRequest } from 'node:http';
import type { KubeConfig } from '@kubernetes/client-node';
import type { JsonObject } from './objects';

export class KubeWriteError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export type PatchType = 'merge' | 'strategic';

const CONTENT_TYPES: Record<PatchType, string> = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
};

/** `/api/v1/namespaces/NS/PLURAL[/NAME[/SUB]]` or `/apis/GROUP/VERSION/...`. */
export function objectPath(apiVersion: string, plural: string, namespace: string, name?: string, subresource?: string): string {
  const base = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
  const tail = name ? `/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ''}` : '';
  return `${base}/namespaces/${encodeURIComponent(namespace)}/${plural}${tail}`;
}

export class KubeWriter {
  constructor(private readonly kc: KubeConfig, private readonly timeoutMs = 15_000) {}

  /** POST an object: the object created, or undefined when it exists already (the controller's create-if-missing). */
  async create(path: string, body: JsonObject, fieldManager: string): Promise<unknown> {
    try {
      return await this.send('POST', `${path}?fieldManager=${encodeURIComponent(fieldManager)}`, body, 'application/json');
    } catch (e) {
      if (e instanceof KubeWriteError && e.status === 409) return undefined;
      throw e;
    }
  }

  /** PATCH: the object as the server has it after the patch. */
  async patch(path: string, body: JsonObject, fieldManager: string, type: PatchType = 'merge'): Promise<unknown> {
    return this.send('PATCH', `${path}?fieldManager=${encodeURIComponent(fieldManager)}`, body, CONTENT_TYPES[type]);
  }

  private async send(method: string, path: string, body: JsonObject, contentType: string): Promise<unknown> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error('no current cluster in the kubeconfig');
    const url = new URL(path, cluster.server);
    const payload = JSON.stringify(body);
    const opts: import('node:https').RequestOptions = {
      method,
      host: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      headers: { 'Content-Type': contentType, Accept: 'application/json', 'Content-Length': Buffer.byteLength(payload) },
      timeout: this.timeoutMs,
    };
    await this.kc.applyToHTTPSOptions(opts);
    return new Promise((resolve, reject) => {
      const req = (url.protocol === 'https:' ? request : httpRequest)(opts, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          let parsed: unknown = text;
          try {
            parsed = JSON.parse(text);
          } catch {
            // not JSON: keep the text for the message
          }
          if (status >= 200 && status < 300) resolve(parsed);
          else {
            const message = typeof parsed === 'object' && parsed !== null && typeof (parsed as { message?: unknown }).message === 'string'
              ? (parsed as { message: string }).message : text.slice(0, 200);
            reject(new KubeWriteError(status, `${method} ${url.pathname}: HTTP ${status}: ${message}`));
          }
        });
      });
      req.on('timeout', () => req.destroy(new Error(`${method} ${url.pathname}: no answer within ${this.timeoutMs} ms`)));
      req.on('error', reject);
      req.end(payload);
    });
  }
}
