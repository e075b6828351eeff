// What mimir does with trace inputs that are not what they seem: a labels file among the traces, a
// labels file beside them, and files that hold no traces at all.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Audit } from '../../src/model/index.js';
import { runCli, tempProject } from '../support/run-cli.js';

const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'traces', 'vercel-ai');
const TRACES = readFileSync(join(FIXTURES, 'back-office.otlp.jsonl'));
const LABELS = readFileSync(join(FIXTURES, 'back-office.labels.jsonl'));

describe('labels files among trace sources', () => {
  it('mimir traces <dir> reads a labels.jsonl beside the traces as outcomes, and says so', async () => {
    const dir = tempProject({ 'traces/agent.otlp.jsonl': TRACES, 'traces/labels.jsonl': LABELS });
    const result = await runCli(['traces', join(dir, 'traces'), '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('outcomes read from');
    const figures = JSON.parse(result.stdout) as { runs: number; files: string[]; problems: { total: number } };
    expect(figures.runs).toBe(22);
    expect(figures.files).toEqual([join(dir, 'traces', 'agent.otlp.jsonl')]);
    expect(figures.problems.total).toBe(0);
  });

  it("an audit with the README's layout never reads the named labels file as traces", async () => {
    const dir = tempProject({
      'mimir.yaml': 'version: 1\nsystem:\n  name: back office\nevidence:\n  traces:\n    sources: [traces/]\n    labels: traces/labels.jsonl\n',
      'traces/agent.otlp.jsonl': TRACES,
      'traces/labels.jsonl': LABELS,
    });
    const result = await runCli(['audit', '-c', join(dir, 'mimir.yaml'), '--format', 'json', '--fail-on', 'none']);
    expect(result.code, result.stderr).toBe(0);
    const audit = JSON.parse(result.stdout) as Audit & { traces: { files: string[]; problems: { total: number } } };
    expect(audit.traces.problems.total).toBe(0);
    expect(audit.traces.files).toEqual([join(dir, 'traces', 'agent.otlp.jsonl')]);
  });

  it('mimir audit --labels grades the traced runs with the file it names, stamped as evidence', async () => {
    const dir = tempProject({ 'agent.otlp.jsonl': TRACES, 'grades.jsonl': LABELS });
    const result = await runCli(['audit', '--traces', join(dir, 'agent.otlp.jsonl'), '--labels', join(dir, 'grades.jsonl'), '--format', 'json', '--fail-on', 'none']);
    expect(result.code, result.stderr).toBe(0);
    const audit = JSON.parse(result.stdout) as Audit;
    expect(audit.stamp.evidence.map((source) => source.path)).toEqual([join(dir, 'agent.otlp.jsonl'), join(dir, 'grades.jsonl')]);
    const missing = await runCli(['audit', '--traces', join(dir, 'agent.otlp.jsonl'), '--labels', join(dir, 'nope.jsonl')]);
    expect(missing.code).toBe(2);
  });
});

describe('input that holds no traces', () => {
  for (const [name, content] of [
    ['random JSON', '{"hello": [1, 2, 3]}\n'],
    ['random bytes', Buffer.from(Array.from({ length: 600 }, (_, i) => (i * 131 + 7) % 256))],
    ['an empty file', ''],
  ] as const) {
    it(`is a user error, not an empty report: ${name}`, async () => {
      const dir = tempProject({ 'random.json': content });
      for (const argv of [['traces', join(dir, 'random.json')], ['audit', '--traces', join(dir, 'random.json')]]) {
        const result = await runCli(argv);
        expect(result.code, result.stdout).toBe(2);
        expect(result.stderr).toContain('no traces in');
        expect(result.stderr).not.toMatch(/\n\s+at /);
        expect(result.stdout).toBe('');
      }
    });
  }
});
