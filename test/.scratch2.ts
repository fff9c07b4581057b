import { workspace, withFile } from './fixtures/features/helpers';
const { ls } = workspace();
const show = (x: unknown) => console.log(JSON.stringify(x));
const tries = [
 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\n  namespace: emojivoto\nspec:\n  parentRefs:\n    - name: |\n      kind: Service\n      group: core\n',
 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\n  namespace: emojivoto\nspec:\n  rules:\n    - backendRefs:\n        - name: web-svc\n          port: 80\n        - |\n',
 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata:\n  name: r\n  namespace: emojivoto\nspec:\n  rules:\n    - backendRefs:\n        - name: emoji-svc\n          port: |\n',
 'apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nspec:\n  rules:\n    - matches:\n        - path:\n            type: |\n',
 '---\n|',
 'apiVersion: split.smi-spec.io/v1alpha2\nkind: TrafficSplit\nmetadata:\n  name: x\n|\n',
 'apiVersion: |\nkind: TrafficSplit\n',
 'kind: |\n',
];
for (const t of tries) { const m = withFile(ls, 'file:///ws/t.yaml', t); show(ls.completion('file:///ws/t.yaml', m.pos).map(i => [i.label, i.detail, i.textEdit && 'newText' in i.textEdit ? i.textEdit.newText : '']).slice(0, 12)); }
