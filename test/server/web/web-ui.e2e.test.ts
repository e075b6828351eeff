import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHECKS } from '../../../src/checks/registry.js';
import { parseAnswersFile } from '../../../src/evidence/attestation/answers-file.js';
import type { RunFacts } from '../../../src/server/store/types.js';
import { emitRuns, eventually, getJson, startTestServer } from '../support.js';
import { buildWebApp, openBrowser } from './browser.js';

/**
 * The web UI end to end: the app built by Vite from web/, served by a real `startServe` on loopback,
 * fed agent runs by the OpenTelemetry SDK's OTLP/HTTP exporter, driven in headless Chromium. Each
 * step takes a screenshot; set MIMIR_WEB_SHOTS=<dir> to keep them (otherwise they go with the temp dir).
 * This server has no mimir.yaml beyond the answers file; the pages that need one (readiness, checks,
 * alerts, audits, probes) are driven on a fully configured server in live-pages.e2e.test.ts.
 */
const RUNS = 8;
const checkToAnswer = CHECKS.find((c) => c.notApplicableWhen === undefined)!;

let project: string;
let shots: string;
let served: Awaited<ReturnType<typeof startTestServer>>;
let context: BrowserContext;
let page: Page;
/** Whatever the browser refused or threw: a CSP violation shows up here as a console error. */
let browserErrors: string[];

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'mimir-web-e2e-'));
  shots = process.env.MIMIR_WEB_SHOTS ?? join(project, 'screenshots');
  mkdirSync(shots, { recursive: true });
  writeFileSync(join(project, 'mimir.yaml'), 'version: 1\nsystem:\n  name: refund agent\nevidence:\n  answers: answers.yaml\n');
  const webRoot = await buildWebApp(join(project, 'web'));
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

  ({ context, page, errors: browserErrors } = await openBrowser(join(project, 'chromium')));
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
    // The readiness trend may draw its chart first; the tool chart is the one with its title.
    await page.locator('.chart', { has: page.locator('.u-title', { hasText: 'Tool calls and errors, last hour' }) }).locator('.uplot canvas').first().waitFor();
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
    // This mimir.yaml has no probes section: the Probes page says what probes are and how to get them.
    await page.getByRole('link', { name: 'Probes' }).click();
    await page.getByText('No probes are configured: mimir.yaml has no `probes` section.', { exact: false }).waitFor();
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
    // Before the first answer the page says so, rather than leaving a bare red score to explain itself.
    await page.getByTestId('nothing-answered').waitFor();
    await page.getByLabel('Who is answering?').fill('ana@example.com');
    const form = page.locator(`form[data-check="${checkToAnswer.id}"]`);
    await form.getByLabel('Yes', { exact: true }).check();
    await form.getByLabel(/^Note/).fill('covered by the design review');
    await form.getByRole('button', { name: 'Save answer' }).click();
    await form.getByText('Saved.').waitFor();
    await expect.poll(async () => Number(await score.textContent())).toBeGreaterThan(before);
    expect(await page.getByTestId('score-change').textContent()).toBe(`(was ${before.toFixed(1)} before the last answer)`);
    expect(await page.getByTestId('nothing-answered').count()).toBe(0);

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
});

describe('the web UI on a server that needs its token', { timeout: 45_000 }, () => {
  it('loads its page without the token, asks for it, and reads the API once opened as /?token=…, which leaves the address', async () => {
    const token = 'web-e2e-secret';
    const guarded = await startTestServer({ webRoot: join(project, 'web'), token });
    try {
      // The page itself holds no data; without the token every API read is refused and the page says what to do.
      await page.goto(`${guarded.server.url}/#/runs`);
      await page.getByText('this server needs its token', { exact: false }).first().waitFor();
      expect((await getJson(`${guarded.server.url}/api/runs`)).status).toBe(401);

      await page.goto(`${guarded.server.url}/?token=${token}#/runs`);
      await page.getByRole('heading', { name: 'Runs', level: 1 }).waitFor();
      await page.getByText('No stored run matches.').waitFor();
      expect(await page.getByText('this server needs its token', { exact: false }).count()).toBe(0);
      expect(page.url()).toBe(`${guarded.server.url}/#/runs`);
    } finally {
      await guarded.dispose();
    }
  });
});
