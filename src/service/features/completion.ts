import {
  CompletionItemKind, InsertTextFormat, InsertTextMode, type CompletionItem, type Position, type Range,
} from 'vscode-languageserver-types';
import { splitDocumentOf } from '../model/adapters';
import { API_VERSIONS, isSplitKind, type SplitKind } from '../model/kinds';
import { cursorAt, type Cursor } from '../document/cursor';
import { withEol } from '../document/lineBreaks';
import { apiVersionOf, isOurControllerDocument, kindOf, schemaVersion } from '../model/documentKind';
import { CONTROLLER_KIND_NAMES, CONTROLLER_KINDS, isControllerKind, type ControllerKind } from '../model/deliveryKinds';
import type { FeatureContext } from './context';
import { YamlPart } from '../document/part';
import { definedAt, portDetail, portsText, typeLabel } from './present';
import { targetAt, type ServiceRef, type Target } from '../workspace/refs';
import type { JsonSchema } from '../model/schemas/index';
import { schemaAt } from '../model/schemas/validate';
import { SPLIT_SNIPPETS } from './snippets';
import { planReferenceItems } from './planCompletion';

/** Fields the API server writes: never offered. */
const SERVER_OWNED = new Set([
  'status', 'uid', 'resourceVersion', 'generation', 'creationTimestamp', 'deletionTimestamp',
  'deletionGracePeriodSeconds', 'managedFields', 'selfLink',
]);

/** Stands in for a value not typed yet, so the adapters say what it is (a backend, an apex, a port). */
const PROBE = '1234567';
const PROBE_LIMIT = 64 * 1024;

/**
 * Completion on the part at the cursor only. Where the cursor is comes from the lines (`cursor.ts`),
 * so it works while the document is mid-edit; what a value means comes from the split model.
 */
export function complete(ctx: FeatureContext, position: Position): CompletionItem[] {
  const part = ctx.file.partAt(position);
  if (part.templated) return [];
  const cursor = cursorAt(part.text, part.offsetAt(position));
  if (!cursor) return [];
  const items = itemsAt(ctx, part, cursor, part.rangeOf(cursor.span));
  // Right after a colon (`:` is a trigger character), a value needs its space.
  if (cursor.at === 'value' && part.text[cursor.span.start - 1] === ':') {
    for (const item of items) if (item.textEdit && 'range' in item.textEdit) item.textEdit.newText = ` ${item.textEdit.newText}`;
  }
  // Items that span lines (blocks to fill, snippets) are written with `\n`: insert the document's own line break.
  const eol = part.eol;
  if (eol !== '\n') {
    for (const item of items) if (item.textEdit && 'range' in item.textEdit) item.textEdit.newText = withEol(item.textEdit.newText, eol);
  }
  return items;
}

function itemsAt(ctx: FeatureContext, part: YamlPart, cursor: Cursor, range: Range): CompletionItem[] {
  const kind = kindOf(part);
  const apiVersion = apiVersionOf(part);
  const top = cursor.path.length === 1 ? cursor.path[0] : undefined;
  if (cursor.at === 'value' && top === 'kind') return kindValues(apiVersion, range);
  if (kind === undefined) {
    if (cursor.at === 'value' && top === 'apiVersion') return versionValues(undefined, range);
    return cursor.at === 'key' && cursor.path.length === 0 ? newDocumentItems(cursor, range) : [];
  }
  // Split kinds and the controllers' kinds (Canary, Rollout, their templates): both registries hold a schema per version.
  if (!isSplitKind(kind) && !(isControllerKind(kind) && isOurControllerDocument(part))) return [];
  if (cursor.at === 'value' && top === 'apiVersion') return versionValues(kind, range);
  const version = schemaVersion(kind, apiVersion);
  if (cursor.at === 'key') return keyItems(schemaAt(version, kind, cursor.path), cursor, range);
  return [...referenceItems(ctx, part, cursor, range), ...planReferenceItems(ctx, part, cursor, range), ...enumItems(schemaAt(version, kind, cursor.path), range)];
}

function markdown(value: string | undefined): CompletionItem['documentation'] {
  return value ? { kind: 'markdown', value } : undefined;
}

function keyItems(container: JsonSchema | undefined, cursor: Cursor, range: Range): CompletionItem[] {
  // In a list (a blank line under `backends:`), keys start a new item.
  const itemPrefix = container?.type === 'array' && container.items?.properties && cursor.key === undefined ? '- ' : '';
  const target = itemPrefix ? container!.items! : container;
  if (!target?.properties) return enumItems(container, range);
  const required = new Set(target.required ?? []);
  return Object.entries(target.properties)
    .filter(([name]) => !SERVER_OWNED.has(name) && (itemPrefix !== '' || !cursor.siblings.has(name)))
    .map(([name, schema]): CompletionItem => {
      const item: CompletionItem = {
        label: name,
        kind: CompletionItemKind.Property,
        sortText: `${required.has(name) ? 0 : 1}${name}`,
        textEdit: { range, newText: keyText(name, schema, cursor.key !== undefined, itemPrefix) },
      };
      if (itemPrefix) item.filterText = itemPrefix + name;
      const detail = typeLabel(schema);
      if (detail) item.detail = detail;
      const doc = markdown(schema.description);
      if (doc) item.documentation = doc;
      if (item.textEdit!.newText.includes('$0')) {
        item.insertTextFormat = InsertTextFormat.Snippet;
        item.insertTextMode = InsertTextMode.adjustIndentation;
      }
      return item;
    });
}

/** `key: ` for scalars, a block to fill for objects and lists; only the name on a written `key:` (its value stays). */
function keyText(name: string, schema: JsonSchema, written: boolean, itemPrefix: string): string {
  if (written) return name;
  if (schema.type !== 'object' && schema.type !== 'array') return `${itemPrefix}${name}: `;
  const indent = ' '.repeat(itemPrefix.length + 2);
  return `${itemPrefix}${name}:\n${indent}${schema.type === 'array' ? '- ' : ''}$0`;
}

function enumItems(schema: JsonSchema | undefined, range: Range): CompletionItem[] {
  return (schema?.enum ?? []).map((v, i) => ({
    label: String(v),
    kind: CompletionItemKind.EnumMember,
    sortText: String(i).padStart(3, '0'),
    textEdit: { range, newText: String(v) },
  }));
}

/** Every kind at every apiVersion served, with what to know before using it: the split kinds', then the controllers'. */
const KIND_VERSIONS: readonly { kind: SplitKind | ControllerKind; apiVersion: string; caveat?: string }[] = [
  ...API_VERSIONS.map((a) => ({
    kind: a.kind, apiVersion: a.apiVersion,
    caveat: a.old ?? (a.linkerdServes ? undefined : `Linkerd never served ${a.apiVersion}: applying it to a Linkerd cluster fails`),
  })),
  ...CONTROLLER_KIND_NAMES.flatMap((k) => CONTROLLER_KINDS[k].versions),
];

function kindValues(apiVersion: string | undefined, range: Range): CompletionItem[] {
  const served = KIND_VERSIONS.filter((a) => a.apiVersion === apiVersion);
  const kinds = [...new Set((served.length > 0 ? served : KIND_VERSIONS).map((a) => a.kind))];
  return kinds.map((kind) => {
    const item: CompletionItem = { label: kind, kind: CompletionItemKind.Class, textEdit: { range, newText: kind } };
    const doc = markdown(schemaAt(schemaVersion(kind, apiVersion), kind, [])?.description);
    if (doc) item.documentation = doc;
    return item;
  });
}

/** The served versions of the kind (every version when the kind is not written yet), current ones first. */
function versionValues(kind: string | undefined, range: Range): CompletionItem[] {
  return KIND_VERSIONS.filter((a) => kind === undefined || a.kind === kind).map(({ caveat, ...a }, i) => {
    const item: CompletionItem = {
      label: a.apiVersion,
      kind: CompletionItemKind.EnumMember,
      detail: a.kind,
      sortText: `${caveat ? 1 : 0}${String(i).padStart(2, '0')}`,
      textEdit: { range, newText: a.apiVersion },
    };
    const doc = markdown(caveat);
    if (doc) item.documentation = doc;
    return item;
  });
}

/** A document without a kind: its first keys, and whole split documents when it is still empty. */
function newDocumentItems(cursor: Cursor, range: Range): CompletionItem[] {
  const items: CompletionItem[] = ['apiVersion', 'kind']
    .filter((k) => !cursor.siblings.has(k))
    .map((k) => ({ label: k, kind: CompletionItemKind.Property, sortText: `0${k}`, textEdit: { range, newText: cursor.key !== undefined ? k : `${k}: ` } }));
  if (cursor.siblings.size > 0 || cursor.key !== undefined) return items;
  return [...items, ...SPLIT_SNIPPETS.map((s): CompletionItem => ({
    label: s.label,
    kind: CompletionItemKind.Snippet,
    detail: s.detail,
    documentation: { kind: 'markdown', value: '```yaml\n' + s.body.replace(/\$\{\d+:([^}]*)\}/g, '$1').replace(/\$0/, '') + '```' },
    sortText: `1${s.label}`,
    insertTextFormat: InsertTextFormat.Snippet,
    textEdit: { range, newText: s.body },
  }))];
}

/** Service names and ports: what the value at the cursor refers to, as the split model reads it. */
function referenceItems(ctx: FeatureContext, part: YamlPart, cursor: Cursor, range: Range): CompletionItem[] {
  const target = cursor.span.end > cursor.span.start ? ownTarget(part, cursor.span.start) : probedTarget(part, cursor.span.start);
  if (target?.type === 'service') return serviceItems(ctx, target.ref.ns, range);
  if (target?.type === 'port') return portItems(ctx, target.ref, range);
  return [];
}

/** A value already typed is in the document's own (cached) model. */
function ownTarget(part: YamlPart, offset: number): Target | undefined {
  const doc = splitDocumentOf(part);
  return doc ? targetAt(doc, offset, part.doc) : undefined;
}

/**
 * An empty value is in no model: the part is parsed again with a stand-in value at the cursor. That costs
 * about 30 ms per MB of part; past PROBE_LIMIT (far beyond a hand-written split) it is not done.
 */
function probedTarget(part: YamlPart, offset: number): Target | undefined {
  if (part.text.length > PROBE_LIMIT) return undefined;
  const pad = part.text[offset - 1] === ':' ? ' ' : '';
  const probe = new YamlPart(part.text.slice(0, offset) + pad + PROBE + part.text.slice(offset));
  const doc = splitDocumentOf(probe);
  return doc ? targetAt(doc, offset + pad.length, probe.doc) : undefined;
}

/** Services of the namespace: workspace definitions first, then the cluster's; one item per name. */
function serviceItems(ctx: FeatureContext, ns: string, range: Range): CompletionItem[] {
  const services = ctx.index.allServices(ns).sort((a, b) => Number(!a.part) - Number(!b.part) || a.name.localeCompare(b.name));
  const seen = new Set<string>();
  return services.flatMap((s): CompletionItem[] => {
    if (seen.has(s.name)) return [];
    seen.add(s.name);
    return [{
      label: s.name,
      kind: CompletionItemKind.Reference,
      detail: portsText(s.ports) || 'no ports',
      documentation: { kind: 'markdown', value: `Service \`${ns}/${s.name}\`, defined in ${definedAt(ctx.index, s, ctx.file.uri)}` },
      sortText: `${s.part ? 0 : 1}${s.name}`,
      ...(s.part ? {} : { labelDetails: { description: 'cluster' } }),
      textEdit: { range, newText: s.name },
    }];
  });
}

/** Ports of the Service named beside the port. */
function portItems(ctx: FeatureContext, ref: ServiceRef, range: Range): CompletionItem[] {
  const svc = ctx.index.services(ref.ns, ref.name.value)[0];
  return (svc?.ports ?? []).map((p, i) => {
    const item: CompletionItem = {
      label: String(p.port),
      kind: CompletionItemKind.Value,
      sortText: String(i).padStart(3, '0'),
      documentation: { kind: 'markdown', value: `Port ${p.port} of Service \`${svc!.ns}/${svc!.name}\`` },
      textEdit: { range, newText: String(p.port) },
    };
    const detail = portDetail(p);
    if (detail) item.detail = detail;
    return item;
  });
}
