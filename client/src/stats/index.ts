/** Live split stats (SPEC 5): PromQL for both Linkerd families, a Prometheus client, Linkerd's arithmetic. No VS Code API. */
export * from './types';
export * from './queries';
export * from './quantile';
export * from './prometheus';
export * from './compute';
export * from './format';
export { StatsService, StatsPoller, stateOfError, type PollerTimers } from './statsService';
