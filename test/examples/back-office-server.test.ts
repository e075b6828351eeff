import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Client, type CallToolResult } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { SERVER, ROOT, startBackOffice, stopAll, type World } from './support/processes.js';

/**
 * The back-office example server, driven over stdio with the SDK client as any MCP host would.
 * Most tests share one server (one world) and touch distinct records, to keep the file fast; the
 * restart test and the HTTP test start their own.
 */

const open: Client[] = [];
const dirs: string[] = [];

async function connect(args: readonly string[] = []): Promise<Client> {
  const client = new Client({ name: 'back-office-test', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: [SERVER, ...args], cwd: ROOT, stderr: 'pipe' }));
  open.push(client);
  return client;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((client) => client.close()));
});
let shared: Client;
beforeAll(async () => {
  shared = new Client({ name: 'back-office-test', version: '1.0.0' });
  await shared.connect(new StdioClientTransport({ command: process.execPath, args: [SERVER], cwd: ROOT, stderr: 'pipe' }));
});
afterAll(async () => {
  await shared.close();
  await stopAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const call = (client: Client, name: string, args: Record<string, unknown> = {}) => client.callTool({ name, arguments: args });
const data = (result: CallToolResult) => result.structuredContent as Record<string, unknown>;
const errorText = (result: CallToolResult) => {
  expect(result.isError).toBe(true);
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('');
};
const world = async (client: Client) => data(await call(client, 'inspect_state')) as unknown as World;
const refundsOf = (w: World, order: string) => w.refunds.filter((r) => r.order_id === order);

describe('back-office example server', () => {
  it('lists its seven tools, with output schemas on the read tools and risk hints', async () => {
    const client = shared;
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect([...byName.keys()].sort()).toEqual(['delete_record', 'find_customer', 'get_order', 'inspect_state', 'issue_refund', 'list_orders', 'send_email']);
    for (const name of ['find_customer', 'get_order', 'list_orders', 'inspect_state']) {
      expect(byName.get(name)!.outputSchema, name).toBeDefined();
      expect(byName.get(name)!.annotations?.readOnlyHint, name).toBe(true);
    }
    expect(byName.get('issue_refund')!.inputSchema).toMatchObject({ required: ['order_id', 'amount_cents', 'reason'] });
    expect(byName.get('delete_record')!.annotations?.destructiveHint).toBe(true);
    expect(byName.get('inspect_state')!.description).toContain('VERIFICATION');
  });

  it('looks up customers and orders (and starts from the seed data)', async () => {
    const client = shared;
    expect(data(await call(client, 'find_customer', { email: 'ADA@example.com' }))).toMatchObject({ customer_id: 'c-001', name: 'Ada Lovelace' });
    expect(data(await call(client, 'get_order', { order_id: 'o-1001' }))).toMatchObject({ status: 'shipped', amount_cents: 4999, customer_email: 'ada@example.com' });
    const list = data(await call(client, 'list_orders', { customer_id: 'c-002' }));
    expect((list.orders as { order_id: string }[]).map((o) => o.order_id)).toEqual(['o-1004', 'o-1003', 'o-1012']);
    const seeded = await world(client);
    expect(seeded.customers).toHaveLength(5);
    expect(seeded.orders).toHaveLength(12);
    expect(new Set(seeded.orders.map((o) => o.status))).toEqual(new Set(['paid', 'shipped', 'refunded', 'cancelled']));
    expect(seeded).toMatchObject({ refunds: [], emails: [], deleted: [] });
  });

  it('issues refunds, and inspect_state shows them', async () => {
    const client = shared;
    const first = data(await call(client, 'issue_refund', { order_id: 'o-1002', amount_cents: 500, reason: 'arrived late' }));
    expect(first).toMatchObject({ refund_id: expect.stringMatching(/^r-\d{4}$/) as string, order_id: 'o-1002', amount_cents: 500, replayed: false, order_status: 'paid' });
    const rest = data(await call(client, 'issue_refund', { order_id: 'o-1002', amount_cents: 1499, reason: 'returned' }));
    expect(rest).toMatchObject({ order_status: 'refunded' });
    expect(rest.refund_id).not.toBe(first.refund_id);
    const after = await world(client);
    expect(refundsOf(after, 'o-1002').map((r) => [r.refund_id, r.amount_cents])).toEqual([[first.refund_id, 500], [rest.refund_id, 1499]]);
    expect(after.orders.find((o) => o.order_id === 'o-1002')).toMatchObject({ status: 'refunded', refunded_cents: 1999 });
    expect(errorText(await call(client, 'issue_refund', { order_id: 'o-1002', amount_cents: 1, reason: 'again' }))).toBe('Error: order o-1002 is already refunded');
  });

  it('returns business failures as tool errors, changing nothing', async () => {
    const client = shared;
    const before = await world(client);
    expect(errorText(await call(client, 'get_order', { order_id: 'o-9999' }))).toBe('Error: order o-9999 not found');
    expect(errorText(await call(client, 'find_customer', { email: 'nobody@example.com' }))).toBe('Error: no customer with email nobody@example.com');
    expect(errorText(await call(client, 'list_orders', { customer_id: 'c-999' }))).toBe('Error: customer c-999 not found');
    expect(errorText(await call(client, 'issue_refund', { order_id: 'o-1006', amount_cents: 5000, reason: 'x' }))).toMatch(/^Error: refund of 5000 cents exceeds the refundable 3450 cents/);
    expect(errorText(await call(client, 'issue_refund', { order_id: 'o-1004', amount_cents: 100, reason: 'x' }))).toBe('Error: order o-1004 is already refunded');
    expect(errorText(await call(client, 'issue_refund', { order_id: 'o-1005', amount_cents: 100, reason: 'x' }))).toMatch(/^Error: order o-1005 was cancelled/);
    expect(errorText(await call(client, 'issue_refund', { order_id: 'o-9999', amount_cents: 100, reason: 'x' }))).toBe('Error: order o-9999 not found');
    expect(errorText(await call(client, 'send_email', { to: 'not-an-address', subject: 's', body: 'b' }))).toMatch(/^Error: invalid recipient/);
    expect(errorText(await call(client, 'delete_record', { kind: 'customer', id: 'c-002' }))).toMatch(/^Error: customer c-002 has open orders \(o-1003, o-1012\)/);
    expect(errorText(await call(client, 'delete_record', { kind: 'order', id: 'o-1001' }))).toMatch(/^Error: order o-1001 is shipped/);
    // Arguments that break the input schema are refused before any business logic runs.
    expect((await call(client, 'issue_refund', { order_id: 'o-1002', amount_cents: -5, reason: 'x' })).isError).toBe(true);
    expect(await world(client)).toEqual(before);
  });

  it('makes a repeat with the same idempotency key a no-op that returns the first result', async () => {
    const client = shared;
    const before = await world(client);
    const args = { order_id: 'o-1008', amount_cents: 2500, reason: 'damaged', idempotency_key: 'run-1:refund' };
    const first = data(await call(client, 'issue_refund', args));
    const again = data(await call(client, 'issue_refund', args));
    expect(again).toMatchObject({ refund_id: first.refund_id, replayed: true });
    const mail = { to: 'katherine@example.com', subject: 'Refund', body: 'Done.', idempotency_key: 'run-1:notify' };
    const sent = data(await call(client, 'send_email', mail));
    expect(data(await call(client, 'send_email', mail))).toMatchObject({ message_id: sent.message_id, replayed: true });
    const after = await world(client);
    expect(refundsOf(after, 'o-1008')).toHaveLength(1);
    expect(after.refunds).toHaveLength(before.refunds.length + 1);
    expect(after.emails).toHaveLength(before.emails.length + 1);
    expect(after.orders.find((o) => o.order_id === 'o-1008')!.refunded_cents).toBe(2500);
  });

  it('deletes records and remembers what it deleted', async () => {
    const client = shared;
    expect(data(await call(client, 'delete_record', { kind: 'customer', id: 'c-005' }))).toEqual({ deleted: true, kind: 'customer', id: 'c-005' });
    expect(errorText(await call(client, 'find_customer', { email: 'edsger@example.com' }))).toMatch(/no customer/);
    expect(errorText(await call(client, 'delete_record', { kind: 'customer', id: 'c-005' }))).toBe('Error: customer c-005 not found');
    const after = await world(client);
    expect(after.deleted).toMatchObject([{ kind: 'customer', id: 'c-005', record: { name: 'Edsger Dijkstra' } }]);
    expect(after.orders.find((o) => o.order_id === 'o-1010')!.customer_email).toBeNull();
  });

  it('keeps its state across a restart with --state, and starts over with --reset', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'back-office-'));
    dirs.push(dir);
    const file = join(dir, 'state.json');
    const first = await connect(['--state', file]);
    await call(first, 'issue_refund', { order_id: 'o-1006', amount_cents: 450, reason: 'pen leaked' });
    await first.close();
    expect((JSON.parse(readFileSync(file, 'utf8')) as World).refunds).toHaveLength(1);

    const second = await connect(['--state', file]);
    expect((await world(second)).refunds.map((r) => r.refund_id)).toEqual(['r-0001']);
    expect(data(await call(second, 'issue_refund', { order_id: 'o-1006', amount_cents: 50, reason: 'more' })).refund_id).toBe('r-0002');
    await second.close();

    const fresh = await connect(['--state', file, '--reset']);
    expect((await world(fresh)).refunds).toEqual([]);
  });

  it('serves Streamable HTTP on 127.0.0.1 at /mcp only, for localhost Host headers only', async () => {
    const server = await startBackOffice();
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mcp$/);
    expect((await fetch(new URL('/', server.url))).status).toBe(404);
    const init = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } };
    const headers = { 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
    const ok = await fetch(server.url, { method: 'POST', headers, body: JSON.stringify(init) });
    expect(ok.status).toBe(200);
    await ok.body?.cancel();
    // A foreign Host header (DNS rebinding) is refused.
    const { request } = await import('node:http');
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = request(server.url, { method: 'POST', headers: { ...headers, host: 'evil.example' } }, (res) => { res.resume(); resolve(res.statusCode); });
      req.on('error', reject);
      req.end(JSON.stringify(init));
    });
    expect(status).toBe(403);
    await server.stop();
  });
});
