import type { KubeConfig } from '@kubernetes/client-node';

/**
 * Keeps credentials out of logs and messages. Two layers: the exact secrets of the loaded kubeconfig (tokens,
 * passwords, client keys, auth-provider and exec secrets), and patterns that catch credentials the kubeconfig does
 * not spell out (bearer headers, JWTs, PEM private keys, `token: ...` pairs, passwords in URLs).
 */
export const REDACTED = '<redacted>';

/** Keys whose values are credentials, in YAML, JSON, flags and query strings. */
const SECRET_KEY = String.raw`(?:token|id[-_]?token|refresh[-_]?token|access[-_]?token|client[-_]?secret|client[-_]?key[-_]?data|key[-_]?data|password|passwd|secret|api[-_]?key)`;

const PATTERNS: [RegExp, string][] = [
  // PEM private keys (client keys, service account keys).
  [/-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z0-9 ]*PRIVATE KEY-----|$)/g, REDACTED],
  // Authorization headers in any spelling, then bare bearer/basic credentials.
  [/(\bauthorization["']?\s*[:=]\s*["']?)(?:(?:bearer|basic)\s+)?[^\s"',}]+/gi, `$1${REDACTED}`],
  [/\b(bearer|basic)(\s+)[A-Za-z0-9\-._~+/]{4,}=*/gi, `$1$2${REDACTED}`],
  // key: value / "key": "value" / key=value / --key value for credential keys.
  [new RegExp(String.raw`((?<![A-Za-z0-9])["']?${SECRET_KEY}["']?\s*[:=]\s*)(["']?)[^\s"',}]+\2`, 'gi'), `$1$2${REDACTED}$2`],
  [new RegExp(String.raw`(--${SECRET_KEY}[= ])\S+`, 'gi'), `$1${REDACTED}`],
  // user:password@ in URLs.
  [/(\b[a-z][a-z0-9+.-]*:\/\/)[^\s/@:]+:[^\s/@]+@/gi, `$1${REDACTED}@`],
  // JSON Web Tokens (service account tokens, OIDC id tokens).
  [/\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*/g, REDACTED],
];

export class Redactor {
  private readonly secrets = new Set<string>();

  /** Remember exact secrets (values under 4 characters are ignored: too likely to match ordinary text). */
  add(...values: (string | undefined | null)[]): this {
    for (const v of values) {
      if (typeof v !== 'string') continue;
      const s = v.trim();
      if (s.length >= 4) this.secrets.add(s);
      // Key data is base64 in the kubeconfig: also hide the decoded PEM.
      if (s.length >= 16 && /^[A-Za-z0-9+/=\s]+$/.test(s)) {
        const decoded = Buffer.from(s, 'base64').toString('utf8');
        if (decoded.includes('PRIVATE KEY')) this.secrets.add(decoded.trim());
      }
    }
    return this;
  }

  /** Every credential the kubeconfig holds (all users, not only the current one). */
  addKubeconfig(kc: KubeConfig): this {
    for (const user of kc.getUsers()) {
      this.add(user.token, user.password, user.keyData);
      const config = (user.authProvider as { config?: Record<string, unknown> } | undefined)?.config;
      if (config) {
        for (const key of ['id-token', 'refresh-token', 'access-token', 'client-secret']) {
          const v = config[key];
          if (typeof v === 'string') this.add(v);
        }
      }
      const env = (user.exec as { env?: { name?: string; value?: string }[] } | undefined)?.env;
      for (const e of env ?? []) this.add(e.value);
    }
    return this;
  }

  redact(text: string): string {
    let out = text;
    // Longest first, so a secret that contains another is hidden whole.
    for (const s of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(s).join(REDACTED);
    for (const [re, replacement] of PATTERNS) out = out.replace(re, replacement);
    return out;
  }
}

/** Pattern-only redaction, for text that is not tied to a kubeconfig. */
export function redact(text: string, redactor?: Redactor): string {
  return (redactor ?? new Redactor()).redact(text);
}
