// Measures the house: import cycles, imports that run up the layer order the lint enforces, and the
// largest source files. `npm run house`, or `node scripts/house-report.mjs [repo-root]` for another checkout.
// Imports are read with the TypeScript compiler's parser (a dev dependency), so `import type`,
// `export … from` and multi-line imports all count; a cycle made of type-only imports is reported as such.
import { readdirSync, readFileSync, existsSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';

const root = resolve(process.argv[2] ?? '.');
const srcDir = join(root, 'src');
const MAX_LINES = 400;

/** The layer order, read from the lint config so this report and the lint can never disagree. */
function readLayers() {
  const config = readFileSync(join(root, 'eslint.config.js'), 'utf8');
  const match = /const LAYERS\s*=\s*(\[.*\]);/.exec(config);
  if (!match) throw new Error(`no "const LAYERS = [...]" line in ${join(root, 'eslint.config.js')}`);
  /** @type {string[][]} */
  const layers = JSON.parse(match[1].replaceAll("'", '"'));
  const levelOf = new Map();
  layers.forEach((level, index) => {
    for (const layer of level) levelOf.set(layer, index);
  });
  return { layers, levelOf };
}

function sourceFiles(dir) {
  const files = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(path));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') && !entry.name.endsWith('.d.ts')) files.push(path);
  }
  return files;
}

/** The relative imports of one file, each with whether only types cross it. */
function importsOf(file, text) {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found = [];
  for (const statement of source.statements) {
    let specifier;
    let typeOnly = false;
    if (ts.isImportDeclaration(statement)) {
      specifier = statement.moduleSpecifier;
      const clause = statement.importClause;
      const named = clause?.namedBindings;
      typeOnly = clause !== undefined && (clause.isTypeOnly || (clause.name === undefined && named !== undefined && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((element) => element.isTypeOnly)));
    } else if (ts.isExportDeclaration(statement) && statement.moduleSpecifier) {
      specifier = statement.moduleSpecifier;
      typeOnly = statement.isTypeOnly || (statement.exportClause !== undefined && ts.isNamedExports(statement.exportClause) && statement.exportClause.elements.length > 0 && statement.exportClause.elements.every((element) => element.isTypeOnly));
    }
    if (!specifier || !ts.isStringLiteral(specifier) || !specifier.text.startsWith('.')) continue;
    const target = resolveImport(file, specifier.text);
    if (target) found.push({ target, typeOnly });
  }
  return found;
}

function resolveImport(from, specifier) {
  const base = resolve(dirname(from), specifier);
  const candidates = [base.replace(/\.js$/, '.ts'), `${base}.ts`, join(base, 'index.ts')];
  return candidates.find((candidate) => existsSync(candidate) && statSync(candidate).isFile());
}

/** Tarjan's strongly connected components; only those with more than one file are cycles. */
function cycles(nodes, edgesOf) {
  let counter = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  const visit = (node) => {
    index.set(node, counter);
    low.set(node, counter);
    counter++;
    stack.push(node);
    onStack.add(node);
    for (const next of edgesOf(node)) {
      if (!index.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (onStack.has(next)) {
        low.set(node, Math.min(low.get(node), index.get(next)));
      }
    }
    if (low.get(node) === index.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of nodes) if (!index.has(node)) visit(node);
  return components.sort((a, b) => b.length - a.length || a[0].localeCompare(b[0]));
}

const { layers, levelOf } = readLayers();
const files = sourceFiles(srcDir).sort();
const name = (file) => relative(srcDir, file).split(sep).join('/');
const layerOf = (file) => name(file).split('/')[0];
const graph = new Map();
const lines = new Map();
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  graph.set(file, importsOf(file, text));
  lines.set(file, { count: text.split('\n').length - (text.endsWith('\n') ? 1 : 0), opensWithComment: /^\s*(\/\/|\/\*)/.test(text) });
}

const allCycles = cycles(files, (file) => graph.get(file).map((edge) => edge.target));
const runtimeCycles = cycles(files, (file) => graph.get(file).filter((edge) => !edge.typeOnly).map((edge) => edge.target));
const upward = [];
const unlayered = new Set();
for (const [file, edges] of graph) {
  const fromLayer = layerOf(file);
  if (!levelOf.has(fromLayer)) {
    if (fromLayer.includes('/')) unlayered.add(fromLayer);
    continue;
  }
  for (const edge of edges) {
    const toLayer = layerOf(edge.target);
    if (levelOf.has(toLayer) && levelOf.get(toLayer) > levelOf.get(fromLayer)) upward.push({ from: name(file), to: name(edge.target), fromLayer, toLayer, typeOnly: edge.typeOnly });
  }
}
for (const file of files) {
  const layer = layerOf(file);
  if (name(file).includes('/') && !levelOf.has(layer)) unlayered.add(layer);
}

const edgeCount = [...graph.values()].reduce((sum, edges) => sum + edges.length, 0);
console.log(`mimir house report: ${root}`);
console.log(`${files.length} source files under src/ (tests excluded), ${edgeCount} relative imports`);
console.log(`layer order (eslint.config.js LAYERS): ${layers.map((level) => level.join(' / ')).join(' ← ')}`);
if (unlayered.size > 0) console.log(`folders in no layer: ${[...unlayered].sort().join(', ')}`);

console.log(`\nimport cycles: ${allCycles.length} (${runtimeCycles.length} left when type-only imports are ignored)`);
for (const component of allCycles) {
  const runtime = runtimeCycles.some((other) => other.some((file) => component.includes(file)));
  console.log(`  ${component.length} files${runtime ? '' : ', type-only'}: ${component.map(name).join(', ')}`);
}

console.log(`\nupward imports: ${upward.length}`);
const byPair = new Map();
for (const arrow of upward) {
  const pair = `${arrow.fromLayer} → ${arrow.toLayer}`;
  byPair.set(pair, [...(byPair.get(pair) ?? []), arrow]);
}
for (const [pair, arrows] of [...byPair].sort()) {
  console.log(`  ${pair} (${arrows.length})`);
  for (const arrow of arrows) console.log(`    ${arrow.from} → ${arrow.to}${arrow.typeOnly ? ' (type only)' : ''}`);
}

const bySize = [...lines].sort((a, b) => b[1].count - a[1].count || name(a[0]).localeCompare(name(b[0])));
const over = bySize.filter(([, info]) => info.count > MAX_LINES);
console.log(`\nten largest source files (${over.length} over ${MAX_LINES} lines, ${over.filter(([, info]) => !info.opensWithComment).length} of them not opening with a comment):`);
for (const [file, info] of bySize.slice(0, 10)) console.log(`  ${String(info.count).padStart(5)}  ${name(file)}${info.count > MAX_LINES && !info.opensWithComment ? '  (no reason at top)' : ''}`);
