/**
 * Errors of the cluster and stats libraries are values: a message, a next step in neutral words, and, where a
 * setting or flag fixes the problem, which one (`knob`). Each front end words them in its own terms through a
 * `Wording`: the extension names its settings and retries by itself; the CLI names its flags and runs once.
 */

/** A setting or flag that fixes a problem. */
export type Knob = 'kubeconfig' | 'prometheus';

export interface Wording {
  /** The knob's name: `canaryLens.kubeconfig` in VS Code, `--kubeconfig` on the command line. */
  knobName(knob: Knob): string;
  /** What to do with it: `set canaryLens.kubeconfig`, `pass --kubeconfig`. */
  useKnob(knob: Knob): string;
  /** The front end retries failed connections by itself (and says so in next steps). */
  retrying?: string;
}

/** The parts of a next step, as the libraries produce them. */
export interface Remedy {
  /** What to do, without a front end's words. */
  nextStep?: string;
  /** A setting or flag that fixes it instead. */
  knob?: Knob;
  /** The failure is transient: a front end that retries says so. */
  transient?: boolean;
}

/** The next step in the front end's words: "Check …; Canary Lens keeps retrying." or "Create …, or pass --kubeconfig." */
export function wordRemedy(r: Remedy, w: Wording): string | undefined {
  if (r.nextStep === undefined || (!r.knob && !r.transient)) return r.nextStep;
  const knob = r.knob ? `, or ${w.useKnob(r.knob)}` : '';
  const retrying = r.transient && w.retrying ? `; ${w.retrying}` : '';
  return `${r.nextStep.replace(/\.$/, '')}${knob}${retrying}.`;
}
