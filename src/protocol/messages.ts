/**
 * Protocol between the Canary Lens client and server beyond standard LSP: defined once, imported by both, as
 * typed message objects (the style of rust-analyzer's `editors/code/src/lsp_ext.ts`), so a handler and a sender
 * cannot disagree on a message's parameters.
 */
import { NotificationType, RequestType } from 'vscode-languageserver-protocol';
import type { Position } from 'vscode-languageserver-types';

/**
 * The kinds of split documents. The kind registry (`service/model/kinds.ts`) holds one entry per member: a new
 * member is a compile error until the registry has its entry.
 */
export type SplitKind = 'TrafficSplit' | 'HTTPRoute' | 'GRPCRoute';

/** A change of a split's weights (targets are backend indexes), as the weight arithmetic applies it. */
export type WeightAction =
  | { type: 'shift'; target: number; points: number } // points: signed, in percentage points (10 = +10% share to target)
  | { type: 'promote'; target: number }
  | { type: 'rollback'; target: number }
  | { type: 'even' }
  | { type: 'normalize'; total: number }; // e.g. 100 or 1000

/**
 * Setting `canaryLens.yamlSyntax`: whether `yaml-syntax` errors are reported (in every document). `auto` is for the VS
 * Code client to resolve: `never` while the Red Hat YAML extension validates (it reports syntax errors in every YAML
 * file), else `always`. A server sent `auto` reports them: it cannot see what else the editor runs.
 */
export type YamlSyntaxSetting = 'auto' | 'always' | 'never';

/** Settings the server reads (`canaryLens.*`), as the client sends them. */
export interface ServerSettings {
  lens?: { step?: number };
  normalize?: { total?: number };
  yamlSyntax?: YamlSyntaxSetting;
}

/** Server → client: a file's context documents are all indexed and its complete diagnostics are published. */
export interface IndexedParams { uri: string; documents: number; millis: number }
export const indexedNotification = new NotificationType<IndexedParams>('canaryLens/indexed');

/** Client → server: what the connected cluster holds (Services, Endpoints, ServiceProfiles). */
export interface ClusterServicePort { name?: string; port: number; targetPort?: string | number; protocol?: string; appProtocol?: string }
export interface ClusterFactsParams {
  /** Namespaces the lists are complete for; empty when disconnected. */
  namespaces: string[];
  services: {
    name: string; namespace: string; ports: ClusterServicePort[]; selector?: Record<string, string>; readyEndpoints?: number;
    /** The `mirror.linkerd.io/` labels (Linkerd multicluster's marks on the Services it creates), when there are any. */
    labels?: Record<string, string>;
  }[];
  serviceProfiles: { name: string; namespace: string; hasDstOverrides: boolean }[];
  /** What Linkerd's policy controller wrote in each route's status; a route without a Linkerd entry is absent. */
  routeStatuses?: ClusterRouteStatus[];
  /**
   * The cluster connection these facts come from (absent when there is none): for lenses that need a connection
   * (`Apply to cluster`) even when the Service lists are not readable.
   */
  connection?: ClusterConnectionInfo;
  /** Splits and Services of the cluster a Flagger Canary or an Argo Rollout owns (ownerReferences, managedFields). */
  owned?: ClusterOwnedObject[];
  /** The Canaries and Rollouts of the namespace, with their live state. */
  deliveries?: DeliveryStatus[];
  /** Deployments, DaemonSets and StatefulSets read: name, pod template labels, container ports (nothing else). */
  workloads?: ClusterWorkload[];
  /** MetricTemplates, AnalysisTemplates and ClusterAnalysisTemplates (namespace '') read: names only. */
  templates?: ClusterTemplate[];
  /** The split objects read (TrafficSplits, HTTPRoutes, GRPCRoutes of every group the session reads), names only. */
  routes?: ClusterRouteRef[];
  /**
   * Where the lists above are complete, per kind (`Deployment`, `MetricTemplate`, `ClusterAnalysisTemplate`,
   * `HTTPRoute`…): the namespaces ('' for a cluster-scoped kind) whose objects of that kind were all read. A kind that
   * is absent (its CRD not installed, or the user may not list it), or no `coverage` at all (an older client), is
   * unknown: no object of it is said to be missing.
   */
  coverage?: Partial<Record<string, string[]>>;
}

/** A workload of the cluster as the delivery rules read it. */
export interface ClusterWorkload {
  kind: string;
  namespace: string;
  name: string;
  /** spec.template.metadata.labels. */
  podLabels: Record<string, string>;
  /** The containers' declared ports (`containerPort`, with its name). */
  containerPorts: { port: number; name?: string }[];
}

/** A template an analysis can name; `namespace` is '' for a ClusterAnalysisTemplate. */
export interface ClusterTemplate { kind: TemplateKind; namespace: string; name: string }

/** A split object of the cluster, by kind, API group, namespace and name. */
export interface ClusterRouteRef {
  kind: SplitKind; group: string; namespace: string; name: string;
  /** metadata.creationTimestamp: Linkerd orders the routes of one parent oldest first (`split-not-in-effect`). */
  createdAt?: string;
  /**
   * What the object claims of apex Services, one per split (rule) with an apex: `split-not-in-effect` weighs the
   * cluster's splits the workspace does not hold against the workspace's.
   */
  claims?: ClusterApexClaim[];
}

/** One split's claim on its apex Service (see `service/model/apexPrecedence.ts`). */
export interface ClusterApexClaim {
  apexNamespace: string;
  apex: string;
  port?: number;
  /** Linkerd serves it as a ServiceProfile (linkerd-smi's TrafficSplit). */
  viaProfile: boolean;
  /** The rule's canonical matches. */
  matchKey?: string;
  rule?: number;
}

export const clusterFactsNotification = new NotificationType<ClusterFactsParams>('canaryLens/clusterFacts');

/**
 * Linkerd's verdict on one route, from the `status.parents[]` entries its policy controller writes
 * (`controllerName: linkerd.io/policy-controller`). `unknown`: no such entry yet (the controller has not seen the
 * route, or is not running); `accepted`: every entry has Accepted and ResolvedRefs True; `problem`: see `problems`.
 */
export interface ClusterRouteStatus {
  kind: SplitKind;
  /** API group of the object (`gateway.networking.k8s.io`, `policy.linkerd.io`). */
  group: string;
  namespace: string;
  name: string;
  state: 'unknown' | 'accepted' | 'problem';
  problems: RouteProblem[];
}

/** One condition of one parent entry that is not True. */
export interface RouteProblem {
  /** `Accepted` False: Linkerd skips the route for that parent; `ResolvedRefs` False: it serves it, a backend fails. */
  condition: 'Accepted' | 'ResolvedRefs';
  /** The controller's reason (`NoMatchingParent`, `RouteReasonConflicted`, `BackendNotFound`, `InvalidKind`, …). */
  reason: string;
  /** The controller's message ('' when it wrote none). */
  message: string;
  /** What to do about it, in neutral words. */
  nextStep: string;
  /** The parentRef the entry is for, as the controller wrote it (group `core` read as ""). */
  parent: { group: string; kind: string; namespace?: string; name: string; port?: number };
}

/** Which cluster the client is connected to, and how that is going (the client's session state). */
export interface ClusterConnectionInfo {
  context: string;
  namespace: string;
  state: 'connecting' | 'ready' | 'crd-missing' | 'forbidden' | 'unreachable' | 'unauthorized' | 'error';
}

/**
 * Client command (a palette command too) that applies a split document to the cluster: server-side dry run, diff,
 * confirmation, server-side apply. A lens passes one `ApplyToClusterArgs` (a `SplitRef` fits: `uri` and `part`);
 * without arguments it takes the document under the cursor. `APPLY_FILE_TO_CLUSTER_COMMAND` applies every split
 * document of the file.
 */
export const APPLY_TO_CLUSTER_COMMAND = 'canaryLens.applyToCluster';
export const APPLY_FILE_TO_CLUSTER_COMMAND = 'canaryLens.applyFileToCluster';
export interface ApplyToClusterArgs {
  uri: string;
  /** Index of the `---` part in the file; default: the part under the cursor. */
  part?: number;
}

/** Language id and file patterns the server works on. */
export const LANGUAGE_ID = 'yaml';
export const FILE_GLOB = '**/*.{yaml,yml}';

/** A path FILE_GLOB matches (by its extension). */
export function isYamlPath(p: string): boolean {
  return /\.ya?ml$/i.test(p);
}

/**
 * Weight commands. The server executes this command (`workspace/executeCommand`) by sending
 * `workspace/applyEdit`; code lenses carry it. Not a palette command id: vscode-languageclient registers server
 * commands in VS Code itself, so the client's palette commands (`canaryLens.*`) must use other ids.
 */
export const WEIGHTS_COMMAND = 'canary-lens.server.applyWeights';

/** What a weight command does, as `applyWeightAction` takes it (targets are backend indexes). */
export type WeightCommandAction = WeightAction;

/** Identifies the split a command was computed for, so the server can refuse it when the text has changed since. */
export interface SplitRef {
  uri: string;
  /** Document version the command was computed for. */
  version: number;
  /** Index of the `---` part in the file, and of the split in the part's document (HTTPRoute rule index). */
  part: number;
  split: number;
  /** `<length>:<hash>` of the part's text. */
  fingerprint: string;
}

export interface WeightCommandArgs extends SplitRef {
  action: WeightCommandAction;
}

/**
 * The `data` of a weight lens as `textDocument/codeLens` sends it: a lens without a command, which the client
 * resolves (`codeLens/resolve`, LSP 3.17) when it shows it. The title, tooltip (the shares after the action) and
 * arguments are computed then, so the first response stays small and linear in the split's size
 * (https://microsoft.github.io/language-server-protocol/specifications/lsp/3.17/specification/#codeLens_resolve).
 */
export interface WeightLensData extends WeightCommandArgs {
  /** Above the split (`Shift 10% → web-svc-2`, `Promote web-svc-2`) or above one backend (`+10%`, `−10%`). */
  place: 'split' | 'backend';
  /** A backend lens on a line other backends share (flow style) names its backend: `+10% web-svc-2`. */
  named?: boolean;
}

/** Client → server: the split under the cursor, for the palette commands; null when there is none. */
export interface SplitAtParams { textDocument: { uri: string }; position: Position }
export interface SplitSummary extends SplitRef {
  label: string;
  backends: { name: string; share: number; weight: string }[];
  /** Index of the canary (the last backend). */
  canary: number;
  /** Points a shift moves (`canaryLens.lens.step`). */
  step: number;
  /** Why the weights cannot be edited (syntax or schema error, alias, invalid weight); absent when they can. */
  blocked?: string;
  /** The live numbers of the split (`canaryLens/liveStats`), when the client measures them. */
  live?: string;
}
export type SplitAtResult = SplitSummary | null;
export const splitAtRequest = new RequestType<SplitAtParams, SplitAtResult, void>('canaryLens/splitAt');

/**
 * Client → server: the split objects the given documents define (those with lenses), so that the client measures
 * the splits visible editors show. Keyed as `canaryLens/liveStats` matches them: namespace (`default` when the
 * document names none), kind and name. A document the server does not know defines none.
 */
export interface DocumentSplitsParams { textDocuments: { uri: string }[] }
export interface SplitObjectRef { namespace: string; kind: SplitKind; name: string }
export const documentSplitsRequest = new RequestType<DocumentSplitsParams, SplitObjectRef[], void>('canaryLens/documentSplits');

/** What executing `WEIGHTS_COMMAND` returns: whether the edit was applied, else why not (also shown as a warning). */
export interface WeightCommandResult { applied: boolean; reason?: string }

/**
 * Client → server: the live numbers of each split the client measured, already formatted by the stats
 * module so that lenses, hovers and the panel read the same. An empty list clears them.
 */
export interface LiveBackendStats {
  name: string;
  /** `observed 26.0% · 94.1% · 1.4 rps` (no observed share without traffic) */
  brief: string;
  /** One line with success, RPS, P50/P95/P99 and observed vs desired share. */
  detail: string;
  /** Observed share off the desired one by more than 10 points. */
  flagged: boolean;
}
export interface LiveSplitStats {
  namespace: string;
  kind: SplitKind;
  name: string;
  /** HTTPRoute rule index (0-based) when the route has several. */
  rule?: number;
  brief: string;
  backends: LiveBackendStats[];
}
export interface LiveStatsParams { splits: LiveSplitStats[] }
export const liveStatsNotification = new NotificationType<LiveStatsParams>('canaryLens/liveStats');

/**
 * Progressive delivery: the kinds whose controllers own a split and move its weights. The registry
 * (`service/model/deliveryKinds.ts`) holds one entry per member, with the template kinds their analyses name.
 */
export type DeliveryKind = 'Canary' | 'Rollout';
export type TemplateKind = 'MetricTemplate' | 'AnalysisTemplate' | 'ClusterAnalysisTemplate';
/** Canary Lens's own kind: a rollout plan kept beside the split it drives; never applied, so no cluster lists it. */
export type PlanKind = 'RolloutPlan';
/** The controller a delivery kind belongs to, as messages name it. */
export type Controller = 'Flagger' | 'Argo Rollouts';

/** Who owns an object: a Canary (Flagger) or a Rollout (Argo Rollouts), and how that is known. */
export interface ObjectOwner {
  controller: Controller;
  kind: DeliveryKind;
  namespace: string;
  name: string;
  /**
   * `ownerReferences` (cluster: the controller set itself as owner), `managedFields` (cluster: the controller's field
   * manager wrote the weights), `naming` (workspace: the name the controller gives what it generates), `reference`
   * (the owner's spec names the object: Argo's trafficSplitName, its plugin's routes, canary/stableService).
   */
  via: 'ownerReferences' | 'managedFields' | 'naming' | 'reference';
}

/** A cluster object (split or Service) with an owner, as the client saw it. */
export interface ClusterOwnedObject {
  kind: string;
  group: string;
  namespace: string;
  name: string;
  owner: ObjectOwner;
}

/** An action on a live delivery. Argo Rollouts only: Flagger has no such API (its gates are webhooks). */
export type DeliveryAction = 'promote' | 'promote-full' | 'abort' | 'retry';

/**
 * The live state of one Canary or Rollout, read from its `status` (Flagger pkg/apis/flagger/v1beta1/status.go,
 * Argo Rollouts pkg/apis/rollouts/v1alpha1/types.go `RolloutStatus`), in words the lens, hover and panel share.
 */
export interface DeliveryStatus {
  kind: DeliveryKind;
  controller: Controller;
  namespace: string;
  name: string;
  /** Flagger: Initializing, Initialized, Waiting, Progressing, Promoting, Finalising, Succeeded, Failed; Argo: Healthy, Progressing, Paused, Degraded, … */
  phase: string;
  /** The canary's current share in percent (Flagger canaryWeight, Argo canary.weights.canary.weight). */
  weight?: number;
  /** Argo: the current step (0-based) and the number of steps. */
  step?: { index: number; total: number };
  /** Flagger: failed checks so far, against analysis.threshold. */
  failedChecks?: number;
  threshold?: number;
  /** The last condition's (Flagger) or the status (Argo) message. */
  message?: string;
  /** Argo: paused (pauseConditions or spec.paused), aborted. */
  paused?: boolean;
  aborted?: boolean;
  /** The split it moves, when known: keyed as liveStats keys splits. */
  split?: SplitObjectRef;
  /** One line: `Progressing · 30% · 1/5 failed checks`. */
  brief: string;
  /** The actions the controller offers now (empty for Flagger). */
  actions: DeliveryAction[];
}

/**
 * Client command: run a delivery action (Argo's promote, abort, retry, full promote) on a Rollout of the connected
 * cluster, after a confirmation that names the context and namespace. Lenses and the panel pass these arguments.
 */
export const DELIVERY_ACTION_COMMAND = 'canaryLens.deliveryAction';
export interface DeliveryActionArgs { namespace: string; name: string; action: DeliveryAction }

/**
 * Client command: open the object that owns a split (its document in the workspace, else its place in the cluster).
 * The owner lens of a managed split passes these arguments.
 */
export const OPEN_OWNER_COMMAND = 'canaryLens.openOwner';
export interface OpenOwnerArgs { owner: ObjectOwner; uri?: string; range?: { start: Position; end: Position } }

/**
 * Client → server: the owners of the split document at part `part` of `uri` (a Canary or Rollout of the workspace by
 * its naming rules and references, or of the cluster): Apply refuses a managed split with the words of its warning.
 */
export interface OwnersParams { uri: string; part: number }
export const ownersRequest = new RequestType<OwnersParams, ObjectOwner[], void>('canaryLens/owners');

// ---------------------------------------------------------------------------------------------------------------
// Guided rollouts (src/rollout): what the panel, the status bar and the lenses show of one

export type RolloutPhaseName = 'running' | 'paused' | 'completed' | 'rolled-back' | 'cancelled';
export type RolloutActionName = 'advance' | 'pause' | 'resume' | 'rollback' | 'cancel';

export interface RolloutGateView {
  id: 'requests' | 'successRate' | 'latencyP99';
  /** `success rate ≥ 99% and ≥ stable − 1`. */
  label: string;
  verdict: 'pass' | 'fail' | 'insufficient' | 'skipped';
  /** The canary's value and the bound it was judged against (null: none / not judged). */
  value: number | null;
  threshold: number | null;
  unit: 'requests' | '%' | 'ms';
  /** One line: value against threshold and where the threshold comes from, or why not judged. */
  detail: string;
  /** The gate's value at each evaluation of the current step, oldest first (a sparkline). */
  history: (number | null)[];
}

/** One rollout as every view shows it; built by src/rollout/view.ts from the state on the split. */
export interface RolloutView {
  split: SplitObjectRef & { rule?: number };
  canary: string;
  /** The canary's share at each step, percent. */
  steps: number[];
  /** Index into steps of the step in the cluster. */
  step: number;
  phase: RolloutPhaseName;
  /** The machine's status: kind (settling, holding, waiting, ready, advancing, paused, cluster-lost, stats-lost, ended), its words, and seconds left when holding. */
  status: { kind: string; message: string; secondsLeft?: number };
  holdTime: string;
  window: string;
  startedBy: string;
  /** Unix seconds. */
  startedAt: number;
  /** Who drives it; `mine` when this window does. */
  holder?: { id: string; mine: boolean; renewedAt: number; leaseSeconds: number };
  /** Running, and no runner has renewed the lease in time: the split stays at its step until one resumes it. */
  unattended: boolean;
  gates: RolloutGateView[];
  /** What a person may do now. */
  actions: RolloutActionName[];
}

/** Client → server: the guided rollouts the editor knows (driven by it or found on the cluster), for the split lenses. */
export interface RolloutsParams { rollouts: RolloutView[] }
export const rolloutsNotification = new NotificationType<RolloutsParams>('canaryLens/rollouts');

/** Client commands of guided rollouts (src/extension/rolloutCommands.ts); the start lens passes the document URI and the split. */
export const START_ROLLOUT_COMMAND = 'canaryLens.rollout.start';
/** Arguments of `canaryLens.rollout.start`: [uri, split]; of the others: [split]. */
export type RolloutSplitArg = SplitObjectRef & { rule?: number };
