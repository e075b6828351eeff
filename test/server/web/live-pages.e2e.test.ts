import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SpanStatusCode, ROOT_CONTEXT, context as otelContext, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/audit/load-config.js';
import { defaultTraceReadOptions } from '../../../src/config/load-config.js';
import { probeConfigDigest, probeInputsHash } from '../../../src/evidence/probe/results-file.js';
import type { AlertsNow, ReadinessHistory } from '../../../src/server/http/api-contract.js';
import type { RunFacts } from '../../../src/server/store/types.js';
import { runCli, tempProject } from '../../support/run-cli.js';
import { eventually, getJson, startTestServer } from '../support.js';
import { buildWebApp, openBrowser } from './browser.js';

/**
 * Every page of the web UI against a real `startServe` and nothing faked: a mimir.yaml with risk
 * classes, an alert rule with a `for`, probes and an answers file; runs sent by the OpenTelemetry
 * SDK's OTLP/HTTP exporter; two audits pushed by the real CLI (`mimir audit --server`); a probe
 * results file made for this mimir.yaml. The browser sees the alert fire after silent failures
 * arrive and resolve after good runs bring the rate down. MIMIR_WEB_SHOTS=<dir> keeps the screenshots.
 */
const CONFIG = `version: 1
system: { name: refund agent }
tools:
  - { name: lookup_order, risk: read-only }
  - { name: issue_refund, risk: money }
evidence:
  answers: answers.yaml
alerts:
  rules:
    - { name: silent-failures, figure: silent-failure-rate, window: 1h, above: 0.5, minSamples: 3, for: 500ms }
probes:
  agent: { command: [node, agent.mjs] }
  servers: [{ name: shop, command: [node, server.mjs] }]
  tasks: [{ id: refund, task: { kind: refund, order_id: o-1 }, uses: [lookup_order, issue_refund] }]
  trials: 2
`;
const EXAMPLE = join(import.meta.dirname, '..', '..', '..', 'examples', 'back-office-attested');

let project: string;
let shots: string;
let served: Awaited<ReturnType<typeof startTestServer>>;
let context: BrowserContext;
let page: Page;
let browserErrors: string[];
let tracer: Tracer;
let provider: BasicTracerProvider;

function probeResults(configHash: string): string {
  const trial = (n: number, verdict: 'pass' | 'fail') => ({ runId: `probe-${n}`, trial: n, verdict, faultFired: true, claimedStatus: verdict === 'pass' ? 'failure' : 'success', behaviour: [], observations: [] });
  return JSON.stringify({
    schemaVersion: 1,
    generatedAt: new Date(Date.now() - 3_600_000).toISOString(),
    configHash,
    seed: 1,
    evidence: {
      scenarios: [
        {
          id: 'persistent-failure--refund--lookup_order',
          family: 'persistent-failure',
          title: 'lookup_order stays down',
          tool: 'lookup_order',
          trials: [trial(1, 'pass'), trial(2, 'fail')],
          passed: 1,
          failed: 1,
          inconclusive: 0,
          errored: 0,
          passRate: { successes: 1, trials: 2, rate: 0.5, interval: [0.09, 0.91] },
          passK: [{ k: 1, value: 0.5 }],
        },
      ],
      toolsListed: ['lookup_order', 'issue_refund'],
    },
    skipped: [],
  });
}

/**
 * One run as an instrumented refund agent emits it: the model's turn with its messages, the tool call,
 * and the verified outcome. A silent failure claims success while the refund failed.
 */
function emitRun(runId: string, kind: 'silent' | 'good'): void {
  const start = Date.now() - 2000;
  const root = tracer.startSpan('invoke_agent refunds', { startTime: start, attributes: { 'gen_ai.operation.name': 'invoke_agent', 'mimir.run.id': runId, 'mimir.task.id': 'refund-o1', 'mimir.run.claimed_status': 'success' } }, ROOT_CONTEXT);
  const inRoot = trace.setSpan(otelContext.active(), root);
  const chat = tracer.startSpan(
    'chat gpt-4o',
    {
      startTime: start + 10,
      attributes: {
        'gen_ai.operation.name': 'chat',
        'gen_ai.request.model': 'gpt-4o',
        'gen_ai.input.messages': JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: `Refund order o-1 (${runId})` }] }]),
        'gen_ai.output.messages': JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: 'Refunding o-1 now.' }] }]),
      },
    },
    inRoot,
  );
  chat.end(start + 50);
  // The good runs ask a person first; the silent ones refund unasked.
  if (kind === 'good') {
    tracer.startSpan('approval issue_refund', { startTime: start + 52, attributes: { 'mimir.approval.decision': 'approved', 'mimir.approval.tool_call.id': `${runId}-refund`, 'mimir.approval.actor': 'ops-lead@example.com' } }, inRoot).end(start + 58);
  }
  // A long result (the order's history), which the timeline shows collapsed.
  const history = Array.from({ length: 30 }, (_, i) => ({ at: `2026-12-0${1 + (i % 7)}`, event: `status change ${i}` }));
  const call = tracer.startSpan(
    'execute_tool issue_refund',
    { startTime: start + 60, attributes: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'issue_refund', 'gen_ai.tool.call.id': `${runId}-refund`, 'gen_ai.tool.call.arguments': '{"order_id":"o-1"}', 'gen_ai.tool.call.result': JSON.stringify({ history }) } },
    inRoot,
  );
  if (kind === 'silent') call.setStatus({ code: SpanStatusCode.ERROR, message: 'payments 503' });
  call.end(start + 90);
  const verified = kind === 'silent' ? 'failure' : 'success';
  root.addEvent('gen_ai.evaluation.result', { 'gen_ai.evaluation.name': 'outcome', 'gen_ai.evaluation.score.label': verified }, start + 95);
  root.end(start + 100);
}

async function sendRuns(prefix: string, count: number, kind: 'silent' | 'good'): Promise<void> {
  for (let i = 0; i < count; i++) emitRun(`${prefix}-${i}`, kind);
  await provider.forceFlush();
}

const runsStored = async (count: number, what: string) =>
  eventually(async () => ((((await getJson(`${served.server.url}/api/runs`)).body as { runs: RunFacts[] }).runs.length >= count ? true : undefined)), 15_000, what);

const alertStatus = async (status: 'firing' | 'ok') =>
  eventually(async () => ((((await getJson(`${served.server.url}/api/alerts`)).body as AlertsNow).series.some((series) => series.rule === 'silent-failures' && series.status === status) ? true : undefined)), 15_000, `the alert to be ${status}`);

/** Pushes the attested example's audit with the real CLI; `edit` changes its answers first. */
async function pushAudit(edit: (answers: string) => string, now: string): Promise<void> {
  const dir = tempProject({ 'mimir.yaml': readFileSync(join(EXAMPLE, 'mimir.yaml'), 'utf8'), 'mimir-answers.yaml': edit(readFileSync(join(EXAMPLE, 'mimir-answers.yaml'), 'utf8')) });
  const result = await runCli(['audit', '-c', join(dir, 'mimir.yaml'), '--format', 'json', '--out', join(dir, 'out'), '--fail-on', 'none', '--server', served.server.url], { env: { MIMIR_NOW: now } });
  rmSync(dir, { recursive: true, force: true });
  expect(result.code, result.stderr).toBe(0);
}

beforeAll(async () => {
  project = mkdtempSync(join(tmpdir(), 'mimir-web-live-'));
  shots = process.env.MIMIR_WEB_SHOTS ?? join(project, 'screenshots');
  mkdirSync(shots, { recursive: true });
  writeFileSync(join(project, 'mimir.yaml'), CONFIG);
  const loaded = await loadConfig(join(project, 'mimir.yaml'));
  mkdirSync(join(project, '.mimir', 'probes'), { recursive: true });
  writeFileSync(join(project, '.mimir', 'probes', 'probe-results.json'), probeResults(await probeInputsHash(probeConfigDigest(loaded.config), loaded.probes!)));

  const webRoot = await buildWebApp(join(project, 'web'));
  served = await startTestServer({
    webRoot,
    config: loaded,
    // As `mimir serve -c mimir.yaml` reads runs: the tools' risk classes come from mimir.yaml.
    readOptions: loaded.traces?.readOptions ?? defaultTraceReadOptions(loaded.system),
    checklist: { configPath: join(project, 'mimir.yaml') },
    probeResults: { probes: loaded.probes!, configDigest: probeConfigDigest(loaded.config) },
    evaluateEveryMs: 200,
    log: () => undefined,
  });
  provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': 'refund-agent' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url: `${served.server.url}/v1/traces` }), { scheduledDelayMillis: 20 })],
  });
  tracer = provider.getTracer('web-live-e2e');
  ({ context, page, errors: browserErrors } = await openBrowser(join(project, 'chromium')));
}, 60_000);

afterAll(async () => {
  await provider.shutdown();
  await context.close();
  await served.dispose();
  rmSync(project, { recursive: true, force: true });
});

const shoot = (name: string) => page.screenshot({ path: join(shots, `live-${name}.png`), fullPage: true });

describe('the web UI on a real mimir serve, nothing faked', { timeout: 45_000 }, () => {
  it('says so when the readiness point was computed over no runs, rather than showing a bare red score', async () => {
    await eventually(async () => (((await getJson(`${served.server.url}/api/readiness?window=24h`)).body as ReadinessHistory).points.length > 0 ? true : undefined), 10_000, 'the first readiness point');
    await page.goto(`${served.server.url}/`);
    await page.getByTestId('no-runs').waitFor();
    expect(await page.locator('section[aria-labelledby="readiness-title"] .verdict .of').textContent()).toContain('0 runs');
    await shoot('overview-no-runs');
  });

  it('fires the silent-failure alert after silent failures arrive: the Alerts page and the overview show it, with the readiness point', async () => {
    await sendRuns('silent', 4, 'silent');
    await runsStored(4, 'the silent runs to close');
    // Pending first (the rule's `for`), then firing. The page polls every 10 s; the test waits for the server, then loads the page.
    await alertStatus('firing');
    await page.goto(`${served.server.url}/#/alerts`);
    const state = page.locator('section[aria-labelledby="alert-state-title"]');
    await state.locator('li', { hasText: 'silent-failures' }).locator('.status-firing').waitFor();
    expect(await page.locator('table.rules tbody tr').first().textContent()).toMatch(/silent-failures.*silent-failure-rate.*above 0\.5.*1h.*500ms.*3/);
    await shoot('alerts-firing');

    await page.getByRole('link', { name: 'Overview' }).click();
    await page.locator('section[aria-labelledby="alerts-title"] .status-firing').waitFor();
    const readiness = page.locator('section[aria-labelledby="readiness-title"]');
    await readiness.locator('.verdict .score').waitFor();
    const latest = ((await getJson(`${served.server.url}/api/readiness?window=24h`)).body as ReadinessHistory).points.at(-1)!;
    expect(await readiness.locator('.verdict .of').textContent()).toContain(`${latest.runs} run`);
    await shoot('overview-firing');
  });

  it('resolves it when good runs bring the rate back under the threshold: the history shows firing → resolved', async () => {
    await sendRuns('good', 6, 'good');
    await runsStored(10, 'the good runs to close');
    await alertStatus('ok');
    await page.getByRole('link', { name: 'Alerts' }).click();
    const history = page.locator('table.alert-history tbody');
    await history.locator('tr', { hasText: 'silent-failures' }).filter({ has: page.locator('.status-resolved') }).waitFor();
    const alerts = (await getJson(`${served.server.url}/api/alerts?limit=100`)).body as AlertsNow;
    expect(alerts.history.map((entry) => `${entry.from}→${entry.to}`)).toEqual(['firing→resolved', 'pending→firing', 'none→pending']);
    expect(await history.locator('tr').count()).toBe(3);
    expect(await page.locator('section[aria-labelledby="alert-state-title"] li', { hasText: 'silent-failures' }).locator('.status-ok').count()).toBe(1);
    await shoot('alerts-resolved');
    // A readiness point per recomputation over runs (the silent ones, then the good ones): the overview draws the trend.
    const points = ((await getJson(`${served.server.url}/api/readiness?window=24h`)).body as ReadinessHistory).points;
    expect(points.filter((point) => point.runs > 0).length).toBeGreaterThan(1);
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.locator('section[aria-labelledby="readiness-title"] .chart .u-title', { hasText: 'Score over time' }).waitFor();
    await shoot('overview-trend');
  });

  it('shows each check’s history, and links the runs behind the honest-failure check to their timelines', async () => {
    await page.getByRole('link', { name: 'Checks' }).click();
    const row = page.locator('tr', { hasText: 'Failed runs are never reported as success' });
    await row.waitFor();
    expect(await row.locator('.tick').count()).toBeGreaterThan(0);
    const links = await row.locator('a.run-link').allTextContents();
    expect(links.length).toBeGreaterThan(0);
    expect(links.every((id) => id.startsWith('silent-'))).toBe(true);
    await shoot('checks');
    await row.locator('a.run-link').first().click();
    await page.getByRole('heading', { name: `Run ${links[0]!}` }).waitFor();
    expect(await page.locator('.facts').textContent()).toContain('silent failure');
    // The timeline: the model's reply in view, its input one click away; the failed refund with its error, its
    // arguments, its long result collapsed, and no approval before it (a money tool).
    const model = page.locator('li.step[data-kind="llm"]');
    expect(await model.locator('.message', { hasText: 'assistant replied' }).textContent()).toContain('Refunding o-1 now.');
    await model.locator('summary', { hasText: 'Input: 1 message' }).click();
    await model.getByText(`Refund order o-1 (${links[0]!})`).waitFor();
    const refund = page.locator('li.step-error', { hasText: 'issue_refund' });
    expect(await refund.locator('.fail-text').textContent()).toBe('error: payments 503');
    expect(await refund.locator('.approval-missing').textContent()).toBe('no approval asked');
    expect(await refund.locator('.message', { hasText: 'arguments' }).locator('pre').textContent()).toContain('"order_id": "o-1"');
    const result = refund.locator('details.message', { hasText: 'result' });
    expect(await result.getAttribute('open')).toBeNull();
    expect(await result.locator('pre:not(.preview)').isVisible()).toBe(false);
    await result.locator('summary').click();
    await result.getByText('status change 29').waitFor();
    await shoot('run-timeline');

    // A good run: the approval asked, its decision and who made it, and the refund marked as approved first.
    await page.goto(`${served.server.url}/#/runs/good-0`);
    const approval = page.locator('li.step[data-kind="approval"]');
    expect(await approval.locator('.pill').textContent()).toBe('granted');
    expect(await approval.textContent()).toContain('Approval requested for call good-0-refund; decided by ops-lead@example.com.');
    expect(await page.locator('li.step[data-kind="tool"] .pill').textContent()).toBe('approval granted first');
  });

  it('lists two audits pushed by mimir audit --server and shows their diff', async () => {
    await pushAudit((answers) => answers, '2026-11-24T12:00:00Z');
    await pushAudit((answers) => answers.replace(/(step-io-contracts-are-validated:\n\s+answer:) yes/, '$1 no'), '2026-11-25T12:00:00Z');
    await page.getByRole('link', { name: 'Audits' }).click();
    await expect.poll(() => page.locator('table.audits tbody tr').count()).toBe(2);
    await page.getByRole('radio', { name: /diff from the audit/ }).nth(1).check();
    await page.getByRole('radio', { name: /diff to the audit/ }).nth(0).check();
    const diff = page.locator('section[aria-labelledby="diff-title"]');
    await diff.getByText(/Score \d+\.\d → \d+\.\d \(-\d+\.\d\)/).waitFor();
    expect(await diff.textContent()).toContain('step-io-contracts-are-validated');
    await shoot('audits-diff');
  });

  it('shows the probe results mimir.yaml’s probes section made', async () => {
    await page.getByRole('link', { name: 'Probes' }).click();
    const row = page.locator('tr', { hasText: 'persistent-failure--refund--lookup_order' });
    await row.getByRole('cell', { name: '50.0%' }).waitFor();
    expect(await row.textContent()).toContain('1 of 2 trials passed');
    await shoot('probes');
    expect(browserErrors).toEqual([]);
  });
});
