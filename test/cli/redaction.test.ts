import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, tempProject } from '../support/run-cli.js';

const TOKEN = 'sk-live-4f9a8b7c6d5e4f3a2b1c0d9e';
const AWS = 'AKIAIOSFODNN7EXAMPLE';

/** One run whose id and failing tool call carry credentials, as a careless agent would log them. */
function otlpLine(): string {
  const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
  const span = (spanId: string, name: string, parentSpanId: string | undefined, attributes: object[], status: object) => ({
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId,
    ...(parentSpanId !== undefined && { parentSpanId }),
    name,
    startTimeUnixNano: '1700000000000000000',
    endTimeUnixNano: '1700000001000000000',
    attributes,
    status,
  });
  return JSON.stringify({
    resourceSpans: [
      {
        resource: { attributes: [attr('service.name', 'agent')] },
        scopeSpans: [
          {
            spans: [
              span('b7ad6b7169203331', 'invoke_agent', undefined, [attr('mimir.run.id', `run-${AWS}`), attr('gen_ai.operation.name', 'invoke_agent')], { code: 1 }),
              span('c7ad6b7169203332', 'execute_tool lookup_order', 'b7ad6b7169203331', [attr('gen_ai.operation.name', 'execute_tool'), attr('gen_ai.tool.name', 'lookup_order')], {
                code: 2,
                message: `401 from upstream: Authorization: Bearer ${TOKEN}`,
              }),
            ],
          },
        ],
      },
    ],
  });
}

describe('secrets in traces', () => {
  const dir = tempProject({ 'run.otlp.jsonl': `${otlpLine()}\n` });
  const file = join(dir, 'run.otlp.jsonl');

  it('are redacted in every trace report format by default', async () => {
    for (const format of ['terminal', 'json', 'html']) {
      const result = await runCli(['traces', file, '--format', format]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).not.toContain(AWS);
      expect(result.stdout).not.toContain(TOKEN);
    }
    expect((await runCli(['traces', file, '--format', 'json'])).stdout).toContain('[redacted:aws-key]');
  });

  it('are kept under --no-redact, and the report says so on its first line', async () => {
    const result = await runCli(['traces', file, '--no-redact']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n')[0]).toContain('UNREDACTED');
    expect(result.stdout).toContain(AWS);
  });

  it('are redacted in the audit reports, with mimir.yaml patterns on top of the built-in ones', async () => {
    const project = tempProject({
      'run.otlp.jsonl': `${otlpLine().replace(`run-${AWS}`, `run-${AWS} ACME-123456789012`)}\n`,
      'mimir.yaml': 'version: 1\nsystem:\n  name: s\nevidence:\n  traces:\n    sources: [run.otlp.jsonl]\nredaction:\n  patterns:\n    - name: acme-token\n      pattern: ACME-[0-9]{12}\n',
    });
    const out = join(project, 'out');
    const result = await runCli(['audit', '--config', join(project, 'mimir.yaml'), '--format', 'terminal,md,json,html,sarif,junit', '--out', out, '--fail-on', 'none']);
    expect(result.code, result.stderr).toBe(0);
    const written = [result.stdout, ...readdirSync(out).map((name) => readFileSync(join(out, name), 'utf8'))].join('\n');
    expect(written).not.toContain(AWS);
    expect(written).not.toContain('ACME-123456789012');
    expect(written).toContain('[redacted:acme-token]');

    // The control: unredacted, the same audit does carry both.
    const raw = join(project, 'raw');
    await runCli(['audit', '--config', join(project, 'mimir.yaml'), '--format', 'json,html', '--out', raw, '--fail-on', 'none', '--no-redact']);
    const rawText = readdirSync(raw).map((name) => readFileSync(join(raw, name), 'utf8')).join('\n');
    expect(rawText).toContain(AWS);
    expect(rawText).toContain('ACME-123456789012');
  });

  it('refuses a user pattern that could backtrack without bound', async () => {
    const project = tempProject({ 'mimir.yaml': 'version: 1\nsystem:\n  name: s\nredaction:\n  patterns:\n    - name: bad\n      pattern: (a+)+$\n' });
    const result = await runCli(['audit', '--config', join(project, 'mimir.yaml')]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('redaction.patterns');
    expect(result.stderr).not.toContain('internal error');
  });
});
