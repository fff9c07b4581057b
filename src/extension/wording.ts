import type { Knob, Wording } from '../cluster/wording';

/** The settings that fix what the cluster and stats libraries report (declared in package.json). */
const SETTINGS: Record<Knob, string> = { kubeconfig: 'canaryLens.kubeconfig', prometheus: 'canaryLens.prometheus.url' };

/** How the extension words the libraries' next steps: its settings, and it retries by itself. */
export const EXTENSION_WORDING: Wording = {
  knobName: (k) => SETTINGS[k],
  useKnob: (k) => `set ${SETTINGS[k]}`,
  retrying: 'Canary Lens keeps retrying',
};
