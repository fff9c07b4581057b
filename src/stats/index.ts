/** Live split stats: PromQL for both Linkerd families, a Prometheus client, Linkerd's arithmetic. No VS Code API. */
export * from './types';
export * from './queries';
export * from './series';
export * from './quantile';
export * from './prometheus';
export * from './compute';
export * from './range';
export * from './format';
export { StatsService, StatsPoller, stateOfError, familiesOf, splitsByNamespace, sharedApexes, type PollerTimers } from './statsService';
// These two talk to the API server and bring in @kubernetes/client-node (large, ESM-only, bundled): a bundle that
// must start fast (the CLI's lint, the extension's activation) imports the modules above directly and loads these
// lazily, as `canary-lens stats` does.
export * from './locate';
export * from './splits';
