import type { Location, Position } from 'vscode-languageserver-types';
import { splitDocumentOf } from '../model/adapters';
import { factsOf, type ServiceFact } from '../workspace/context';
import type { FeatureContext } from './context';
import type { YamlPart } from '../document/part';
import { serviceRefs, targetAt, touches, uriOf } from '../workspace/refs';

/** A Service by namespace and name: what navigation goes from and to. */
interface ServiceKey { ns: string; name: string }

/** The Service at a position: a reference in a split document, or the metadata.name of a Service document. */
function serviceAt(part: YamlPart, offset: number): ServiceKey | undefined {
  const doc = part.isSplit ? splitDocumentOf(part) : undefined;
  const target = doc ? targetAt(doc, offset, part.doc) : undefined;
  if (target?.type === 'service') return { ns: target.ref.ns, name: target.ref.name.value };
  const fact = factsOf(part).find((f): f is ServiceFact => f.type === 'Service' && touches(f.nameSpan, offset));
  return fact ? { ns: fact.ns, name: fact.name } : undefined;
}

/** Workspace definitions of a Service (cluster facts have no place to go to). */
function declarations(ctx: FeatureContext, key: ServiceKey): Location[] {
  return ctx.index.services(key.ns, key.name).flatMap((f) => {
    const uri = f.part && f.nameSpan ? uriOf(ctx.index, f.part) : undefined;
    return uri ? [{ uri, range: f.part!.rangeOf(f.nameSpan!) }] : [];
  });
}

/** From an apex or backend name (an HTTPRoute's Service parentRef included) to the Service's document. */
export function definition(ctx: FeatureContext, position: Position): Location[] {
  const part = ctx.file.partAt(position);
  const doc = part.isSplit ? splitDocumentOf(part) : undefined;
  const target = doc ? targetAt(doc, part.offsetAt(position), part.doc) : undefined;
  return target?.type === 'service' ? declarations(ctx, { ns: target.ref.ns, name: target.ref.name.value }) : [];
}

/** Every apex and backend naming the Service, in every split document the index holds. */
export function references(ctx: FeatureContext, position: Position, includeDeclaration: boolean): Location[] {
  const part = ctx.file.partAt(position);
  const key = part.templated ? undefined : serviceAt(part, part.offsetAt(position));
  if (!key) return [];
  const out = includeDeclaration ? declarations(ctx, key) : [];
  for (const file of ctx.index.allFiles()) {
    for (const p of file.parts) {
      const doc = p.isSplit ? splitDocumentOf(p) : undefined;
      for (const ref of doc ? serviceRefs(doc, p.doc) : []) {
        if (ref.ns === key.ns && ref.name.value === key.name) out.push({ uri: file.uri, range: p.rangeOf(ref.name.span) });
      }
    }
  }
  return out;
}
