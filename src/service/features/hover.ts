import type { Hover, Position } from 'vscode-languageserver-types';
import { splitDocumentOf } from '../model/adapters';
import { isSplitKind } from '../model/kinds';
import { isControllerKind } from '../model/deliveryKinds';
import { cursorAt } from '../document/cursor';
import { apiVersionOf, isOurControllerDocument, kindOf, schemaVersion } from '../model/documentKind';
import type { FeatureContext } from './context';
import type { SplitDocument } from '../model/split';
import type { Span } from '../document/part';
import { definedAt, portDetail, shareText, typeLabel } from './present';
import { targetAt, type ServiceRef } from '../workspace/refs';
import { describeRemote, remoteService } from '../workspace/multicluster';
import { schemaAt } from '../model/schemas/validate';
import { deliveryHover } from './deliveryHover';
import { liveTitle } from './weightCommand';

/** Hover on split documents: Service references, weights, and the schema's word on any key. */
export function hover(ctx: FeatureContext, position: Position): Hover | null {
  const part = ctx.file.partAt(position);
  // The plan of a Canary or Rollout, on its key or a step, before the field docs of the same keys.
  const plan = deliveryHover(ctx, part, position);
  if (plan) return plan;
  const kind = kindOf(part);
  // Split documents, and the controllers' (Canary, Rollout, their templates) for the schema's word on a key.
  if (part.templated || (!isSplitKind(kind) && !(isControllerKind(kind) && isOurControllerDocument(part)))) return null;
  const offset = part.offsetAt(position);
  const doc = splitDocumentOf(part);
  const target = doc ? targetAt(doc, offset, part.doc) : undefined;
  const at = (span: Span, value: string): Hover => ({ contents: { kind: 'markdown', value }, range: part.rangeOf(span) });
  if (doc && target?.type === 'service') return at(target.ref.name.span, serviceHover(ctx, doc, target.ref));
  if (doc && target?.type === 'weight') {
    const live = ctx.live.of(doc, target.split)?.backends.find((b) => b.name === target.backend.name?.value);
    return at(target.backend.weight.span!, shareText(target.split, target.backend, doc.api) + (live ? `\n\nLive: ${live.detail}${live.flagged ? ' ⚠' : ''}` : ''));
  }

  const cursor = cursorAt(part.text, offset);
  if (cursor?.at !== 'key' || cursor.key === undefined) return null;
  const schema = schemaAt(schemaVersion(kind, apiVersionOf(part)), kind, [...cursor.path, cursor.key]);
  if (!schema) return null;
  const type = typeLabel(schema);
  const head = `**${cursor.key}**${type ? ` \`${type}\`` : ''}`;
  const text = schema.description ? `${head}\n\n${schema.description}` : head;
  const live = doc ? splitLive(ctx, doc, cursor.span) : undefined;
  return at(cursor.span, live ? `${text}\n\n${live}` : text);
}

/**
 * `Live: 96.0% · 2.0 rps · ⚠ web-svc off its weight` on the split's key (where its lenses sit): the split's live
 * summary, which its lens row leaves out to stay short enough for its actions.
 */
function splitLive(ctx: FeatureContext, doc: SplitDocument, key: Span): string | undefined {
  const split = doc.splits.find((s) => s.backends.length > 0 && s.span.start === key.start);
  const live = split ? ctx.live.of(doc, split) : undefined;
  return live ? `Live: ${liveTitle(live)}` : undefined;
}

/** Ports, selector, where it is defined, ready endpoints; for a backend relying on the default weight, its share. */
function serviceHover(ctx: FeatureContext, doc: SplitDocument, ref: ServiceRef): string {
  const role = ref.role === 'apex' ? 'apex' : `backend of ${ref.split?.label ?? doc.name?.value ?? doc.kind}`;
  const lines = [`**Service** \`${ref.ns}/${ref.name.value}\` (${role})`, ''];
  const facts = ctx.index.services(ref.ns, ref.name.value);
  const main = facts[0];
  // Multicluster mirrors and federated Services are backends the service mirror creates (workspace/multicluster.ts).
  const remote = ref.role === 'backend' ? remoteService(ctx.index, ref.ns, ref.name.value) : undefined;
  if (remote) lines.push(`${describeRemote(remote)}.`, '');
  if (!main) {
    const where = ctx.index.clusterFacts?.namespaces.includes(ref.ns) ? 'the workspace or the cluster' : 'the workspace';
    lines.push(remote ? `Not in ${where}: Linkerd's service mirror creates it in the cluster.` : `Not found in ${where}.`);
  } else {
    const ports = main.ports.map((p) => `${p.port}${portDetail(p) ? ` (${portDetail(p)})` : ''}`);
    lines.push(`- ports: ${ports.length ? ports.join(', ') : 'none'}`);
    const selector = Object.entries(main.selector ?? {}).map(([k, v]) => `${k}=${v}`).join(', ');
    lines.push(`- selector: ${selector ? `\`${selector}\`` : 'none'}`);
    const ready = facts.find((f) => f.readyEndpoints !== undefined)?.readyEndpoints;
    if (ready !== undefined) lines.push(`- ready endpoints: ${ready}`);
    lines.push(`- defined in ${facts.map((f) => definedAt(ctx.index, f, ctx.file.uri)).join(', ')}`);
  }
  if (ref.split && ref.backend && !ref.backend.weight.span) lines.push(`- share: ${shareText(ref.split, ref.backend, doc.api)} (default weight)`);
  return lines.join('\n');
}
