/** One command-line argument: a flag's name (`--window` of `--window=1m` too), and its value taken on demand. */
export interface Arg {
  arg: string;
  name: string;
  /** The flag's value: after `=`, else the next argument (consumed). Throws `usage('NAME needs a value')` when none. */
  value: () => string;
  /** The value was written after `=`. */
  inline: boolean;
}

/** Walks `args` in order, as every subcommand reads them (`--flag value`, `--flag=value`, words). */
export function walkArgs(args: readonly string[], usage: (message: string) => Error, onArg: (a: Arg) => void): void {
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    onArg({
      arg, name, inline: eq > 0,
      value: () => {
        const v = eq > 0 ? arg.slice(eq + 1) : args[++i];
        if (v === undefined || v === '') throw usage(`${name} needs a value`);
        return v;
      },
    });
  }
}
