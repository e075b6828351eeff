import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Audit } from '../../../src/model/index.js';
import { diffAudits } from '../../../src/report/diff.js';
import type { AuditDiffReply, AuditList, AuditStored } from '../../../src/server/http/api-contract.js';
import { runCli, tempProject } from '../../support/run-cli.js';
import { getJson, startTestServer } from '../support.js';

/**
 * `mimir audit --server` end to end: the CLI audits a fixture project (the attested back-office
 * example, and a copy whose team changed two answers) and pushes each report to a real `mimir serve`
 * on loopback, which validates, keeps and diffs them; a server that is down, refuses the token or
 * gets a damaged report is a clear error, and the local reports are written whatever happens.
 */
const EXAMPLE = join(import.meta.dirname, '..', '..', '..', 'examples', 'back-office-attested');
const CONFIG_TEXT = readFileSync(join(EXAMPLE, 'mimir.yaml'), 'utf8');
const ANSWERS_TEXT = readFileSync(join(EXAMPLE, 'mimir-answers.yaml'), 'utf8');

let served: Awaited<ReturnType<typeof startTestServer>>;
let base: string;

beforeAll(async () => {
  served = await startTestServer();
  base = served.server.url;
});

afterAll(async () => {
  await served.dispose();
});

/** A copy of the example with its answers edited, audited with --out; the written JSON report read back. */
async function auditProject(argv: readonly string[], options: { answers?: string; config?: string; env?: Record<string, string> } = {}) {
  const dir = tempProject({ 'mimir.yaml': options.config ?? CONFIG_TEXT, 'mimir-answers.yaml': options.answers ?? ANSWERS_TEXT });
  const out = join(dir, 'report');
  const result = await runCli(['audit', '-c', join(dir, 'mimir.yaml'), '--format', 'json', '--out', out, '--fail-on', 'none', ...argv], options.env ? { env: options.env } : {});
  const reportPath = join(out, 'mimir-report.json');
  return { ...result, out, report: existsSync(reportPath) ? (JSON.parse(readFileSync(reportPath, 'utf8')) as Audit) : undefined };
}

/** The team changed its mind about two checks: one answer better, one worse. */
const EDITED_ANSWERS = ANSWERS_TEXT.replace(/(step-io-contracts-are-validated:\n\s+answer:) yes/, '$1 no');

describe('mimir audit --server, against mimir serve on loopback', () => {
  let first: Awaited<ReturnType<typeof auditProject>>;
  let second: Awaited<ReturnType<typeof auditProject>>;

  it('pushes the JSON report; the server keeps it exactly as written locally', async () => {
    first = await auditProject(['--server', base]);
    expect(first.code, first.stderr).toBe(0);
    const pushed = /pushed the audit to (\S+)/.exec(first.stderr)?.[1];
    expect(pushed).toMatch(new RegExp(`^${base}/api/audits/[0-9a-f]{16}$`));
    const kept = await getJson(pushed!);
    expect(kept.status).toBe(200);
    expect(kept.body).toEqual(first.report);
  });

  it('keeps the history newest first, and diffs any two audits as mimir diff does', async () => {
    expect(EDITED_ANSWERS).not.toBe(ANSWERS_TEXT);
    second = await auditProject(['--server', base], { answers: EDITED_ANSWERS, env: { MIMIR_NOW: '2026-11-25T12:00:00Z' } });
    expect(second.code, second.stderr).toBe(0);
    const list = (await getJson(`${base}/api/audits`)).body as AuditList;
    expect(list.audits).toHaveLength(2);
    const [newest, oldest] = list.audits;
    expect(newest).toMatchObject({ auditedAt: '2026-11-25T12:00:00.000Z', system: 'back-office assistant', score: second.report!.score.overall, verdict: second.report!.score.verdict, source: 'pushed' });
    expect(oldest).toMatchObject({ auditedAt: '2026-11-24T12:00:00.000Z', score: first.report!.score.overall, verdict: first.report!.score.verdict });
    expect(Date.parse(newest!.receivedAt)).toBeGreaterThanOrEqual(Date.parse(oldest!.receivedAt));

    const { status, body } = await getJson(`${base}/api/audits/diff?from=${oldest!.id}&to=${newest!.id}`);
    expect(status).toBe(200);
    const reply = body as AuditDiffReply;
    expect(reply.from).toEqual(oldest);
    expect(reply.to).toEqual(newest);
    expect(reply.diff).toEqual(JSON.parse(JSON.stringify(diffAudits(first.report!, second.report!))));
    expect(reply.diff.worse.map((change) => change.checkId)).toContain('step-io-contracts-are-validated');
  });

  it('keeps the same report pushed twice once (a retried push is not a second audit)', async () => {
    const again = await fetch(`${base}/api/audits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(first.report) });
    expect(again.status).toBe(201);
    const { id } = (await again.json()) as AuditStored;
    const list = (await getJson(`${base}/api/audits`)).body as AuditList;
    expect(list.audits).toHaveLength(2);
    expect(list.audits[0]?.id).toBe(id);
  });

  it('answers unknown ids and incomplete diffs with what it expected', async () => {
    expect((await getJson(`${base}/api/audits/0123456789abcdef`)).status).toBe(404);
    expect((await getJson(`${base}/api/audits/%E0%A4%A`)).status).toBe(400);
    const half = await getJson(`${base}/api/audits/diff?from=0123456789abcdef`);
    expect(half.status).toBe(400);
    expect(half.body).toMatchObject({ expected: expect.stringContaining('from=<audit id>&to=<audit id>') as string });
    const unknown = await getJson(`${base}/api/audits/diff?from=0123456789abcdef&to=fedcba9876543210`);
    expect(unknown.status).toBe(404);
    expect((await fetch(`${base}/api/audits`, { method: 'DELETE', headers: { 'content-type': 'application/json' } })).status).toBe(405);
  });

  it('refuses a report that is not one, saying where, and keeps nothing', async () => {
    const damaged = { ...first.report!, score: { ...first.report!.score, verdict: 'purple' } };
    const response = await fetch(`${base}/api/audits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(damaged, null, 2) });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; problems: { message: string; line?: number }[] };
    expect(body.error).toContain('is not a mimir audit report');
    expect(body.problems[0]?.message).toContain('score.verdict');
    expect(body.problems[0]?.line).toBeGreaterThan(1);
    const notJson = await fetch(`${base}/api/audits`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"schemaVersion": 1,' });
    expect(notJson.status).toBe(400);
    expect(((await getJson(`${base}/api/audits`)).body as AuditList).audits).toHaveLength(2);
  });

  it("applies the server's guard to pushes: a cross-site page or a form post cannot write an audit", async () => {
    const crossSite = await fetch(`${base}/api/audits`, { method: 'POST', headers: { 'content-type': 'application/json', origin: 'https://evil.example' }, body: JSON.stringify(first.report) });
    expect(crossSite.status).toBe(403);
    const form = await fetch(`${base}/api/audits`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify(first.report) });
    expect(form.status).toBe(415);
  });

  it('redacts a report written with --no-redact before keeping it', async () => {
    const secret = 'ghp_abcdefghijklmnopqrstuvwxyz0123456789';
    const config = CONFIG_TEXT.replace(/description: Handles support tickets[^\n]*/, `description: "Handles tickets; deploy key ${secret}"`);
    const audited = await auditProject(['--server', base, '--no-redact'], { config, env: { MIMIR_NOW: '2026-11-26T12:00:00Z' } });
    expect(audited.code, audited.stderr).toBe(0);
    expect(JSON.stringify(audited.report)).toContain(secret);
    const pushed = /pushed the audit to (\S+)/.exec(audited.stderr)?.[1];
    const kept = await fetch(pushed!);
    const text = await kept.text();
    expect(text).not.toContain(secret);
    expect(text).toContain('[redacted:');
    expect((JSON.parse(text) as { unredacted?: boolean }).unredacted).toBeUndefined();
  });
});

describe('mimir audit --server, when the server cannot take it', () => {
  it('says the server is down, exits 2, and still writes the local reports', async () => {
    const gone = await startTestServer();
    const url = gone.server.url;
    await gone.dispose();
    const result = await auditProject(['--server', url]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`could not push the audit to ${url}: ECONNREFUSED`);
    expect(result.stderr).toContain('Start the server');
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.report?.system.name).toBe('back-office assistant');
  });

  it("needs the server's token, from --token or MIMIR_SERVE_TOKEN", async () => {
    const guarded = await startTestServer({ token: 'team-secret-1' });
    try {
      const without = await auditProject(['--server', guarded.server.url]);
      expect(without.code).toBe(2);
      expect(without.stderr).toContain('refused the audit (HTTP 401)');
      expect(without.stderr).toContain('--token');
      expect(without.report).toBeDefined();
      const withFlag = await auditProject(['--server', guarded.server.url, '--token', 'team-secret-1']);
      expect(withFlag.code, withFlag.stderr).toBe(0);
      const fromEnv = await auditProject(['--server', guarded.server.url], { env: { MIMIR_NOW: '2026-11-27T12:00:00Z', MIMIR_SERVE_TOKEN: 'team-secret-1' } });
      expect(fromEnv.code, fromEnv.stderr).toBe(0);
      const list = (await getJson(`${guarded.server.url}/api/audits`, { authorization: 'Bearer team-secret-1' })).body as AuditList;
      expect(list.audits).toHaveLength(2);
    } finally {
      await guarded.dispose();
    }
  });

  it('refuses a --server that is not a URL before auditing', async () => {
    const result = await auditProject(['--server', 'localhost:4318']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not the address of a mimir serve');
    expect(result.report).toBeUndefined();
  });
});
