import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../../src/checks/registry.js';
import { parseAnswersFile } from '../../../src/evidence/attestation/answers-file.js';
import type { RunFacts } from '../../../src/server/store/types.js';
import { emitRuns, eventually, getJson, startTestServer } from '../support.js';
import { ALERTS, AUDIT_DIFF, AUDITS, CHECKS_NOW, PROBES, READINESS } from './contract-answers.js';

/**
 * The web UI end to end: the app built by Vite from web/, served by a real `startServe` on loopback,
 * fed agent runs by the OpenTelemetry SDK's OTLP/HTTP exporter, driven in headless Chromium. Each
 * step takes a screenshot; set MIMIR_WEB_SHOTS=<dir> to keep them (otherwise they go with the temp dir).
 */
const RUNS = 8;
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const checkToAnswer = CHECKS.find((c) => c.notApplicableWhen === undefined)!;

let project: string;
let shots: string;
let served: Awaited<ReturnType<typeof startTestServer>>;
let context: BrowserContext;
let page: Page;
/** Whatever the browser refused or threw: a CSP violation shows up here as a console error. */
const browserErrors: string[] = [];

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'mimir-web-e2e-'));
  shots = process.env.MIMIR_WEB_SHOTS ?? join(project, 'screenshots');
  mkdirSync(shots, { recursive: true });
  writeFileSync(join(project, 'mimir.yaml'), 'version: 1\nsystem:\n  name: refund agent\nevidence:\n  answers: answers.yaml\n');
  const webRoot = join(project, 'web');
  await build({ configFile: join(import.meta.dirname, '../../../web/vite.config.ts'), logLevel: 'silent', build: { outDir: webRoot, emptyOutDir: true } });
  served = await startTestServer({ webRoot, checklist: { configPath: join(project, 'mimir.yaml') } });

  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'refund-agent' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${served.server.url}/v1/traces` }), { scheduledDelayMillis: 20 })],
  });
  emitRuns(provider.getTracer('web-e2e'), RUNS, 7, Date.now() - 5 * 60_000);
  await provider.forceFlush();
  await provider.shutdown();
  await eventually(async () => {
    const { body } = await getJson(`${served.server.url}/api/runs`);
    return (body as { runs: RunFacts[] }).runs.length === RUNS ? true : undefined;
  }, 15_000, 'the runs to close');

  context = await chromium.launchPersistentContext(join(project, 'chromium'), {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    viewport: { width: 1200, height: 900 },
    args: CHROMIUM_ARGS,
  });
  page = context.pages()[0] ?? (await context.newPage());
  // A step that cannot happen fails in seconds, naming the step, rather than at the test's timeout.
  page.setDefaultTimeout(10_000);
  page.on('console', (message) => {
    if (message.type() === 'error') browserErrors.push(message.text());
  });
  page.on('pageerror', (error) => browserErrors.push(error.message));
}, 60_000);

afterAll(async () => {
  await context.close();
  await served.dispose();
  rmSync(project, { recursive: true, force: true });
});

const shoot = (name: string) => page.screenshot({ path: join(shots, `${name}.png`), fullPage: true });

/** Errors other than the API's 404s for endpoints this server does not provide yet (the page says so itself). */
const unexpectedErrors = () => browserErrors.filter((text) => !/status of 404/.test(text));

describe('mimir serve web UI in Chromium', { timeout: 45_000 }, () => {
  it('loads the overview: what the server holds, a uPlot chart of tool calls, readiness and alerts (or plainly that they are not provided)', async () => {
    await page.goto(`${served.server.url}/`);
    await page.getByRole('heading', { name: 'Overview', level: 1 }).waitFor();
    await page.getByTestId('health').getByText(`${RUNS} runs`, { exact: false }).waitFor();
    await page.locator('.chart .uplot canvas').first().waitFor();
    expect(await page.locator('.chart .u-title').first().textContent()).toBe('Tool calls and errors, last hour');
    // Readiness and alerts come from endpoints another part of the server provides: data, or the notice, never an error.
    for (const section of ['readiness-title', 'alerts-title']) {
      const text = (await page.locator(`section[aria-labelledby="${section}"]`).textContent()) ?? '';
      expect(text, section).not.toMatch(/Could not read|Loading/);
      expect(text, section).toMatch(/does not provide .* yet|\/ 100|No readiness point|alert/i);
    }
    await shoot('overview');
    // On a phone's width the page still reads: nothing wider than the screen.
    await page.setViewportSize({ width: 420, height: 900 });
    await shoot('overview-narrow');
    expect(await page.evaluate('document.documentElement.scrollWidth')).toBeLessThanOrEqual(420);
    await page.setViewportSize({ width: 1200, height: 900 });
    expect(unexpectedErrors()).toEqual([]);
  });

  it('lists runs, filters them by verified outcome, and drills into a run’s timeline', async () => {
    await page.goto(`${served.server.url}/`);
    await page.getByRole('link', { name: 'Runs' }).click();
    const rows = page.locator('table.runs tbody tr');
    await expect.poll(() => rows.count()).toBe(RUNS);
    const { body } = await getJson(`${served.server.url}/api/runs?outcome=failure`);
    const failures = (body as { runs: RunFacts[] }).runs;
    await page.getByLabel('Verified outcome').selectOption('failure');
    await expect.poll(() => rows.count()).toBe(failures.length);
    await shoot('runs-filtered');

    // The seeded runs include verified failures (some claimed success: silent ones); the filter must narrow the list.
    expect(failures.length).toBeGreaterThan(0);
    expect(failures.length).toBeLessThan(RUNS);
    const run = failures[0]!;
    const runId = run.runId;
    await page.getByRole('link', { name: runId, exact: true }).click();
    await page.getByRole('heading', { name: `Run ${runId}` }).waitFor();
    const stored = (await getJson(`${served.server.url}/api/runs/${runId}`)).body as { run: { steps: { kind: string }[] } };
    const steps = page.locator('ol.timeline > li.step');
    await expect.poll(() => steps.count()).toBe(stored.run.steps.length);
    expect(await page.locator('li.step[data-kind="llm"]').count()).toBeGreaterThan(0);
    expect(await page.locator('li.step[data-kind="tool"]').count()).toBeGreaterThan(0);
    expect(await page.locator('li.step-error').count()).toBe(run.failedSteps);
    await shoot('run-timeline');
    expect(unexpectedErrors()).toEqual([]);
  });

  it('answers the checklist in the form: the live score changes and the answers file on disk has the answer', async () => {
    await page.goto(`${served.server.url}/#/checklist`);
    const score = page.getByTestId('live-score').locator('.score');
    await score.waitFor();
    const before = Number(await score.textContent());
    await page.getByLabel('Who is answering?').fill('ana@example.com');
    const form = page.locator(`form[data-check="${checkToAnswer.id}"]`);
    await form.getByLabel('Yes', { exact: true }).check();
    await form.getByLabel(/^Note/).fill('covered by the design review');
    await form.getByRole('button', { name: 'Save answer' }).click();
    await form.getByText('Saved.').waitFor();
    await expect.poll(async () => Number(await score.textContent())).toBeGreaterThan(before);
    expect(await page.getByTestId('score-change').textContent()).toBe(`(was ${before.toFixed(1)} before the last answer)`);

    const saved = parseAnswersFile(readFileSync(join(project, 'answers.yaml'), 'utf8'), 'answers.yaml', CHECKS.map((c) => c.id));
    expect(saved.attestations.get(checkToAnswer.id)).toMatchObject({ answer: 'yes', by: 'ana@example.com', note: 'covered by the design review', at: new Date().toISOString().slice(0, 10) });
    // The whole checklist is a long page: the screenshot is the score and the answered question.
    await page.evaluate('window.scrollTo(0, 0)');
    await page.screenshot({ path: join(shots, 'checklist-top.png') });
    await form.scrollIntoViewIfNeeded();
    await page.screenshot({ path: join(shots, 'checklist-answered.png') });

    // Reloaded, the page reads the answer back from the file.
    await page.reload();
    await page.locator(`form[data-check="${checkToAnswer.id}"]`).getByText('Answered Yes by ana@example.com').waitFor();
    expect(Number(await score.textContent())).toBeGreaterThan(before);
    expect(unexpectedErrors()).toEqual([]);
  });

  it('renders readiness, checks, audits with their diff, probes and alerts from answers in the API contract’s types', async () => {
    // These endpoints come from other parts of the server; here the browser gets contract-typed answers for them.
    const contractPage = await context.newPage();
    contractPage.setDefaultTimeout(10_000);
    const answers: Readonly<Record<string, unknown>> = {
      '/api/readiness': READINESS,
      '/api/checks': CHECKS_NOW,
      '/api/audits': AUDITS,
      '/api/audits/diff': AUDIT_DIFF,
      '/api/probes': PROBES,
      '/api/alerts': ALERTS,
    };
    await contractPage.route(/\/api\/(readiness|checks|audits|probes|alerts)/, async (route) => {
      const path = new URL(route.request().url()).pathname;
      await route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(answers[path]) });
    });
    const shootPage = (name: string) => contractPage.screenshot({ path: join(shots, `${name}.png`), fullPage: true });
    try {
      await contractPage.goto(`${served.server.url}/`);
      const verdict = contractPage.locator('section[aria-labelledby="readiness-title"] .verdict');
      await verdict.locator('.badge-red').waitFor();
      expect(await verdict.locator('.score').textContent()).toBe('48.2');
      expect(await contractPage.locator('.area .area-score').allTextContents()).toEqual(['80.0', '61.5', '35.2', '—']);
      await contractPage.getByRole('link', { name: 'run-7-6' }).waitFor();
      await contractPage.locator('.chart .u-title', { hasText: 'Score over time' }).waitFor();
      expect(await contractPage.locator('section[aria-labelledby="alerts-title"]').textContent()).toMatch(/firing\s*silent-failures/);
      await shootPage('overview-with-readiness');

      await contractPage.getByRole('link', { name: 'Checks' }).click();
      const row = contractPage.locator('tr', { hasText: 'Silent failures are rare' });
      await row.waitFor();
      expect(await row.locator('.tick').count()).toBe(4);
      expect(await row.locator('a.run-link').allTextContents()).toEqual(['run-7-6', 'run-7-3']);
      await shootPage('checks');

      await contractPage.getByRole('link', { name: 'Audits' }).click();
      await contractPage.getByRole('radio', { name: /diff from the audit/ }).nth(1).check();
      await contractPage.getByRole('radio', { name: /diff to the audit/ }).nth(0).check();
      await contractPage.getByText('Score 72.5 → 48.2 (-24.3)', { exact: false }).waitFor();
      expect(await contractPage.locator('#diff-title ~ div').first().textContent()).toContain('Silent failures are rare');
      await shootPage('audits-diff');

      await contractPage.getByRole('link', { name: 'Probes' }).click();
      await contractPage.getByRole('cell', { name: '75.0%' }).waitFor();

      await contractPage.getByRole('link', { name: 'Alerts' }).click();
      await contractPage.getByRole('heading', { name: 'History' }).waitFor();
      expect(await contractPage.locator('table').nth(0).locator('tbody tr').count()).toBe(2);
      expect(await contractPage.locator('table').nth(1).locator('tbody tr').count()).toBe(2);
      await shootPage('alerts');
    } finally {
      await contractPage.close();
    }
  });
});
