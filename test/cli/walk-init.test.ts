import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/audit/load-config.js';
import { parseAnswersFile } from '../../src/evidence/attestation/answers-file.js';
import { CHECKS } from '../../src/checks/registry.js';
import { MINIMAL_CONFIG, runCli, tempProject } from '../support/run-cli.js';
import { scriptedPrompter } from '../support/scripted-prompter.js';

const CHECK_IDS = CHECKS.map((c) => c.id);
const memoryChecks = CHECKS.filter((c) => c.area === 'memory-context');

describe('mimir walk', () => {
  it('asks area by area, writes each answer at once, and resumes where it stopped', async () => {
    const dir = tempProject({ 'mimir.yaml': MINIMAL_CONFIG + 'evidence:\n  answers: answers.yaml\n' });
    const config = join(dir, 'mimir.yaml');
    // First session: answer two questions, then quit.
    const first = scriptedPrompter(['ana@example.com', 'yes', 'pinned as first message', 'no', '', 'quit']);
    const walk1 = await runCli(['walk', '--config', config, '--area', 'memory-context'], { prompter: first });
    expect(walk1.code).toBe(0);
    const shown = (prompter: { said: string[] }) => prompter.said.join(' ').replace(/\s+/g, ' ');
    expect(shown(first)).toContain(memoryChecks[0]!.question);
    expect(shown(first)).toContain('Why it matters');
    const saved = parseAnswersFile(readFileSync(join(dir, 'answers.yaml'), 'utf8'), 'answers.yaml', CHECK_IDS);
    expect([...saved.attestations.keys()]).toEqual([memoryChecks[0]!.id, memoryChecks[1]!.id]);
    expect(saved.attestations.get(memoryChecks[0]!.id)).toMatchObject({ answer: 'yes', by: 'ana@example.com', at: '2026-11-24', note: 'pinned as first message' });

    // Second session: the two answered checks are not asked again.
    const second = scriptedPrompter(['quit']);
    await runCli(['walk', '--config', config, '--area', 'memory-context', '--by', 'ana@example.com'], { prompter: second });
    expect(shown(second)).toContain(memoryChecks[2]!.question);
    expect(shown(second)).not.toContain(memoryChecks[0]!.question);
  });

  it('offers not-applicable only where a check allows it, and then requires a reason', async () => {
    const dir = tempProject({ 'mimir.yaml': MINIMAL_CONFIG + 'evidence:\n  answers: answers.yaml\n' });
    const config = join(dir, 'mimir.yaml');
    const isolation = memoryChecks.findIndex((c) => c.id === 'memory-is-isolated-between-tasks');
    const script: string[] = ['ana'];
    for (let i = 0; i < isolation; i++) script.push('skip');
    script.push('not-applicable', 'no memory beyond a run', 'quit');
    const prompter = scriptedPrompter(script);
    expect((await runCli(['walk', '--config', config, '--area', 'memory-context'], { prompter })).code).toBe(0);
    expect(prompter.asked).toContain('Why does it not apply? (required)');
    const saved = parseAnswersFile(readFileSync(join(dir, 'answers.yaml'), 'utf8'), 'answers.yaml', CHECK_IDS);
    expect(saved.attestations.get('memory-is-isolated-between-tasks')).toMatchObject({ answer: 'not-applicable', note: 'no memory beyond a run' });

    // The first memory check always applies: not-applicable is not among its choices.
    const first = scriptedPrompter(['ana', 'quit']);
    await runCli(['walk', '--config', config, '--area', 'memory-context', '--revisit'], { prompter: first });
    expect(memoryChecks[0]!.notApplicableWhen).toBeUndefined();
    expect(first.choicesSeen[0]).toEqual(['yes', 'partial', 'no', 'skip', 'quit']);
  });

  it('does not offer not-applicable when mimir.yaml contradicts it', async () => {
    const dir = tempProject({ 'mimir.yaml': MINIMAL_CONFIG + 'tools:\n  - pattern: send_*\n    risk: outbound-message\n' });
    const prompter = scriptedPrompter(['ana', 'quit']);
    await runCli(['walk', '--config', join(dir, 'mimir.yaml'), '--area', 'human-oversight'], { prompter });
    expect(CHECKS.find((c) => c.area === 'human-oversight')!.id).toBe('high-risk-actions-need-prior-approval');
    expect(prompter.choicesSeen[0]).not.toContain('not-applicable');
    // Text is wrapped for the terminal, never wider than 80 columns.
    for (const line of prompter.said.join('\n').split('\n')) expect(line.length).toBeLessThanOrEqual(80);
  });

  it('keeps the comments of an existing answers file', async () => {
    const dir = tempProject({
      'mimir.yaml': MINIMAL_CONFIG + 'evidence:\n  answers: answers.yaml\n',
      'answers.yaml': '# our team answers\nversion: 1\nanswers: {}\n',
    });
    const prompter = scriptedPrompter(['ana', 'partial', 'half of it', 'quit']);
    await runCli(['walk', '--config', join(dir, 'mimir.yaml'), '--area', 'architecture'], { prompter });
    const text = readFileSync(join(dir, 'answers.yaml'), 'utf8');
    expect(text).toContain('# our team answers');
    expect(text).toContain('answer: partial');
  });
});

describe('mimir init', () => {
  it('writes a mimir.yaml and an empty answers file from flags, without a terminal', async () => {
    const dir = tempProject({});
    const config = join(dir, 'mimir.yaml');
    const result = await runCli([
      'init', '--config', config, '--answers', join(dir, 'answers.yaml'),
      '--name', 'support bot', '--description', 'answers tickets',
      '--tool', 'send_*=outbound-message', '--tool', 'lookup_order=read-only',
    ]);
    expect(result.code, result.stderr).toBe(0);
    const loaded = parseConfig(readFileSync(config, 'utf8'), config);
    expect(loaded.system).toEqual({
      name: 'support bot',
      description: 'answers tickets',
      tools: [{ pattern: 'send_*', risk: 'outbound-message' }, { name: 'lookup_order', risk: 'read-only' }],
    });
    expect(loaded.answersPath).toBe(join(dir, 'answers.yaml'));
    // The written pair audits at once.
    const audit = await runCli(['audit', '--config', config, '--format', 'json', '--fail-on', 'none']);
    expect(audit.stderr).not.toContain('mimir:');
    expect(JSON.parse(audit.stdout)).toMatchObject({ system: { name: 'support bot' } });
  });

  it('asks interactively when there is a terminal', async () => {
    const dir = tempProject({});
    const config = join(dir, 'mimir.yaml');
    const prompter = scriptedPrompter(['refund agent', '', '', 'issue_refund', 'money', '']);
    const result = await runCli(['init', '--config', config, '--answers', join(dir, 'a.yaml')], { prompter });
    expect(result.code, result.stderr).toBe(0);
    expect(parseConfig(readFileSync(config, 'utf8'), config).system.tools).toEqual([{ name: 'issue_refund', risk: 'money' }]);
  });

  it('refuses to overwrite without --force, and rejects a malformed --tool', async () => {
    const dir = tempProject({ 'mimir.yaml': MINIMAL_CONFIG });
    const existing = await runCli(['init', '--config', join(dir, 'mimir.yaml'), '--name', 'x']);
    expect(existing.code).toBe(2);
    expect(existing.stderr).toContain('already exists');
    const badTool = await runCli(['init', '--config', join(dir, 'other.yaml'), '--name', 'x', '--tool', 'send_email=scary']);
    expect(badTool.code).toBe(2);
    expect(badTool.stderr).toContain('name=risk');
  });
});
