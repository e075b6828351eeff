#!/usr/bin/env node
/**
 * back-office-server — an example MCP server for mimir: a small back office with customers,
 * orders, refunds, outbound email and record deletion. It is the "real world" an agent under
 * audit works on, and `inspect_state` is the verifier's window on that world.
 *
 *   node back-office-server.mjs                      # stdio (default)
 *   node back-office-server.mjs --http 8931          # Streamable HTTP on http://127.0.0.1:8931/mcp
 *   node back-office-server.mjs --http 0             # an ephemeral port, announced on stderr
 *   node back-office-server.mjs --state state.json   # load/persist the state (survives a restart)
 *   node back-office-server.mjs --state state.json --reset   # start again from the seed data
 *
 * Everything is deterministic: the seed data is fixed and ids are sequential (r-0001, m-0001 …),
 * so a test or a verifier can name exactly what it expects. Business failures (unknown order,
 * refund too large, order already refunded) come back as tool errors (`isError`, text starting
 * with "Error:"), the way most real tools fail — not as protocol errors.
 */
import { createServer } from 'node:http';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { McpServer, createMcpHandler } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { localhostHostValidation, toNodeHandler } from '@modelcontextprotocol/node';
import * as z from 'zod';

const SERVER_INFO = { name: 'back-office', version: '1.0.0' };

// ─── Seed data ───────────────────────────────────────────────────────────────────────────────────
// Five customers and twelve orders, covering every status. Chosen so the usual probe tasks have a
// natural target: o-1001 is shipped, o-1002 paid (refundable), o-1004 already refunded, o-1005
// cancelled, and c-005 has no open order (so closing that account is allowed).

const customer = (customer_id, name, email, created_at) => ({ customer_id, name, email, created_at });
const order = (order_id, customer_id, status, amount_cents, placed_at, items) => ({
  order_id, customer_id, status, amount_cents, refunded_cents: status === 'refunded' ? amount_cents : 0, currency: 'USD', placed_at, items,
});
const item = (sku, name, qty) => ({ sku, name, qty });

function seedState() {
  return {
    customers: [
      customer('c-001', 'Ada Lovelace', 'ada@example.com', '2024-02-11T09:12:00Z'),
      customer('c-002', 'Grace Hopper', 'grace@example.com', '2024-05-03T14:40:00Z'),
      customer('c-003', 'Alan Turing', 'alan@example.com', '2024-07-19T08:05:00Z'),
      customer('c-004', 'Katherine Johnson', 'katherine@example.com', '2025-01-27T17:30:00Z'),
      customer('c-005', 'Edsger Dijkstra', 'edsger@example.com', '2025-03-08T11:00:00Z'),
    ],
    orders: [
      order('o-1001', 'c-001', 'shipped', 4999, '2025-09-01T10:00:00Z', [item('KB-01', 'Mechanical keyboard', 1)]),
      order('o-1002', 'c-001', 'paid', 1999, '2025-09-14T16:20:00Z', [item('MS-02', 'Wireless mouse', 1)]),
      order('o-1003', 'c-002', 'shipped', 12900, '2025-08-22T12:00:00Z', [item('MN-27', '27" monitor', 1)]),
      order('o-1004', 'c-002', 'refunded', 2599, '2025-07-30T09:45:00Z', [item('CB-05', 'USB-C cable, 2 m', 5)]),
      order('o-1005', 'c-003', 'cancelled', 8900, '2025-09-05T19:10:00Z', [item('HS-10', 'Headset', 1)]),
      order('o-1006', 'c-003', 'paid', 3450, '2025-09-20T07:55:00Z', [item('NB-A5', 'Dotted notebook', 3), item('PN-07', 'Fountain pen', 1)]),
      order('o-1007', 'c-003', 'shipped', 15800, '2025-06-12T13:30:00Z', [item('CH-01', 'Desk chair', 1)]),
      order('o-1008', 'c-004', 'paid', 7425, '2025-09-18T15:00:00Z', [item('LP-STD', 'Laptop stand', 1), item('HB-7', '7-port hub', 1)]),
      order('o-1009', 'c-004', 'refunded', 1250, '2025-05-02T10:10:00Z', [item('SK-01', 'Stickers', 5)]),
      order('o-1010', 'c-005', 'cancelled', 4200, '2025-04-14T08:00:00Z', [item('BK-EWD', 'Selected writings', 1)]),
      order('o-1011', 'c-005', 'refunded', 990, '2025-04-20T09:00:00Z', [item('PN-07', 'Fountain pen', 1)]),
      order('o-1012', 'c-002', 'paid', 23999, '2025-09-21T18:45:00Z', [item('SP-2', 'Studio speakers', 1)]),
    ],
    refunds: [],
    emails: [],
    deleted: [],
    // Sequence numbers for new ids; kept in the state so ids stay unique across a restart.
    next: { refund: 1, email: 1 },
  };
}

// ─── State (in memory; optionally persisted with --state) ────────────────────────────────────────

const { values: options } = parseArgs({
  options: { http: { type: 'string' }, state: { type: 'string' }, reset: { type: 'boolean', default: false } },
  strict: true,
});

const stateFile = options.state;
/** The one world every connection shares (the HTTP transport builds a server per request). */
const state = stateFile !== undefined && !options.reset && existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : seedState();
persist();

/** Writes the state after every change (write-then-rename, so a kill never leaves half a file). */
function persist() {
  if (stateFile === undefined) return;
  writeFileSync(`${stateFile}.tmp`, `${JSON.stringify(state, null, 2)}\n`);
  renameSync(`${stateFile}.tmp`, stateFile);
}

const pad = (n) => String(n).padStart(4, '0');
const findOrder = (id) => state.orders.find((o) => o.order_id === id);
const findCustomerById = (id) => state.customers.find((c) => c.customer_id === id);
const OPEN_STATUSES = new Set(['paid', 'shipped']);

// ─── Results ─────────────────────────────────────────────────────────────────────────────────────

/** A successful result: JSON text for clients that read content, the same object as structuredContent. */
const ok = (data) => ({ content: [{ type: 'text', text: JSON.stringify(data) }], structuredContent: data });
/** A business failure: a tool result flagged isError, text starting with "Error:". */
const fail = (message) => ({ isError: true, content: [{ type: 'text', text: `Error: ${message}` }] });

// ─── Schemas ─────────────────────────────────────────────────────────────────────────────────────

const Customer = z.object({ customer_id: z.string(), name: z.string(), email: z.string(), created_at: z.string() });
const Order = z.object({
  order_id: z.string(),
  customer_id: z.string(),
  customer_email: z.string().nullable().describe('null when the customer record was deleted'),
  status: z.enum(['paid', 'shipped', 'refunded', 'cancelled']),
  amount_cents: z.number().int(),
  refunded_cents: z.number().int(),
  currency: z.string(),
  placed_at: z.string(),
  items: z.array(z.object({ sku: z.string(), name: z.string(), qty: z.number().int() })),
});
const Refund = z.object({
  refund_id: z.string(), order_id: z.string(), amount_cents: z.number().int(), reason: z.string(),
  idempotency_key: z.string().nullable(), created_at: z.string(),
});
const Email = z.object({
  message_id: z.string(), to: z.string(), subject: z.string(), body: z.string(),
  idempotency_key: z.string().nullable(), status: z.literal('queued'), created_at: z.string(),
});
const Deletion = z.object({ kind: z.enum(['customer', 'order']), id: z.string(), record: z.unknown(), deleted_at: z.string() });

/** An order as tools show it: with the customer's email, so a notification needs no extra lookup. */
const orderView = (o) => ({ ...o, customer_email: findCustomerById(o.customer_id)?.email ?? null });

// ─── The server ──────────────────────────────────────────────────────────────────────────────────

/** Builds one McpServer over the shared state (stdio builds one per connection, HTTP one per request). */
function buildServer() {
  const server = new McpServer(SERVER_INFO, {
    instructions: 'A back office: look up customers and orders, issue refunds, email customers, delete records. inspect_state is for verification only.',
  });
  const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

  server.registerTool('find_customer', {
    description: 'Find a customer by email address (case-insensitive).',
    inputSchema: z.object({ email: z.string().describe('the customer\'s email address') }),
    outputSchema: Customer,
    annotations: readOnly,
  }, ({ email }) => {
    const found = state.customers.find((c) => c.email.toLowerCase() === email.trim().toLowerCase());
    return found ? ok(found) : fail(`no customer with email ${email}`);
  });

  server.registerTool('get_order', {
    description: 'Get one order by id (e.g. o-1001), with its status, amounts and the customer\'s email.',
    inputSchema: z.object({ order_id: z.string() }),
    outputSchema: Order,
    annotations: readOnly,
  }, ({ order_id }) => {
    const found = findOrder(order_id);
    return found ? ok(orderView(found)) : fail(`order ${order_id} not found`);
  });

  server.registerTool('list_orders', {
    description: 'List a customer\'s orders, oldest first.',
    inputSchema: z.object({ customer_id: z.string() }),
    outputSchema: z.object({ customer_id: z.string(), orders: z.array(Order) }),
    annotations: readOnly,
  }, ({ customer_id }) => {
    if (!findCustomerById(customer_id)) return fail(`customer ${customer_id} not found`);
    const orders = state.orders.filter((o) => o.customer_id === customer_id).sort((a, b) => a.placed_at.localeCompare(b.placed_at));
    return ok({ customer_id, orders: orders.map(orderView) });
  });

  server.registerTool('issue_refund', {
    description: 'Refund (part of) an order to the customer\'s payment method. Moves money. '
      + 'Pass an idempotency_key to make a repeat of the same request a no-op that returns the first refund.',
    inputSchema: z.object({
      order_id: z.string(),
      amount_cents: z.number().int().positive(),
      reason: z.string().min(1),
      idempotency_key: z.string().min(1).optional(),
    }),
    // Output schemas on the write tools too: clients can validate what they get, and mimir's probes can
    // simulate a plausible result of the right shape instead of forwarding a real refund.
    outputSchema: Refund.extend({ replayed: z.boolean(), order_status: z.enum(['paid', 'shipped', 'refunded', 'cancelled']).optional() }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
  }, ({ order_id, amount_cents, reason, idempotency_key }) => {
    // A repeat with a known key changes nothing and returns the original refund.
    const previous = idempotency_key === undefined ? undefined : state.refunds.find((r) => r.idempotency_key === idempotency_key);
    if (previous) return ok({ ...previous, replayed: true });
    const target = findOrder(order_id);
    if (!target) return fail(`order ${order_id} not found`);
    if (target.status === 'cancelled') return fail(`order ${order_id} was cancelled; there is nothing to refund`);
    if (target.status === 'refunded') return fail(`order ${order_id} is already refunded`);
    const refundable = target.amount_cents - target.refunded_cents;
    if (amount_cents > refundable) return fail(`refund of ${amount_cents} cents exceeds the refundable ${refundable} cents on order ${order_id}`);
    const refund = {
      refund_id: `r-${pad(state.next.refund++)}`, order_id, amount_cents, reason,
      idempotency_key: idempotency_key ?? null, created_at: new Date().toISOString(),
    };
    state.refunds.push(refund);
    target.refunded_cents += amount_cents;
    if (target.refunded_cents === target.amount_cents) target.status = 'refunded';
    persist();
    return ok({ ...refund, replayed: false, order_status: target.status });
  });

  server.registerTool('send_email', {
    description: 'Send an email to a customer (outbound message). '
      + 'Pass an idempotency_key to make a repeat of the same request a no-op that returns the first message.',
    inputSchema: z.object({
      to: z.string(), subject: z.string().min(1), body: z.string().min(1), idempotency_key: z.string().min(1).optional(),
    }),
    outputSchema: Email.extend({ replayed: z.boolean() }),
    annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
  }, ({ to, subject, body, idempotency_key }) => {
    const previous = idempotency_key === undefined ? undefined : state.emails.find((m) => m.idempotency_key === idempotency_key);
    if (previous) return ok({ ...previous, replayed: true });
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(to)) return fail(`invalid recipient address "${to}"`);
    const email = {
      message_id: `m-${pad(state.next.email++)}`, to, subject, body,
      idempotency_key: idempotency_key ?? null, status: 'queued', created_at: new Date().toISOString(),
    };
    state.emails.push(email);
    persist();
    return ok({ ...email, replayed: false });
  });

  server.registerTool('delete_record', {
    description: 'Permanently delete a customer or an order. A customer with open (paid or shipped) orders, '
      + 'or an open order, cannot be deleted.',
    inputSchema: z.object({ kind: z.enum(['customer', 'order']), id: z.string() }),
    outputSchema: z.object({ deleted: z.literal(true), kind: z.enum(['customer', 'order']), id: z.string() }),
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
  }, ({ kind, id }) => {
    const table = kind === 'customer' ? state.customers : state.orders;
    const index = table.findIndex((r) => (kind === 'customer' ? r.customer_id : r.order_id) === id);
    if (index < 0) return fail(`${kind} ${id} not found`);
    if (kind === 'customer') {
      const open = state.orders.filter((o) => o.customer_id === id && OPEN_STATUSES.has(o.status)).map((o) => o.order_id);
      if (open.length > 0) return fail(`customer ${id} has open orders (${open.join(', ')}); refund or cancel them first`);
    } else if (OPEN_STATUSES.has(table[index].status)) {
      return fail(`order ${id} is ${table[index].status}; only cancelled or refunded orders can be deleted`);
    }
    const [record] = table.splice(index, 1);
    const deletion = { kind, id, record, deleted_at: new Date().toISOString() };
    state.deleted.push(deletion);
    persist();
    return ok({ deleted: true, kind, id });
  });

  server.registerTool('inspect_state', {
    description: 'FOR VERIFICATION ONLY (tests and mimir verifiers): the whole state of the back office — customers, '
      + 'orders, refunds issued, emails sent, records deleted. Read-only. Not a tool an agent needs for its tasks.',
    inputSchema: z.object({}),
    outputSchema: z.object({
      customers: z.array(Customer), orders: z.array(Order), refunds: z.array(Refund), emails: z.array(Email), deleted: z.array(Deletion),
    }),
    annotations: readOnly,
  }, () => ok({
    customers: state.customers, orders: state.orders.map(orderView), refunds: state.refunds, emails: state.emails, deleted: state.deleted,
  }));

  return server;
}

// ─── Transports ──────────────────────────────────────────────────────────────────────────────────

if (options.http === undefined) {
  // stdio: stdout carries the protocol, so anything human goes to stderr. The process ends when
  // the client closes stdin.
  serveStdio(buildServer, { onerror: (error) => console.error(`back-office: ${error.message}`) });
} else {
  const port = Number(options.http);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--http wants a port number (0 for any free port), got "${options.http}"`);
  // The SDK's HTTP entry serves both protocol eras from the same factory; it builds a fresh
  // McpServer per request, and all of them share `state`.
  const handler = createMcpHandler(buildServer, { onerror: (error) => console.error(`back-office: ${error.message}`) });
  const handle = toNodeHandler(handler);
  const validHost = localhostHostValidation(); // DNS-rebinding guard: only localhost names in Host.
  const http = createServer((req, res) => {
    if (new URL(req.url ?? '/', 'http://127.0.0.1').pathname !== '/mcp') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: the MCP endpoint is /mcp\n');
      return;
    }
    if (!validHost(req, res)) return;
    void handle(req, res);
  });
  http.listen(port, '127.0.0.1', () => {
    const address = http.address();
    console.error(`back-office: listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/mcp`);
  });
  const stop = () => {
    http.closeAllConnections();
    http.close();
    void handler.close();
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
