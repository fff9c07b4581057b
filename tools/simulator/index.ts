/** Library entry of the traffic simulator (tools/simulator/README.md). Not shipped in the .vsix. */
export { startSimulator, loadConfigFile, type ControllerOptions, type RunningSimulator, type SimulatorOptions, type SplitSnapshot } from './simulator';
export { ARGO_FIELD_MANAGER } from './delivery/argo';
export { FLAGGER_FIELD_MANAGER } from './delivery/flagger';
export {
  ANNOTATIONS, ConfigError, DEFAULT_BACKEND, DEFAULT_RPS, httpRouteSplitsOf, mergeConfigs, routeSplitsOf, parseLatencyAnnotation, quantityMilli,
  resolveSplit, trafficSplitOf, validateConfig,
  type BackendOverrides, type BackendSettings, type Family, type SimConfig, type SimSplit,
} from './model';
export { METRICS, MS_BUCKETS, SECONDS_BUCKETS, Registry, authorityLabels, routeLabels, routeLevelLabels, routeMetrics } from './metrics';
export { allocate, familiesOf, logNormal, mulberry32 } from './traffic';
