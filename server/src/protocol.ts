/**
 * Protocol between the Canary Lens client and server beyond standard LSP: defined once, imported by both.
 */

/** Settings the server reads (`canaryLens.*`), as the client sends them. */
export interface ServerSettings {
  lens?: { step?: number };
  normalize?: { total?: number };
}

/** Server → client: a file's context documents are all indexed and its complete diagnostics are published. */
export const INDEXED_NOTIFICATION = 'canaryLens/indexed';
export interface IndexedParams { uri: string; documents: number; millis: number }

/** Client → server: what the connected cluster holds (Services, Endpoints, ServiceProfiles). */
export const CLUSTER_FACTS_NOTIFICATION = 'canaryLens/clusterFacts';
export interface ClusterServicePort { name?: string; port: number; targetPort?: string | number; protocol?: string }
export interface ClusterFactsParams {
  /** Namespaces the lists are complete for; empty when disconnected. */
  namespaces: string[];
  services: { name: string; namespace: string; ports: ClusterServicePort[]; selector?: Record<string, string>; readyEndpoints?: number }[];
  serviceProfiles: { name: string; namespace: string; hasDstOverrides: boolean }[];
}

/** Language id and file patterns the server works on. */
export const LANGUAGE_ID = 'yaml';
export const FILE_GLOB = '**/*.{yaml,yml}';
