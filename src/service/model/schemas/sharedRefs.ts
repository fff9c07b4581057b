/**
 * The schema as ajv compiles it: every sub-schema object that the tree holds more than once (the generated schemas
 * declare a shared subtree once and reference it: a pod spec, a label selector) becomes one `$ref` to `definitions`.
 * With `inlineRefs: false` ajv then compiles each shared subtree once, as a function, instead of once per place (in
 * the Rollout schema: containers and init containers, probes, label selectors, each strategy's analysis settings).
 * With index.ts's options the Rollout schema compiles in about 0.5 s instead of 2 s. Validation is the same;
 * completion and hover keep reading the original tree.
 */
import type { JsonSchema } from './jsonSchema';

type Node = Record<string, unknown>;

/** The sub-schemas directly under a schema, each with a function that puts a replacement in its place. */
function subSchemas(node: Node, visit: (sub: unknown) => unknown): Node {
  const out: Node = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === 'properties' && v !== null && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v).map(([name, sub]) => [name, visit(sub)]));
    } else if ((k === 'anyOf' || k === 'oneOf' || k === 'allOf') && Array.isArray(v)) {
      out[k] = v.map(visit);
    } else if (k === 'items' || k === 'not' || (k === 'additionalProperties' && typeof v === 'object')) {
      out[k] = visit(v);
    } else {
      out[k] = v; // data (enum, default, required, ...) and keywords with scalar values
    }
  }
  return out;
}

const isNode = (v: unknown): v is Node => v !== null && typeof v === 'object' && !Array.isArray(v);

export function withSharedRefs(root: JsonSchema): object {
  const uses = new Map<Node, number>();
  const count = (node: unknown): unknown => {
    if (!isNode(node)) return node;
    const n = uses.get(node) ?? 0;
    uses.set(node, n + 1);
    if (n === 0) subSchemas(node, count);
    return node;
  };
  count(root);

  const definitions: Node = {};
  const names = new Map<Node, string>();
  const copy = (node: unknown, own = false): unknown => {
    if (!isNode(node)) return node;
    if (!own && (uses.get(node) ?? 0) > 1) {
      let name = names.get(node);
      if (name === undefined) {
        name = `s${names.size}`;
        names.set(node, name);
        definitions[name] = copy(node, true);
      }
      return { $ref: `#/definitions/${name}` };
    }
    return subSchemas(node, (sub) => copy(sub));
  };
  const out = copy(root, true) as Node;
  if (names.size > 0) out.definitions = definitions;
  return out;
}
