import { afterEach, describe, expect, it } from 'vitest';
import type { LedgerEntry } from '../types.js';
import { RecordedResults, simulatedResult } from './simulation.js';
import { callRaw, FIXTURE_RISKS, ProxyHarness, stdioUpstream, textOf } from './test-support/proxy-harness.js';

/**
 * Simulation that real agents accept: a simulated high-risk call answers in the shape of the tool's
 * output schema, else the user's example result, else a real result recorded from a sandbox server,
 * else mimir's generic answer — and the ledger says which (`detail.simulatedFrom`). Tools mimir.yaml
 * does not classify are simulated unless their server annotates them read-only.
 */

const harness = new ProxyHarness();
afterEach(async () => {
  await harness.cleanup();
});

const calls = (entries: readonly LedgerEntry[]): LedgerEntry[] => entries.filter((entry) => entry.event === 'call');
const detailOf = (entry: LedgerEntry | undefined): Record<string, unknown> => (entry?.detail ?? {}) as Record<string, unknown>;
const RISKS = { ...FIXTURE_RISKS, send_email: 'outbound-message', get_emails: 'read-only' } as const;
const riskOf = (tool: string) => (RISKS as Record<string, (typeof RISKS)[keyof typeof RISKS]>)[tool];
const sentEmails = async (proxy: { callUpstream: (tool: string) => Promise<{ content: unknown[] }> }): Promise<unknown[]> =>
  (JSON.parse(textOf((await proxy.callUpstream('get_emails')) as never)) as { emails: unknown[] }).emails;

describe('where a simulated answer takes its shape from', () => {
  it('no output schema and nothing else: the generic answer, announced in the ledger', async () => {
    const { proxy, ledger } = await harness.start({ riskOf });
    const agent = await harness.connect(proxy.url);
    const answer = JSON.parse(textOf(await callRaw(agent, 'send_email', { to: 'ada@example.com' }))) as Record<string, unknown>;
    expect(answer).toMatchObject({ ok: true, simulated: true, tool: 'send_email' });
    expect(calls(ledger.entries)[0]).toMatchObject({ disposition: 'simulated', detail: { simulatedFrom: 'generic' } });
    expect(proxy.toolPlan().find((t) => t.tool === 'send_email')).toEqual({ tool: 'send_email', server: 'shop', riskFrom: 'mimir.yaml', handling: 'simulated', simulatedFrom: 'generic' });
  });

  it('the example result from mimir.yaml, ids and argument values echoed from the call', async () => {
    const example = { message_id: 'MSG-1', to: 'someone@example.com', status: 'sent', replayed: true };
    const { proxy, ledger } = await harness.start({ riskOf, exampleOf: (tool) => (tool === 'send_email' ? example : undefined) });
    const agent = await harness.connect(proxy.url);
    const answer = JSON.parse(textOf(await callRaw(agent, 'send_email', { to: 'ada@example.com', idempotency_key: 'k-1' }))) as Record<string, unknown>;
    expect(answer).toEqual({ message_id: expect.stringMatching(/^sim-[0-9a-f]{12}$/) as string, to: 'ada@example.com', status: 'sent', replayed: false });
    expect(calls(ledger.entries)[0]).toMatchObject({ disposition: 'simulated', detail: { simulatedFrom: 'example' } });
    expect(await sentEmails(proxy)).toEqual([]);
    expect(proxy.toolPlan().find((t) => t.tool === 'send_email')?.simulatedFrom).toBe('example');
  });

  it('the output schema comes first, before any example', async () => {
    const { proxy, ledger } = await harness.start({ exampleOf: () => ({ anything: 1 }) });
    const agent = await harness.connect(proxy.url);
    await callRaw(agent, 'issue_refund', { order_id: 'ORD-1001', amount: 5 });
    expect(detailOf(calls(ledger.entries)[0]).simulatedFrom).toBe('output-schema');
  });

  it('a sandbox server takes the real call, and its result shapes later simulated answers of that tool', async () => {
    const recorded = new RecordedResults();
    const sandbox = await harness.start({ riskOf, recorded, upstreams: [{ ...stdioUpstream(), allowSideEffects: true }] });
    const staging = await harness.connect(sandbox.proxy.url);
    await callRaw(staging, 'send_email', { to: 'ada@example.com' });
    expect(calls(sandbox.ledger.entries)[0]).toMatchObject({ disposition: 'forwarded' });
    expect(await sentEmails(sandbox.proxy)).toHaveLength(1);
    expect(recorded.has('send_email')).toBe(true);

    const { proxy, ledger } = await harness.start({ riskOf, recorded });
    const agent = await harness.connect(proxy.url);
    const answer = JSON.parse(textOf(await callRaw(agent, 'send_email', { to: 'bob@example.com' }))) as Record<string, unknown>;
    expect(answer).toEqual({ message_id: expect.stringMatching(/^sim-/) as string, to: 'bob@example.com', status: 'sent', replayed: false });
    expect(calls(ledger.entries)[0]).toMatchObject({ disposition: 'simulated', detail: { simulatedFrom: 'recorded' } });
    expect(await sentEmails(proxy)).toEqual([]);
  });

  it('a first simulated call never says it was replayed, whatever the output schema allows', () => {
    const tool = { name: 'pay', inputSchema: { type: 'object' as const }, outputSchema: { type: 'object' as const, properties: { payment_id: { type: 'string' }, replayed: { type: 'boolean' } }, required: ['payment_id', 'replayed'] } };
    const { result, source } = simulatedResult(tool, 'pay', {}, 'sim-1', new Date(0));
    expect(source).toBe('output-schema');
    expect(result.structuredContent).toMatchObject({ payment_id: 'sim-1', replayed: false });
  });
});

describe('undeclared tools are high-risk in probes', () => {
  it('a tool mimir.yaml does not classify is simulated, never forwarded; one the server annotates readOnlyHint is forwarded', async () => {
    // Nothing declared: issue_refund and send_email are destructiveHint on the server.
    const { proxy, ledger } = await harness.start({ riskOf: () => undefined, allowSideEffects: false });
    const agent = await harness.connect(proxy.url);
    await callRaw(agent, 'issue_refund', { order_id: 'ORD-1001', amount: 20 });
    await callRaw(agent, 'send_email', { to: 'ada@example.com' });
    const read = await callRaw(agent, 'get_emails');
    expect(calls(ledger.entries).map((e) => [e.tool, e.disposition, detailOf(e).riskFrom])).toEqual([
      ['issue_refund', 'simulated', 'undeclared'],
      ['send_email', 'simulated', 'undeclared'],
      ['get_emails', 'forwarded', 'server-annotation'],
    ]);
    // The upstream saw nothing.
    expect(JSON.parse(textOf(read))).toEqual({ emails: [] });
    expect(JSON.parse(textOf(await proxy.callUpstream('get_refunds')))).toEqual({ refunds: [] });
    const plan = proxy.toolPlan();
    expect(plan.filter((t) => t.riskFrom === 'undeclared').map((t) => t.tool)).toEqual(expect.arrayContaining(['issue_refund', 'send_email', 'crash']));
    expect(plan.find((t) => t.tool === 'get_order')).toMatchObject({ riskFrom: 'server-annotation', handling: 'forwarded' });
  });
});

describe('what mimir probe says before it starts', () => {
  it('names undeclared tools, tools forwarded on the server annotation, and tools that get the generic answer, with why', async () => {
    const { toolPlanNotices } = await import('../run-probes.js');
    const notices = toolPlanNotices([
      { tool: 'issue_refund', server: 'shop', riskFrom: 'undeclared', handling: 'simulated', simulatedFrom: 'output-schema' },
      { tool: 'get_emails', server: 'shop', riskFrom: 'server-annotation', handling: 'forwarded' },
      { tool: 'send_email', server: 'shop', riskFrom: 'mimir.yaml', handling: 'simulated', simulatedFrom: 'generic' },
      { tool: 'get_order', server: 'shop', riskFrom: 'mimir.yaml', handling: 'forwarded' },
    ]);
    expect(notices).toHaveLength(3);
    expect(notices[0]).toMatch(/^not classified in mimir.yaml, so treated as high-risk \(simulated, never forwarded\): issue_refund \(shop\)\./);
    expect(notices[1]).toMatch(/readOnlyHint: get_emails \(shop\)\.$/);
    expect(notices[2]).toMatch(/generic answer.*no output schema, no `exampleResult` in mimir.yaml, no result recorded from a sandbox server: send_email \(shop\)\./);
    expect(toolPlanNotices([{ tool: 'get_order', server: 'shop', riskFrom: 'mimir.yaml', handling: 'forwarded' }])).toEqual([]);
  });
});
