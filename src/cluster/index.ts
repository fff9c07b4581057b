/**
 * The cluster layer: plain modules over `@kubernetes/client-node` that take a KubeConfig and emit states
 * and events. No `vscode` here: the glue in `src/extension/clusterGlue.ts` is the only part that talks to the editor.
 */
export { applyFailureLine, FIELD_MANAGER, fieldPath, managersWords, managerWords, parseManifest, planApply, spanOf, stripNoise, toYaml, wordConflict, type ApplyOptions, type ApplyOutcome, type ApplyPlan } from './apply';
export { ClusterError, describeError, fromStatus, isClusterError, toClusterError, type ClusterErrorKind, type FieldCause, type Operation } from './errors';
export { buildClusterFacts, readyEndpointCount } from './facts';
export { contextFacts, slimTemplate, slimWorkload, type ContextInput, type ReadKind } from './contextObjects';
export { promotePatches, runDeliveryAction, type DeliveryActionOptions, type DeliveryActionOutcome, type SentPatch } from './deliveryActions';
export { deliveryStatusOf } from './deliveryStatus';
export { managersOf, objectsNamedBy, type LiveDelivery, type NamedObject } from './liveDelivery';
export { ownedObjects, ownerOfObject, type KnownDeliveries } from './ownership';
export { describeRouteProblem, POLICY_CONTROLLER_NAME, routeNextStep, routeStatusOf } from './routeStatus';
export { KubeconfigWatcher, kubeconfigPaths, listNamespaces, loadKubeconfig, readKubeconfig, type ContextInfo, type KubeconfigSelection, type KubeconfigSource, type LoadedKubeconfig } from './kubeconfig';
export { ClusterLog, MemoryLog, silentSink, type LogLevel, type LogSink } from './log';
export { redact, Redactor, REDACTED } from './redact';
export { DELIVERY_KIND_IDS, discoverApis, KIND_IDS, kindSpec, pickVersion, QUIET_KIND_IDS, SPLIT_KIND_IDS, TEMPLATE_KIND_IDS, WORKLOAD_KIND_IDS, resourcePath, type K8sObject, type KindId, type KindSpec, type ServedApis } from './requests';
export { ClusterSession, overallState, type SessionOptions, type SessionState } from './session';
export { backoffDelay, ResourceWatcher, type Backoff, type KindStatus, type WatchChange, type WatchState } from './watcher';
export type { KubeConfig } from '@kubernetes/client-node';
export { wordRemedy, type Knob, type Remedy, type Wording } from './wording';
