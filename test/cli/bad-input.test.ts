import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MINIMAL_CONFIG, runCli, tempProject } from '../support/run-cli.js';

/**
 * Every user mistake exits 2 with the file, line and column, what was expected and what to do —
 * and never a stack trace.
 */
interface BadInput {
  readonly name: string;
  readonly files: Record<string, string | Uint8Array>;
  readonly args?: (dir: string) => string[];
  /** Substrings stderr must contain, in order of appearance not required. */
  readonly expect: readonly string[];
}

const audit = (dir: string) => ['audit', '--config', join(dir, 'mimir.yaml')];

const CASES: readonly BadInput[] = [
  {
    name: 'malformed YAML',
    files: { 'mimir.yaml': 'version: 1\nsystem:\n  name: "unclosed\n' },
    expect: ['is not valid YAML', 'mimir.yaml:3:9: a quote opened here is never closed', 'expected valid YAML', '→'],
  },
  {
    name: 'a duplicated key',
    files: { 'mimir.yaml': 'version: 1\nsystem:\n  name: a\n  name: b\n' },
    expect: ['is not valid YAML', 'mimir.yaml:4:3', 'unique'],
  },
  {
    name: 'an unknown top-level key (typo)',
    files: { 'mimir.yaml': 'version: 1\nsytem:\n  name: a\n' },
    expect: ['unknown key "sytem"', 'did you mean "system"', 'mimir.yaml:2:1'],
  },
  {
    name: 'a missing required field',
    files: { 'mimir.yaml': 'version: 1\n' },
    expect: ['system', 'mimir.yaml:1:1', 'expected object'],
  },
  {
    name: 'a wrong type',
    files: { 'mimir.yaml': MINIMAL_CONFIG + 'policy:\n  attestationDiscount: half\n' },
    expect: ['policy.attestationDiscount', 'mimir.yaml:5:24', 'expected number'],
  },
  {
    name: 'a number out of range',
    files: { 'mimir.yaml': MINIMAL_CONFIG + 'policy:\n  attestationDiscount: 1.5\n' },
    expect: ['policy.attestationDiscount', 'mimir.yaml:5:24', 'expected at most 1'],
  },
  {
    name: 'an unsupported version',
    files: { 'mimir.yaml': 'version: 2\nsystem:\n  name: a\n' },
    expect: ['version', 'mimir.yaml:1:10', 'must be 1', 'expected one of: 1'],
  },
  {
    name: 'a missing answers file: says how to make one, without a bare "here"',
    files: { 'mimir.yaml': MINIMAL_CONFIG + 'evidence:\n  answers: missing-answers.yaml\n' },
    expect: ['answers file not found:', 'missing-answers.yaml', 'mimir walk', '`version: 1` and `answers: {}`'],
  },
  {
    name: 'no version: says which line to add',
    files: { 'mimir.yaml': 'system:\n  name: a\n' },
    expect: ['version', 'mimir.yaml:1:1', 'add `version: 1` as the first line'],
  },
  {
    name: 'an unknown risk class',
    files: { 'mimir.yaml': MINIMAL_CONFIG + 'tools:\n  - name: send_email\n    risk: dangerous\n' },
    expect: ['tools.0.risk', 'mimir.yaml:6:11', 'outbound-message'],
  },
  {
    name: 'a tool with both name and pattern',
    files: { 'mimir.yaml': MINIMAL_CONFIG + 'tools:\n  - name: a\n    pattern: a*\n    risk: money\n' },
    expect: ['exactly one of `name` or `pattern`', 'mimir.yaml:5:5'],
  },
  {
    name: 'options for an unknown check id',
    files: { 'mimir.yaml': MINIMAL_CONFIG + 'policy:\n  checks:\n    retries-are-bounde:\n      maxRetries: 3\n' },
    expect: ['unknown key "retries-are-bounde"', 'did you mean "retries-are-bounded"', 'mimir.yaml:6:5'],
  },
  {
    name: 'a check option of the wrong type',
    files: { 'mimir.yaml': MINIMAL_CONFIG + 'policy:\n  checks:\n    retries-are-bounded:\n      maxRetries: -1\n' },
    expect: ['policy.checks.retries-are-bounded.maxRetries', 'mimir.yaml:7:19', 'expected at least 0'],
  },
  {
    name: 'an unknown option of a known check',
    files: { 'mimir.yaml': MINIMAL_CONFIG + 'policy:\n  checks:\n    retries-are-bounded:\n      maxRetry: 3\n' },
    expect: ['unknown key "maxRetry"', 'did you mean "maxRetries"', 'mimir.yaml:7:7'],
  },
  {
    name: 'disabling an unknown check',
    files: { 'mimir.yaml': MINIMAL_CONFIG + 'policy:\n  disabled:\n    - check: retry-bounded\n      justification: x\n' },
    expect: ['unknown check id "retry-bounded"', 'mimir.yaml:6:14', 'expected a check id'],
  },
  {
    name: 'disabling a check without a justification',
    files: { 'mimir.yaml': MINIMAL_CONFIG + 'policy:\n  disabled:\n    - check: retries-are-bounded\n      justification: "  "\n' },
    expect: ['a disabled check needs a written justification', 'mimir.yaml:7:22'],
  },
  {
    name: 'a missing config file',
    files: {},
    expect: ['config file not found', 'mimir init'],
  },
  {
    name: 'a config path that is a directory',
    files: { 'mimir.yaml/placeholder': '' },
    expect: ['cannot read config file', 'it is a directory'],
  },
  {
    name: 'a config file that is not UTF-8',
    files: { 'mimir.yaml': new Uint8Array([0x76, 0x65, 0x72, 0x3a, 0x0a, 0xff, 0xfe, 0x0a]) },
    expect: ['is not valid UTF-8', 'mimir.yaml:2', 'expected UTF-8 text'],
  },
  {
    name: 'a missing answers file',
    files: { 'mimir.yaml': MINIMAL_CONFIG + 'evidence:\n  answers: nowhere.yaml\n' },
    expect: ['answers file not found', 'nowhere.yaml'],
  },
  {
    name: 'an answer for an unknown check id',
    files: {
      'mimir.yaml': MINIMAL_CONFIG + 'evidence:\n  answers: answers.yaml\n',
      'answers.yaml': 'version: 1\nanswers:\n  retries-bounded:\n    answer: yes\n    by: a\n    at: 2026-11-01\n',
    },
    expect: ['unknown check id "retries-bounded"', 'did you mean "retries-are-bounded"', 'answers.yaml:3:3'],
  },
  {
    name: 'an answer that is not yes/no/partial/not-applicable',
    files: {
      'mimir.yaml': MINIMAL_CONFIG + 'evidence:\n  answers: answers.yaml\n',
      'answers.yaml': 'version: 1\nanswers:\n  retries-are-bounded:\n    answer: maybe\n    by: a\n    at: 2026-11-01\n',
    },
    expect: ['answers.retries-are-bounded.answer', 'answers.yaml:4:13', 'expected one of: yes, no, partial, not-applicable'],
  },
  {
    name: 'an answer with an invalid date',
    files: {
      'mimir.yaml': MINIMAL_CONFIG + 'evidence:\n  answers: answers.yaml\n',
      'answers.yaml': 'version: 1\nanswers:\n  retries-are-bounded:\n    answer: yes\n    by: a\n    at: last tuesday\n',
    },
    expect: ['answers.retries-are-bounded.at', 'answers.yaml:6:9', 'expected a date such as 2026-11-20'],
  },
  {
    name: 'an answer without who gave it',
    files: {
      'mimir.yaml': MINIMAL_CONFIG + 'evidence:\n  answers: answers.yaml\n',
      'answers.yaml': 'version: 1\nanswers:\n  retries-are-bounded:\n    answer: yes\n    at: 2026-11-01\n',
    },
    expect: ['answers.retries-are-bounded.by is missing', 'answers.yaml:4:5', 'expected string'],
  },
  {
    name: 'a YAML alias bomb',
    files: { 'mimir.yaml': MINIMAL_CONFIG + ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...'bcdefgh'.split('').map((name, i) => `${name}: &${name} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`)].join('\n') + '\n' },
    expect: ['expands its aliases too many times', 'mimir.yaml:5:', 'Write the repeated values out'],
  },
  {
    name: 'a number that is .nan',
    files: { 'mimir.yaml': MINIMAL_CONFIG + 'policy:\n  attestationDiscount: .nan\n' },
    expect: ['policy.attestationDiscount: not a finite number (found .nan)', 'mimir.yaml:5:24'],
  },
  {
    name: 'a number that overflows (1e999)',
    files: { 'mimir.yaml': MINIMAL_CONFIG + 'policy:\n  attestationDiscount: 1e999\n' },
    expect: ['not a finite number (found 1e999)'],
  },
  {
    name: 'an errorResultPattern that cannot run in linear time',
    files: { 'mimir.yaml': MINIMAL_CONFIG + 'evidence:\n  traces:\n    sources: [t.jsonl]\n    errorResultPatterns: ["(a)\\\\1"]\n' },
    expect: ['errorResultPatterns.0', 'linear time', 'mimir.yaml:7:27'],
  },
  {
    name: 'a config larger than any real one',
    files: { 'mimir.yaml': MINIMAL_CONFIG + '#'.repeat(1024 * 1024) + '\n' },
    expect: ['larger than 1048576 bytes'],
  },
  {
    name: 'a device as a trace source',
    files: { 'mimir.yaml': MINIMAL_CONFIG + 'evidence:\n  traces:\n    sources: [/dev/zero]\n' },
    expect: ['/dev/zero', 'a device, not a regular file'],
  },
  {
    name: 'an unknown report format',
    files: { 'mimir.yaml': MINIMAL_CONFIG },
    args: (dir) => [...audit(dir), '--format', 'pdf'],
    expect: ['unknown format "pdf"', 'terminal, md, json, html, sarif, junit'],
  },
  {
    name: 'a --min-score outside 0..100',
    files: { 'mimir.yaml': MINIMAL_CONFIG },
    args: (dir) => [...audit(dir), '--min-score', '150'],
    expect: ['expected a number from 0 to 100'],
  },
  {
    name: 'several formats without --out',
    files: { 'mimir.yaml': MINIMAL_CONFIG },
    args: (dir) => [...audit(dir), '--format', 'json,html'],
    expect: ['say where with --out DIR'],
  },
  {
    name: 'an unknown command',
    files: {},
    args: () => ['audti'],
    expect: ['unknown command', 'audit'],
  },
  {
    name: 'explaining an unknown check',
    files: {},
    args: () => ['explain', 'retries-are-bonded'],
    expect: ['unknown check id "retries-are-bonded"', 'did you mean "retries-are-bounded"'],
  },
  {
    name: 'diffing a file that is not JSON',
    files: { 'a.json': '{"schemaVersion": 1,\n  oops\n}', 'b.json': '{}' },
    args: (dir) => ['diff', join(dir, 'a.json'), join(dir, 'b.json')],
    expect: ['a.json:2:3', 'JSON'],
  },
  {
    name: 'diffing JSON that is not a mimir report',
    files: { 'a.json': '{"hello": "world"}', 'b.json': '{}' },
    args: (dir) => ['diff', join(dir, 'a.json'), join(dir, 'b.json')],
    expect: ['a.json', 'report'],
  },
  {
    name: 'walk without a terminal',
    files: { 'mimir.yaml': MINIMAL_CONFIG },
    args: (dir) => ['walk', '--config', join(dir, 'mimir.yaml')],
    expect: ['needs a terminal', 'edit the answers file directly'],
  },
  {
    name: 'init without a terminal or flags',
    files: {},
    args: (dir) => ['init', '--config', join(dir, 'mimir.yaml')],
    expect: ['needs a terminal', '--name'],
  },
];

describe('bad input exits 2 with a located, actionable message and no stack trace', () => {
  it('covers at least ten distinct bad inputs', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(10);
  });
  for (const testCase of CASES) {
    it(testCase.name, async () => {
      const dir = tempProject(testCase.files);
      const result = await runCli(testCase.args ? testCase.args(dir) : audit(dir));
      expect(result.code, result.stderr).toBe(2);
      for (const fragment of testCase.expect) expect(result.stderr).toContain(fragment);
      expect(result.stderr).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
      expect(result.stderr).not.toContain('internal error');
      expect(result.stderr).not.toMatch(/: here$/m);
    });
  }

  it('refuses a FIFO as a trace source, a labels file or the config, instead of blocking on it', async () => {
    const dir = tempProject({ 'mimir.yaml': MINIMAL_CONFIG + 'evidence:\n  traces:\n    sources: [pipe]\n' });
    execFileSync('mkfifo', [join(dir, 'pipe')]);
    const traces = await runCli(audit(dir));
    expect(traces.code, traces.stderr).toBe(2);
    expect(traces.stderr).toContain('a FIFO (named pipe), not a regular file');
    const config = await runCli(['audit', '--config', join(dir, 'pipe')]);
    expect(config.code, config.stderr).toBe(2);
    expect(config.stderr).toContain('a FIFO (named pipe)');
  }, 20_000);

  it('reports an unreadable file as such', async () => {
    if (process.getuid?.() === 0) return; // root reads everything; the directory case above covers the path
    const dir = tempProject({ 'mimir.yaml': MINIMAL_CONFIG });
    chmodSync(join(dir, 'mimir.yaml'), 0o000);
    const result = await runCli(audit(dir));
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('permission denied');
  });
});
