import type { Finding, Rule } from './rule';

/** `not-served-by-linkerd`: versions Linkerd never served, and `matches` it ignores. */
export const notServedByLinkerd: Rule = {
  code: 'not-served-by-linkerd',
  scope: 'document',
  check({ doc }) {
    const api = doc.api;
    if (!api) return [];
    const findings: Finding[] = [];
    if (!api.linkerdServes) {
      findings.push({
        code: this.code,
        span: doc.apiVersion?.span ?? doc.kindSpan,
        message: `Linkerd does not serve ${api.apiVersion} (linkerd-smi serves v1alpha1 and v1alpha2): applying it fails with "no matches for kind"`,
      });
    }
    // Only v1alpha3/v1alpha4 have matches, and those are the versions Linkerd does not serve: say both, since moving
    // to v1alpha2 alone would still drop the matches.
    if (!api.linkerdIgnoresMatches) return findings;
    for (const s of doc.splits) {
      if (s.matches) findings.push({ code: this.code, span: s.matches, message: `Linkerd ignores matches on a ${doc.kind}: every request is split by weight` });
    }
    return findings;
  },
};

/** `trafficsplit-deprecated`: offers the conversion to the recommended kind. */
export const trafficSplitDeprecated: Rule = {
  code: 'trafficsplit-deprecated',
  scope: 'document',
  check({ doc }) {
    return doc.api?.deprecated ? [{ code: this.code, span: doc.kindSpan, message: doc.api.deprecated }] : [];
  },
};

/** `shadowed-by-serviceprofile`: Linkerd uses the apex's ServiceProfile (dstOverrides) instead of the route. */
export const shadowedByServiceProfile: Rule = {
  code: 'shadowed-by-serviceprofile',
  scope: 'workspace',
  check({ doc, index }) {
    if (!doc.api?.shadowedByServiceProfile) return [];
    const apex = doc.splits.find((s) => s.apex)?.apex;
    if (!apex) return [];
    const ns = apex.namespace?.value ?? doc.ns;
    const profile = index.profiles(ns, apex.name.value).find((p) => p.hasDstOverrides);
    if (!profile) return [];
    return [{
      code: this.code,
      span: apex.name.span,
      message: `ServiceProfile ${profile.name} has dstOverrides for ${apex.name.value}: Linkerd uses the profile and ignores this ${doc.kind}`,
    }];
  },
};
