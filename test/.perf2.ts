import { generateBenchManifest } from './bench/generate';
import { LanguageService } from '../server/src/service/languageService';
const m = generateBenchManifest(20000);
const ls = new LanguageService();
const uri = 'file:///big.yaml';
ls.setFile(uri, m.text);
ls.index.indexSome(Infinity);
const lines = m.text.split('\n');
let line = m.weightEdit!.line; while (!/^\s*- service: /.test(lines[line]!)) line--;
const col = lines[line]!.indexOf('service: ') + 9;
const stats: Record<string, number[]> = { lookup: [], completion: [], hover: [], keys: [] };
for (let i = 0; i < 200; i++) {
  const ch = String.fromCharCode(97 + (i % 26));
  ls.changeFile(uri, [{ range: { start: { line, character: col }, end: { line, character: col } }, text: ch }], i + 1);
  let t0 = performance.now(); ls.index.allServices('x'); stats.lookup!.push(performance.now() - t0);
  t0 = performance.now(); ls.completion(uri, { line, character: col + 1 }); stats.completion!.push(performance.now() - t0);
  t0 = performance.now(); ls.hover(uri, { line, character: col + 1 }); stats.hover!.push(performance.now() - t0);
  t0 = performance.now(); ls.completion(uri, { line: line + 1, character: 6 }); stats.keys!.push(performance.now() - t0);
  ls.changeFile(uri, [{ range: { start: { line, character: col }, end: { line, character: col + 1 } }, text: '' }], i + 1);
}
for (const [k, t] of Object.entries(stats)) { t.sort((a, b) => a - b); console.log(k, 'p50', t[100]!.toFixed(2), 'p95', t[190]!.toFixed(2), 'max', t[199]!.toFixed(2)); }
{
  const t: number[] = [];
  for (let i = 0; i < 50; i++) { const t0 = performance.now(); ls.index.allServices('x'); t.push(performance.now() - t0); }
  t.sort((a, b) => a - b); console.log('allServices cached', t[25]!.toFixed(3));
  const t2: number[] = [];
  for (let i = 0; i < 50; i++) { const t0 = performance.now(); ls.completion(uri, { line, character: col }); t2.push(performance.now() - t0); }
  t2.sort((a, b) => a - b); console.log('completion no edit', t2[25]!.toFixed(3), t2[47]!.toFixed(3));
}
