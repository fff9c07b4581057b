import { generateBenchManifest } from './bench/generate';
import { LanguageService } from '../server/src/service/languageService';
const m = generateBenchManifest(20000);
const ls = new LanguageService();
const uri = 'file:///big.yaml';
ls.setFile(uri, m.text);
ls.index.indexSome(Infinity);
const e = m.weightEdit!;
const lines = m.text.split('\n');
// find a "service:" line of a backend near the weight edit
let line = e.line; while (!/^\s*- service: /.test(lines[line]!)) line--;
const col = lines[line]!.indexOf('service: ') + 9;
console.log(lines[line]);
const times: number[] = [];
for (let i = 0; i < 200; i++) {
  const ch = String.fromCharCode(97 + (i % 26));
  ls.changeFile(uri, [{ range: { start: { line, character: col }, end: { line, character: col } }, text: ch }], i + 1);
  const t0 = performance.now();
  const items = ls.completion(uri, { line, character: col + 1 });
  const h = ls.hover(uri, { line, character: col + 1 });
  times.push(performance.now() - t0);
  if (i === 0) console.log(items.length, items[0]?.label, !!h);
  ls.changeFile(uri, [{ range: { start: { line, character: col }, end: { line, character: col + 1 } }, text: '' }], i + 1);
}
times.sort((a, b) => a - b);
console.log('p50', times[100]!.toFixed(2), 'p95', times[190]!.toFixed(2), 'max', times[199]!.toFixed(2));
