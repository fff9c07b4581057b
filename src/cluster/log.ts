import { Redactor } from './redact';

/** What the cluster layer logs to: VS Code's `LogOutputChannel` fits this shape, so does a test capture. */
export interface LogSink {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export type LogLevel = keyof LogSink;
const LEVELS: LogLevel[] = ['trace', 'debug', 'info', 'warn', 'error'];

/** A log that redacts every line before it reaches the sink. */
export class ClusterLog implements LogSink {
  constructor(private readonly sink: LogSink, readonly redactor: Redactor = new Redactor()) {}

  trace(message: string): void { this.write('trace', message); }
  debug(message: string): void { this.write('debug', message); }
  info(message: string): void { this.write('info', message); }
  warn(message: string): void { this.write('warn', message); }
  error(message: string): void { this.write('error', message); }

  private write(level: LogLevel, message: string): void {
    try {
      this.sink[level](this.redactor.redact(message));
    } catch {
      // A closed output channel must not break the cluster layer.
    }
  }
}

/** Keeps every line in memory (tests, and the text a test asserts on). */
export class MemoryLog implements LogSink {
  readonly lines: string[] = [];
  constructor(private readonly echo?: LogSink, private readonly minLevel: LogLevel = 'trace') {}

  trace(message: string): void { this.add('trace', message); }
  debug(message: string): void { this.add('debug', message); }
  info(message: string): void { this.add('info', message); }
  warn(message: string): void { this.add('warn', message); }
  error(message: string): void { this.add('error', message); }

  get text(): string { return this.lines.join('\n'); }

  private add(level: LogLevel, message: string): void {
    this.lines.push(`[${level}] ${message}`);
    if (this.echo && LEVELS.indexOf(level) >= LEVELS.indexOf(this.minLevel)) this.echo[level](message);
  }
}

export const silentSink: LogSink = { trace() {}, debug() {}, info() {}, warn() {}, error() {} };
