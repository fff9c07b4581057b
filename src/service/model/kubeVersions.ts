/**
 * Kubernetes API version ordering, as the API server sorts a group's versions: GA before beta before alpha, then by
 * major, then by minor number (`v2`, `v1`, `v1beta2`, `v1beta1`, `v1alpha1`); a version not of that shape sorts below
 * every one that is, those among themselves by reverse string order. kubernetes/apimachinery
 * `pkg/version/helpers.go`: `CompareKubeAwareVersionStrings`, `parseKubeVersion`.
 */

const KUBE_VERSION = /^v(\d+)(?:(alpha|beta)(\d+))?$/;

const STABILITY = { alpha: 0, beta: 1, ga: 2 } as const;

interface KubeVersion { major: number; stability: number; minor: number }

function parseKubeVersion(v: string): KubeVersion | undefined {
  const m = KUBE_VERSION.exec(v);
  if (!m) return undefined;
  const kind = (m[2] ?? 'ga') as keyof typeof STABILITY;
  const major = Number(m[1]);
  const minor = m[3] === undefined ? 0 : Number(m[3]);
  // Go's strconv.Atoi fails on numbers beyond int64; a JS number loses exactness beyond 2^53: not a version then.
  return Number.isSafeInteger(major) && Number.isSafeInteger(minor) ? { major, stability: STABILITY[kind], minor } : undefined;
}

/** Whether `v` is a Kubernetes-shaped version (`v1`, `v2beta3`, `v1alpha1`). */
export function isKubeVersion(v: string): boolean {
  return parseKubeVersion(v) !== undefined;
}

/** Positive when `a` is newer (higher priority) than `b`, negative when older, 0 when equal. */
export function compareKubeVersions(a: string, b: string): number {
  if (a === b) return 0;
  const pa = parseKubeVersion(a);
  const pb = parseKubeVersion(b);
  if (!pa || !pb) {
    if (pa) return 1;
    if (pb) return -1;
    return a < b ? 1 : -1; // strings.Compare(v2, v1)
  }
  return Math.sign(pa.stability - pb.stability || pa.major - pb.major || pa.minor - pb.minor);
}

/**
 * The version of `served` nearest to `written`: the newest not newer than it, else the oldest newer one; undefined when
 * nothing is served or `written` is not Kubernetes-shaped (a typo such as `v1beat1` has no place in the order to be
 * near to: any choice would be a guess).
 */
export function nearestVersion(written: string, served: readonly string[]): string | undefined {
  if (!isKubeVersion(written)) return undefined;
  const sorted = [...served].sort(compareKubeVersions); // oldest first
  const older = sorted.filter((v) => compareKubeVersions(v, written) <= 0);
  return older.length > 0 ? older[older.length - 1] : sorted[0];
}
