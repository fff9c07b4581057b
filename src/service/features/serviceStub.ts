import { Document } from 'yaml';

export interface ServiceStub {
  name: string;
  /** Left out when the split document names no namespace either (it lands where the split does). */
  namespace?: string;
  port: number;
}

/**
 * A minimal Service for a backend nobody defines yet, as a new `---` document (2-space indent, ending with a
 * line break). The selector `app: <name>` is the common convention; the user points it at the real pods.
 */
export function serviceStubText(stub: ServiceStub, eol: string): string {
  const service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: stub.name, ...(stub.namespace !== undefined ? { namespace: stub.namespace } : {}) },
    spec: { selector: { app: stub.name }, ports: [{ name: 'http', port: stub.port }] },
  };
  const text = `---\n${new Document(service).toString({ lineWidth: 0 })}`;
  return eol === '\n' ? text : text.replace(/\n/g, eol);
}
