import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../../src/checks/registry.js';
import { parseAnswersFile } from '../../../src/evidence/attestation/answers-file.js';
import type { Checklist } from '../../../src/server/http/api-contract.js';
import { WEB_CSP } from '../../../src/server/http/static-routes.js';
import { startTestServer } from '../support.js';

/** The checklist API reads and writes the answers file `mimir walk` writes, and the static handler serves the web UI's files only. */
const CHECK_IDS = CHECKS.map((c) => c.id);
const alwaysApplies = CHECKS.find((c) => c.notApplicableWhen === undefined)!;
let project: string;
let served: Awaited<ReturnType<typeof startTestServer>>;
let base: string;

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'mimir-web-checklist-'));
  writeFileSync(join(project, 'mimir.yaml'), 'version: 1\nsystem:\n  name: checklist system\nevidence:\n  answers: answers.yaml\n');
  // A hand-written comment: writes keep it, as `mimir walk`'s do.
  writeFileSync(join(project, 'answers.yaml'), '# our answers, reviewed monthly\nversion: 1\nanswers: {}\n');
  const web = join(project, 'web');
  mkdirSync(join(web, 'assets'), { recursive: true });
  writeFileSync(join(web, 'index.html'), '<!doctype html><title>ui</title>');
  writeFileSync(join(web, 'assets', 'app-1.js'), 'console.log(1)');
  writeFileSync(join(web, 'assets', 'app-1.css'), 'body{}');
  writeFileSync(join(project, 'secret.txt'), 'not for the web');
  symlinkSync(join(project, 'secret.txt'), join(web, 'assets', 'link.js'));
  served = await startTestServer({ checklist: { configPath: join(project, 'mimir.yaml'), now: () => new Date('2026-12-07T10:00:00Z') }, webRoot: web });
  base = served.server.url;
});

afterAll(async () => {
  await served.dispose();
  rmSync(project, { recursive: true, force: true });
});

async function put(checkId: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${base}/api/checklist/${checkId}`, { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const questionOf = (checklist: Checklist, checkId: string) => checklist.areas.flatMap((a) => a.questions).find((q) => q.checkId === checkId);

describe('GET and PUT /api/checklist', () => {
  it('lists every check of the catalogue by area, with the options mimir walk offers and the audit score', async () => {
    const response = await fetch(`${base}/api/checklist`);
    expect(response.status).toBe(200);
    const checklist = (await response.json()) as Checklist;
    expect(checklist.answersFile).toBe(join(project, 'answers.yaml'));
    expect(checklist.areas.map((a) => a.area)).toEqual(['architecture', 'memory-context', 'failure-handling', 'human-oversight']);
    expect(checklist.areas.flatMap((a) => a.questions.map((q) => q.checkId)).sort()).toEqual([...CHECK_IDS].sort());
    expect(questionOf(checklist, alwaysApplies.id)).toMatchObject({ options: ['yes', 'partial', 'no'], question: alwaysApplies.question });
    expect(questionOf(checklist, alwaysApplies.id)?.answer).toBeUndefined();
    expect(checklist.verdict).toBe('red');
    expect(checklist.score).toBeGreaterThanOrEqual(0);
  });

  it('writes an answer to the answers file as mimir walk does, and answers with the score it gives', async () => {
    const before = (await (await fetch(`${base}/api/checklist`)).json()) as Checklist;
    const reply = await put(alwaysApplies.id, { answer: 'yes', by: 'ana@example.com', note: 'reviewed in the design doc' });
    expect(reply.status).toBe(200);
    const after = reply.body as unknown as Checklist;
    expect(questionOf(after, alwaysApplies.id)?.answer).toEqual({ value: 'yes', by: 'ana@example.com', at: '2026-12-07', note: 'reviewed in the design doc', expired: false });
    expect(after.score).toBeGreaterThan(before.score);

    const text = readFileSync(join(project, 'answers.yaml'), 'utf8');
    expect(text).toContain('# our answers, reviewed monthly');
    const saved = parseAnswersFile(text, 'answers.yaml', CHECK_IDS);
    expect(saved.attestations.get(alwaysApplies.id)).toMatchObject({ answer: 'yes', by: 'ana@example.com', at: '2026-12-07', note: 'reviewed in the design doc' });

    // Changing the answer replaces it, and the score follows.
    const changed = await put(alwaysApplies.id, { answer: 'no', by: 'ben@example.com' });
    expect((changed.body as unknown as Checklist).score).toBeLessThan(after.score);
    expect(parseAnswersFile(readFileSync(join(project, 'answers.yaml'), 'utf8'), 'answers.yaml', CHECK_IDS).attestations.get(alwaysApplies.id)).toMatchObject({ answer: 'no', by: 'ben@example.com' });
  });

  it('refuses what mimir walk would not write, saying what was expected', async () => {
    expect(await put(alwaysApplies.id, { answer: 'not-applicable', by: 'ana', note: 'n/a' })).toMatchObject({ status: 400, body: { expected: 'yes | partial | no' } });
    expect(await put(alwaysApplies.id, { answer: 'maybe', by: 'ana' })).toMatchObject({ status: 400, body: { expected: 'yes | no | partial | not-applicable' } });
    expect(await put(alwaysApplies.id, { answer: 'yes', by: '  ' })).toMatchObject({ status: 400, body: { error: 'say who answered' } });
    expect(await put(alwaysApplies.id, { answer: 'yes', by: 'ana', extra: 1 })).toMatchObject({ status: 400, body: { error: 'unknown field(s): extra' } });
    expect(await put('no-such-check', { answer: 'yes', by: 'ana' })).toMatchObject({ status: 400, body: { error: 'there is no check "no-such-check"' } });
    const optional = CHECKS.find((c) => c.notApplicableWhen !== undefined)!;
    expect(await put(optional.id, { answer: 'not-applicable', by: 'ana' })).toMatchObject({ status: 400, body: { expected: 'a non-empty "note"' } });
    // Nothing of the refused answers reached the file.
    const saved = parseAnswersFile(readFileSync(join(project, 'answers.yaml'), 'utf8'), 'answers.yaml', CHECK_IDS);
    expect(saved.attestations.get(optional.id)).toBeUndefined();
  });

  it('keeps the guard on writes: a form post and a cross-site origin are refused', async () => {
    const form = await fetch(`${base}/api/checklist/${alwaysApplies.id}`, { method: 'PUT', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'answer=yes&by=eve' });
    expect(form.status).toBe(415);
    expect(await put(alwaysApplies.id, { answer: 'yes', by: 'eve' }, { origin: 'http://evil.example' })).toMatchObject({ status: 403 });
    expect(await put(alwaysApplies.id, { answer: 'yes', by: 'eve' }, { origin: base })).toMatchObject({ status: 200 });
  });
});

describe('the web UI files', () => {
  it('serves the page and its assets with their content types and a strict Content-Security-Policy', async () => {
    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(WEB_CSP);
    expect(WEB_CSP).toContain("default-src 'none'");
    expect(WEB_CSP).not.toContain('unsafe-inline');
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await page.text()).toContain('<title>ui</title>');
    const script = await fetch(`${base}/assets/app-1.js`);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(script.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${base}/assets/app-1.css`)).headers.get('content-type')).toBe('text/css; charset=utf-8');
  });

  it('serves nothing outside its folder: no traversal, encoded or not, and no link out', async () => {
    for (const path of ['/assets/../secret.txt', '/assets/..%2fsecret.txt', '/assets/%2e%2e/secret.txt', '/assets/%2e%2e%2f%2e%2e%2fmimir.yaml', '/assets/..%5csecret.txt', '/assets/link.js', '/assets/', '/assets/.hidden', '/assets/%00']) {
      const response = await fetch(`${base}${path}`);
      expect([404, 400], path).toContain(response.status);
      expect(await response.text(), path).not.toContain('not for the web');
    }
  });

  it('says how to build the UI when it is not built', async () => {
    const bare = await startTestServer({ webRoot: join(project, 'nowhere') });
    try {
      const response = await fetch(`${bare.server.url}/`);
      expect(response.status).toBe(404);
      expect(await response.text()).toContain('npm run build');
      // And a server started without a checklist source says so instead of guessing a file.
      expect((await fetch(`${bare.server.url}/api/checklist`)).status).toBe(404);
    } finally {
      await bare.dispose();
    }
  });
});
