import type { NameRef } from '../model/split';
import type { Rule } from './rule';

const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function problem(ref: NameRef): string | undefined {
  const v = ref.value;
  if (/\$\{?[A-Za-z_]/.test(v)) return `${ref.what} "${v}" looks like an unexpanded variable: substitute it before applying`;
  if (ref.subdomain) {
    if (v.length <= 253 && v.split('.').every((l) => LABEL.test(l))) return undefined;
    return `${ref.what} "${v}" is not a valid DNS subdomain: lowercase letters, digits, '-' and '.', starting and ending with a letter or digit`;
  }
  if (v.length <= 63 && LABEL.test(v)) return undefined;
  if (v.includes('.')) return `${ref.what} "${v}" is not a valid DNS label: no dots allowed (name the namespace in its own field)`;
  if (v.length > 63) return `${ref.what} "${v}" is longer than 63 characters`;
  return `${ref.what} "${v}" is not a valid DNS label: lowercase letters, digits and '-', starting and ending with a letter or digit`;
}

/** `invalid-name`: a name or reference that Kubernetes would refuse or never resolve. */
export const invalidName: Rule = {
  code: 'invalid-name',
  scope: 'document',
  check({ doc }) {
    return doc.names.flatMap((ref) => {
      const message = problem(ref);
      return message ? [{ code: this.code, span: ref.span, message }] : [];
    });
  },
};
