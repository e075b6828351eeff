// How much of a `mimir traces` run exact token counting takes: the CPU the main thread spends in
// countO200kTokens, against the whole process's, for three passes over the same file in one process
// (the first is what a user waits for; the third has every cache full and the code compiled).
// Compare with bench/baseline.mjs's cpuSeconds on the same file: on two cores, 1.0x the bare parse
// leaves twice the baseline's CPU for the whole run (README, "Where the time goes").
// It times a copy of dist/ (in a temporary directory beside this checkout's package.json and
// node_modules) whose countO200kTokens is wrapped in a timer: the build itself is never changed.
// Usage: npm run build && node bench/token-share.mjs <file.jsonl>
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = join(import.meta.dirname, '..');
const copy = mkdtempSync(join(tmpdir(), 'mimir-token-share-'));
process.on('exit', () => rmSync(copy, { recursive: true, force: true }));
cpSync(join(root, 'dist'), join(copy, 'dist'), { recursive: true });
cpSync(join(root, 'package.json'), join(copy, 'package.json'));
symlinkSync(join(root, 'node_modules'), join(copy, 'node_modules'));

const module = join(copy, 'dist', 'analysis', 'token-count.js');
const source = readFileSync(module, 'utf8');
const original = 'export function countO200kTokens(text) {';
if (!source.includes(original)) throw new Error(`${module} no longer declares countO200kTokens as this script expects`);
writeFileSync(
  module,
  source.replace(
    original,
    `export const tokenTiming = { ms: 0, chars: 0, calls: 0 };
export function countO200kTokens(text) {
    const from = performance.now();
    try { return timedCountO200kTokens(text); } finally { tokenTiming.ms += performance.now() - from; tokenTiming.chars += text.length; tokenTiming.calls++; }
}
function timedCountO200kTokens(text) {`,
  ),
);

const { main } = await import(pathToFileURL(join(copy, 'dist', 'cli', 'main.js')).href);
const { tokenTiming } = await import(pathToFileURL(module).href);
const write = process.stdout.write.bind(process.stdout);
for (let pass = 1; pass <= 3; pass++) {
  Object.assign(tokenTiming, { ms: 0, chars: 0, calls: 0 });
  const cpu = process.cpuUsage();
  const from = performance.now();
  process.stdout.write = () => true;
  await main(['traces', process.argv[2], '--format', 'json']);
  process.stdout.write = write;
  const used = process.cpuUsage(cpu);
  console.log(
    `pass ${pass}: ${((performance.now() - from) / 1000).toFixed(2)} s wall, ${((used.user + used.system) / 1e6).toFixed(2)} s CPU (all threads); ` +
      `token counting on the main thread ${(tokenTiming.ms / 1000).toFixed(2)} s over ${(tokenTiming.chars / 1e6).toFixed(1)} M characters in ${tokenTiming.calls} texts`,
  );
}
