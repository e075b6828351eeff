/**
 * A small deterministic subset of the attack suite (scripts/attack/run-attacks.mjs), in process:
 * the attacks that found something when the suite was last run, and one of each class of the
 * issue's "Done when" (issue 12). The whole suite runs the built CLI and takes minutes; this
 * keeps what it found from coming back.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runCli, tempProject } from '../support/run-cli.js';

const MINUTE_AT_MOST = 10_000;

/** Two runs of OTLP, one line each, with a tool result that could make a polynomial pattern backtrack. */
function otlp(result = 'Error: refused'): string {
  const lines = [0, 1].map((r) => {
    const traceId = String(r + 1).padStart(32, '0');
    const span = (id: number, parent: number | undefined, name: string, attributes: { key: string; value: { stringValue: string } }[]) => ({
      traceId,
      spanId: String(r * 16 + id).padStart(16, '0'),
      ...(parent !== undefined && { parentSpanId: String(r * 16 + parent).padStart(16, '0') }),
      name,
      kind: 1,
      startTimeUnixNano: String(1772460000000000000n + BigInt(r * 10 + id) * 1_000_000n),
      endTimeUnixNano: String(1772460000000000000n + BigInt(r * 10 + id + 1) * 1_000_000n),
      attributes,
    });
    const attr = (key: string, value: string) => ({ key, value: { stringValue: value } });
    const spans = [
      span(1, undefined, 'invoke_agent a', [attr('gen_ai.operation.name', 'invoke_agent')]),
      span(2, 1, 'execute_tool t', [attr('gen_ai.operation.name', 'execute_tool'), attr('gen_ai.tool.name', 't'), attr('gen_ai.tool.call.result', result)]),
    ];
    return JSON.stringify({ resourceSpans: [{ scopeSpans: [{ spans }] }] });
  });
  return `${lines.join('\n')}\n`;
}

const expectUserError = (result: { code: number; stderr: string }) => {
  expect(result.code, result.stderr).toBe(2);
  expect(result.stderr).not.toMatch(/internal error|\n\s+at /);
};

describe('attack subset: non-regular files are refused, never read forever', () => {
  it('a ledger that is a FIFO or /dev/zero (hung past the time bound before)', async () => {
    const dir = tempProject({});
    execFileSync('mkfifo', [join(dir, 'fifo.jsonl')]);
    symlinkSync('/dev/zero', join(dir, 'zero.jsonl'));
    expectUserError(await runCli(['ledger', 'verify', join(dir, 'fifo.jsonl')]));
    expectUserError(await runCli(['ledger', 'verify', join(dir, 'zero.jsonl')]));
  }, MINUTE_AT_MOST);

  it('a trace source or a config that is a FIFO or /dev/zero', async () => {
    const dir = tempProject({});
    execFileSync('mkfifo', [join(dir, 'fifo.jsonl')]);
    symlinkSync('/dev/zero', join(dir, 'zero.yaml'));
    expectUserError(await runCli(['traces', join(dir, 'fifo.jsonl'), '--format', 'json']));
    expectUserError(await runCli(['audit', '--config', join(dir, 'zero.yaml')]));
  }, MINUTE_AT_MOST);
});

describe('attack subset: configs', () => {
  it('an alias bomb and .nan are located user errors', async () => {
    const laughs = ['a: &a ["l","l","l","l","l","l","l","l","l"]'];
    for (let i = 1; i < 10; i++) laughs.push(`${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(9).fill(`*${String.fromCharCode(96 + i)}`).join(',')}]`);
    const dir = tempProject({ 'bomb.yaml': `version: 1\nsystem:\n  name: s\n${laughs.join('\n')}\n`, 'nan.yaml': 'version: 1\nsystem:\n  name: s\npolicy:\n  thresholds:\n    redOverallBelow: .nan\n' });
    expectUserError(await runCli(['audit', '--config', join(dir, 'bomb.yaml')]));
    const nan = await runCli(['audit', '--config', join(dir, 'nan.yaml')]);
    expectUserError(nan);
    expect(nan.stderr).toContain('not a finite number');
  }, MINUTE_AT_MOST);

  it('a polynomial redaction pattern over a hostile tool result: every report renders (it ended in an internal error before)', async () => {
    const dir = tempProject({
      't.jsonl': otlp('a'.repeat(200_000)),
      'mimir.yaml': 'version: 1\nsystem:\n  name: s\nevidence:\n  traces:\n    sources: [t.jsonl]\nredaction:\n  patterns:\n    - name: p\n      pattern: "a*a*a*a*a*a*b"\n    - name: q\n      pattern: "\\\\s*\\\\s*\\\\s*x"\n',
    });
    const result = await runCli(['audit', '--config', join(dir, 'mimir.yaml'), '--format', 'terminal,md,json,html,sarif,junit', '--out', join(dir, 'out'), '--fail-on', 'none']);
    expect(result.code, result.stderr).toBe(0);
  }, MINUTE_AT_MOST);
});

describe('attack subset: nothing dropped silently, no secret leaked', () => {
  it('a gzip stream cut in its first bytes is a problem, not zero runs', async () => {
    const dir = tempProject({ 't.jsonl.gz': gzipSync(otlp()).subarray(0, 18) });
    const result = await runCli(['traces', join(dir, 't.jsonl.gz'), '--format', 'json']);
    expect(result.code === 2 || (JSON.parse(result.stdout) as { problems: { total: number } }).problems.total > 0, result.stderr).toBe(true);
  }, MINUTE_AT_MOST);

  it('a secret in a trace reaches no report of mimir traces', async () => {
    const dir = tempProject({ 't.jsonl': otlp('Error: Authorization: Bearer Q7abcdefghijklmnop0123') });
    const result = await runCli(['traces', join(dir, 't.jsonl'), '--format', 'terminal,json,html', '--out', join(dir, 'out')]);
    expect(result.code, result.stderr).toBe(0);
    const written = readdirSync(join(dir, 'out')).map((file) => readFileSync(join(dir, 'out', file), 'utf8'));
    expect(written.length).toBeGreaterThan(0);
    for (const text of [result.stdout, result.stderr, ...written]) expect(text).not.toContain('Q7abcdefghijklmnop0123');
  }, MINUTE_AT_MOST);
});
