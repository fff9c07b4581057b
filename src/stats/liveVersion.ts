import { stringify } from 'yaml';
import { YamlFile } from '../service/document/file';
import { splitDocumentOf } from '../service/model/adapters';
import { servedVersions } from '../service/model/kinds';

/**
 * The version a live split object's weights are read under. A CRD that serves several versions with
 * `conversion: None` hands back every object as it was stored, whatever version it is read through: the None
 * converter only sets apiVersion (kubernetes/apiextensions-apiserver pkg/apiserver/conversion/nop_converter.go).
 * The TrafficSplit CRD of linkerd-smi serves v1alpha1 (weights are quantities, int-or-string) and v1alpha2
 * (numbers) so; the cluster layer reads v1alpha2, and what Flagger (fluxcd/flagger pkg/router/smi.go: the
 * v1alpha1 client, `resource.NewQuantity` weights) and Argo Rollouts (argoproj/argo-rollouts
 * rollout/trafficrouting/smi/smi.go, v1alpha1 by default: utils/defaults/defaults.go DefaultSMITrafficSplitVersion)
 * write comes back as `weight: "40"` or `"500m"` (a Quantity marshals to a JSON string: kubernetes/apimachinery
 * pkg/api/resource/quantity.go MarshalJSON). Such an object is read under the version it was written through: the
 * first of the kind's versions in the same API group (the returned one first) whose rules read every weight, so
 * quantities become exact milli units like any v1alpha1 manifest's. An object whose weights no version reads is
 * read as returned (and its weights count as 0, as before).
 */

/** Enough of a live object to write it out as YAML. */
export interface PlainObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace: string };
  spec: unknown;
}

/** The apiVersions `returned` may have been written through: itself first, then its kind's others in its group. */
export function candidateVersions(kind: string | undefined, returned: string | undefined): string[] {
  if (!returned) return [];
  const group = returned.includes('/') ? returned.slice(0, returned.lastIndexOf('/') + 1) : undefined;
  const others = group && kind ? servedVersions(kind).filter((v) => v !== returned && v.startsWith(group)) : [];
  return [returned, ...others];
}

/** Every backend weight of every split in the text reads without a problem (and there is a split to read). */
function weightsRead(uri: string, text: string): boolean {
  const docs = new YamlFile(uri, text, 0).parts.flatMap((p) => {
    const d = p.isSplit ? splitDocumentOf(p) : undefined;
    return d ? [d] : [];
  });
  return docs.length > 0 && docs.every((d) => d.splits.every((s) => s.backends.every((b) => b.weight.problem === undefined)));
}

/** The object as YAML under the apiVersion its weights read under (see the module comment), with that version. */
export function liveObjectText(uri: string, object: PlainObject): { text: string; apiVersion?: string } {
  const write = (apiVersion: string | undefined) => stringify({ ...object, apiVersion }, { lineWidth: 0 });
  const [returned, ...others] = candidateVersions(object.kind, object.apiVersion);
  const first = write(returned);
  if (returned === undefined || weightsRead(uri, first)) return { text: first, ...(returned ? { apiVersion: returned } : {}) };
  for (const v of others) {
    const text = write(v);
    if (weightsRead(uri, text)) return { text, apiVersion: v };
  }
  return { text: first, apiVersion: returned };
}
