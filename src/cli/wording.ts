import type { Knob, Wording } from '../cluster/wording';

/** The flags that fix what the cluster and stats libraries report (see the usage text). */
const FLAGS: Record<Knob, string> = { kubeconfig: '--kubeconfig', prometheus: '--prometheus URL' };

/** How the CLI words the libraries' next steps: its flags; a run reads once and never retries. */
export const CLI_WORDING: Wording = {
  knobName: (k) => FLAGS[k],
  useKnob: (k) => `pass ${FLAGS[k]}`,
};
