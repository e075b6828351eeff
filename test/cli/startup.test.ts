import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'mimir.js');
const TRACE_FILE = join(ROOT, 'test', 'fixtures', 'traces', 'otlp', 'genai-refund-agent.jsonl');

/**
 * A module hook (registered before the CLI starts) that writes every module URL Node resolves to
 * file descriptor 2 with a marker. Hooks run on their own thread, so they write with writeSync.
 */
const HOOK = `import { writeSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  writeSync(2, 'LOADED ' + resolved.url + '\\n');
  return resolved;
}`;
const REGISTER = `import { register } from 'node:module'; register(${JSON.stringify('data:text/javascript,' + encodeURIComponent(HOOK))});`;

const emptyDir = mkdtempSync(join(tmpdir(), 'mimir-startup-test-'));
afterAll(() => {
  rmSync(emptyDir, { recursive: true, force: true });
});

/** Runs the built CLI and lists what it loaded: npm packages by name, mimir's own modules by path under dist/. */
function modulesLoadedBy(args: readonly string[]): { status: number | null; packages: Set<string>; own: string[] } {
  const result = spawnSync(process.execPath, ['--import', `data:text/javascript,${encodeURIComponent(REGISTER)}`, BIN, ...args], {
    cwd: emptyDir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
  });
  const urls = result.stderr
    .split('\n')
    .filter((line) => line.startsWith('LOADED file:'))
    .map((line) => fileURLToPath(line.slice('LOADED '.length)));
  const packages = new Set(urls.filter((path) => path.includes(`node_modules${sep}`)).map(packageName));
  const own = urls.filter((path) => !path.includes(`node_modules${sep}`)).map((path) => relative(ROOT, path).split(sep).join('/'));
  return { status: result.status, packages, own };
}

function packageName(path: string): string {
  const parts = path.slice(path.lastIndexOf(`node_modules${sep}`) + 'node_modules'.length + 1).split(sep);
  return parts[0]?.startsWith('@') ? `${parts[0]}/${parts[1] ?? ''}` : (parts[0] ?? '');
}

// What start-up costs is what it loads: these keep each command's modules (and the MCP SDK, ajv, zod,
// the tokenizer …) out of the commands that do not need them. bench/startup.mjs measures the time.
describe('CLI start-up loads only what the command needs', () => {
  it('mimir --help and --version load commander and none of the commands', () => {
    for (const flag of ['--help', '--version']) {
      const loaded = modulesLoadedBy([flag]);
      expect(loaded.status).toBe(0);
      // The hook did see the CLI itself, so an empty list below means something.
      expect(loaded.own).toContain('dist/cli/main.js');
      expect([...loaded.packages]).toEqual(['commander']);
      expect(loaded.own.filter((path) => path.startsWith('dist/cli/commands/'))).toEqual([]);
    }
  });

  it('mimir traces without a mimir.yaml loads neither the other commands, the check catalogue, the probes nor the MCP SDK', () => {
    const loaded = modulesLoadedBy(['traces', TRACE_FILE, '--format', 'json']);
    expect(loaded.status).toBe(0);
    expect(loaded.own.filter((path) => path.startsWith('dist/cli/commands/'))).toEqual(['dist/cli/commands/traces.js']);
    expect(loaded.own.filter((path) => /^dist\/(checks|probe|audit|scoring)\//.test(path))).toEqual([]);
    expect([...loaded.packages].filter((name) => name.startsWith('@modelcontextprotocol/') || name.startsWith('@inquirer/'))).toEqual([]);
  });

  it('mimir traces without a mimir.yaml loads neither zod, yaml, protobufjs nor gpt-tokenizer (tokens are counted on mimir\'s own table)', () => {
    const loaded = modulesLoadedBy(['traces', TRACE_FILE, '--format', 'json']);
    expect(loaded.status).toBe(0);
    // zod and yaml parse mimir.yaml, and there is none; protobufjs reads OTLP protobuf files, and this one is JSON;
    // of gpt-tokenizer only its split pattern is loaded, at the first non-ASCII text (this file has none).
    expect([...loaded.packages].filter((name) => ['zod', 'yaml', 'protobufjs', 'gpt-tokenizer'].includes(name))).toEqual([]);
    expect(loaded.own).not.toContain('dist/evidence/trace/otlp/protobuf-decode.js');
    expect(loaded.own).toContain('dist/analysis/token-table.js');
  });

  it('the built token counter reads the table generated into dist/ and counts like gpt-tokenizer, without loading its encoder', () => {
    const texts = ['Refund order 4411 for Dana Smith: {"total": 89.90, "status": "delivered"}\n\tdone.', 'Café au lait — 東京, 😀 and “quotes”'];
    const script = `import { createRequire } from 'node:module';
      import { countO200kTokens } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'analysis', 'token-count.js')).href)};
      import { o200kRankTable } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'analysis', 'token-table.js')).href)};
      const counts = ${JSON.stringify(texts)}.map((text) => countO200kTokens(text));
      const gptTokenizerModules = Object.keys(createRequire(import.meta.url).cache).filter((path) => path.includes('gpt-tokenizer'));
      console.log(JSON.stringify({ counts, table: o200kRankTable().path, gptTokenizerModules }));`;
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: emptyDir, encoding: 'utf8' });
    expect(result.stderr).toBe('');
    const built = JSON.parse(result.stdout) as { counts: number[]; table: string; gptTokenizerModules: string[] };
    expect(relative(ROOT, built.table).split(sep).join('/')).toBe('dist/analysis/o200k-ranks.bin');
    expect(built.counts).toEqual(texts.map((text) => countTokens(text)));
    // Non-ASCII text needs gpt-tokenizer's split pattern (its small constants module), not its encoder and 200k-entry table.
    expect(built.gptTokenizerModules.map((path) => relative(ROOT, path).split(sep).join('/').replace(/^.*node_modules\//, ''))).toEqual(['gpt-tokenizer/cjs/encodingParams/constants.js']);
  });
});
