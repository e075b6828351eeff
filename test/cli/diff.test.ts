import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempProject } from '../support/run-cli.js';

const EXAMPLE = join(import.meta.dirname, '..', '..', 'examples', 'back-office-attested');

/** Two audits of the example: before, and after the team fixed resume and broke timeouts. */
async function beforeAndAfter(): Promise<{ before: string; after: string }> {
  const dir = tempProject({
    'mimir.yaml': readFileSync(join(EXAMPLE, 'mimir.yaml'), 'utf8'),
    'mimir-answers.yaml': readFileSync(join(EXAMPLE, 'mimir-answers.yaml'), 'utf8'),
  });
  const audit = async (name: string) => {
    const result = await runCli(['audit', '--config', join(dir, 'mimir.yaml'), '--format', 'json', '--fail-on', 'none']);
    expect(result.code, result.stderr).toBe(0);
    writeFileSync(join(dir, name), result.stdout);
    return join(dir, name);
  };
  const before = await audit('before.json');
  const answers = readFileSync(join(dir, 'mimir-answers.yaml'), 'utf8')
    .replace('answer: no\n    note: a restarted run starts over', 'answer: yes\n    note: a restarted run starts over')
    .replace('answer: yes\n    note: 20 s per call', 'answer: no\n    note: 20 s per call');
  writeFileSync(join(dir, 'mimir-answers.yaml'), answers);
  return { before, after: await audit('after.json') };
}

describe('mimir diff', () => {
  it('shows the score change per area and every check that got better or worse', async () => {
    const { before, after } = await beforeAndAfter();
    const result = await runCli(['diff', before, after, '--format', 'json']);
    expect(result.code, result.stderr).toBe(0);
    const diff = JSON.parse(result.stdout) as { worse: { checkId: string }[]; better: { checkId: string }[]; areas: { area: string; delta: number }[] };
    expect(diff.better.map((c) => c.checkId)).toEqual(['resume-skips-completed-side-effects']);
    expect(diff.worse.map((c) => c.checkId)).toEqual(['tool-calls-have-timeouts']);
    expect(diff.areas.find((a) => a.area === 'architecture')!.delta).toBeCloseTo((100 * 5) / 55, 6);
    expect(diff.areas.find((a) => a.area === 'failure-handling')!.delta).toBeCloseTo((-100 * 3.75) / 62.5, 6);

    const terminal = await runCli(['diff', before, after]);
    expect(terminal.stdout).toContain('resume-skips-completed-side-effects');
    for (const line of terminal.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('fails on a regression only when asked', async () => {
    const { before, after } = await beforeAndAfter();
    expect((await runCli(['diff', before, after])).code).toBe(0);
    const gated = await runCli(['diff', before, after, '--fail-on-regression']);
    expect(gated.code).toBe(1);
    expect(gated.stderr).toContain('regression');
    expect((await runCli(['diff', before, before, '--fail-on-regression'])).code).toBe(0);
  });
});
