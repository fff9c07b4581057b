import { isScalar, Scalar, visit } from 'yaml';
import type { Finding, Rule } from './rule';
import { kubectlScalar, type KubectlScalar } from '../document/yamlOptions';
import { spanOf } from '../document/yamlNodes';

/**
 * A plain scalar as YAML 1.2's core schema reads it (YAML 1.2.2 §10.3.2; the `yaml` package's src/schema/core/*),
 * which editors, yq and most tools use. kubectl reads YAML 1.1 (src/service/document/yamlOptions.ts).
 */
function yaml12(source: string): KubectlScalar {
  if (/^(?:~|[Nn]ull|NULL)?$/.test(source)) return { type: 'null', value: null };
  if (/^(?:[Tt]rue|TRUE)$/.test(source)) return { type: 'bool', value: true };
  if (/^(?:[Ff]alse|FALSE)$/.test(source)) return { type: 'bool', value: false };
  if (/^0o[0-7]+$/.test(source)) return { type: 'int', value: parseInt(source.slice(2), 8) };
  if (/^[-+]?[0-9]+$/.test(source)) return { type: 'int', value: Number(source) };
  if (/^0x[0-9a-fA-F]+$/.test(source)) return { type: 'int', value: parseInt(source.slice(2), 16) };
  if (/^(?:[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN)$/.test(source)) {
    return { type: 'float', value: /nan/i.test(source) ? NaN : source.startsWith('-') ? -Infinity : Infinity };
  }
  if (/^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)[eE][-+]?[0-9]+$/.test(source) || /^[-+]?(?:\.[0-9]+|[0-9]+\.[0-9]*)$/.test(source)) {
    return { type: 'float', value: Number(source) };
  }
  return { type: 'string', value: source };
}

/** Numbers compare by value (`08` is the float 8 for kubectl, the int 8 in YAML 1.2: the same JSON). */
function sameValue(a: KubectlScalar, b: KubectlScalar): boolean {
  const numeric = (s: KubectlScalar) => s.type === 'int' || s.type === 'float';
  if (numeric(a) && numeric(b)) return Object.is(a.value, b.value);
  return a.type === b.type && a.value === b.value;
}

/** A value as it would be written plain in YAML 1.2 and JSON: `8`, `true`, `null`. */
function written(s: KubectlScalar): string {
  if (s.type === 'string') return JSON.stringify(s.value);
  if (s.type === 'null') return 'null';
  return String(s.value);
}

function what(s: KubectlScalar): string {
  switch (s.type) {
    case 'bool': return `the boolean ${String(s.value)}`;
    case 'null': return 'null';
    case 'string': return `the string ${JSON.stringify(s.value)}`;
    default: return String(s.value);
  }
}

/** Which YAML 1.1 rule makes the difference, for the message. */
function why(source: string, kubectl: KubectlScalar): string {
  if (kubectl.type === 'bool') return 'YAML 1.1 boolean';
  if (kubectl.type === 'string') return 'not a number in YAML 1.1';
  if (source.includes('_')) return 'YAML 1.1 ignores `_` in numbers';
  if (/^[-+]?0[0-7]+$/.test(source)) return 'YAML 1.1 octal';
  return 'YAML 1.1 number';
}

/** What a quick fix offers: the value kubectl reads written plainly, and the text quoted as the string. */
export interface Yaml11Data { replacement?: string; quoted: string }

/** The warning for a plain scalar's source, when kubectl and YAML 1.2 read it differently. */
export function yaml11Difference(source: string): { message: string; data: Yaml11Data } | undefined {
  const kubectl = kubectlScalar(source);
  const other = yaml12(source);
  if (sameValue(kubectl, other)) return undefined;
  const replacement = kubectl.type === 'string' ? undefined : written(kubectl);
  const data: Yaml11Data = { quoted: JSON.stringify(source), ...(replacement ? { replacement } : {}) };
  const fix = replacement ? `write ${replacement}, or quote it for the string ${data.quoted}` : 'quote it to make that plain';
  return { message: `kubectl reads ${source} as ${what(kubectl)} (${why(source, kubectl)}), not ${what(other)}: ${fix}`, data };
}

/**
 * `yaml-1-1-value`: a plain scalar kubectl (YAML 1.1) reads otherwise than YAML 1.2 does: `010` is 8, `1_000` is
 * 1000, `yes`/`no`/`on`/`off`/`y`/`n` are booleans. Canary Lens reads what kubectl reads; the warning says so, for
 * the reader (and the other tools) who see the YAML 1.2 value.
 */
export const yaml11Value: Rule = {
  code: 'yaml-1-1-value',
  scope: 'document',
  check({ part }) {
    const out: Finding[] = [];
    visit(part.doc, {
      Scalar: (_key, node) => {
        if (!isScalar(node) || node.type !== Scalar.PLAIN || node.tag || typeof node.value === 'symbol' || typeof node.source !== 'string') return;
        const difference = yaml11Difference(node.source);
        const span = spanOf(node);
        if (span && difference) out.push({ code: 'yaml-1-1-value', span, ...difference });
      },
    });
    return out;
  },
};
