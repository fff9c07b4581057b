import { servedVersions } from '../model/kinds';
import type { Rule } from './rule';

/** `unknown-api-version`: a split kind under an apiVersion nobody serves (or none at all). */
export const unknownApiVersion: Rule = {
  code: 'unknown-api-version',
  scope: 'document',
  check({ doc }) {
    if (doc.api) return [];
    const served = servedVersions(doc.kind).join(', ');
    return [{
      code: this.code,
      span: doc.apiVersion?.span ?? doc.kindSpan,
      message: doc.apiVersion
        ? `${doc.kind} is not served as ${doc.apiVersion.value}. Served versions: ${served}`
        : `${doc.kind} needs an apiVersion. Served versions: ${served}`,
    }];
  },
};

/** `old-api-version`: served only by old bundles. */
export const oldApiVersion: Rule = {
  code: 'old-api-version',
  scope: 'document',
  check({ doc }) {
    return doc.api?.old && doc.apiVersion ? [{ code: this.code, span: doc.apiVersion.span, message: doc.api.old }] : [];
  },
};
