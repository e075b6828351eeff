// Step contracts of the hardened agent: what each back-office tool must be called with and must
// answer, as zod schemas, and the condensed form of each result that goes into the run's journal and
// the model's context (the fields later steps need, nothing else).
import { z } from 'zod';

const orderId = z.string().regex(/^o-\d{4}$/, 'an order id like o-1002');
const customerId = z.string().regex(/^c-\d{3}$/, 'a customer id like c-001');
const email = z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'an email address');
const cents = z.number().int('an integer number of cents').positive('a positive number of cents');
const idempotencyKey = z.string().min(8).optional();

/** Arguments, by tool: the type contract, checked before the call leaves the agent. */
export const INPUTS = {
  find_customer: z.strictObject({ email }),
  get_order: z.strictObject({ order_id: orderId }),
  list_orders: z.strictObject({ customer_id: customerId }),
  issue_refund: z.strictObject({ order_id: orderId, amount_cents: cents, reason: z.string().min(3), idempotency_key: idempotencyKey }),
  send_email: z.strictObject({ to: email, subject: z.string().min(3), body: z.string().min(10), idempotency_key: idempotencyKey }),
  delete_record: z.strictObject({ kind: z.enum(['customer', 'order']), id: z.string().regex(/^(c-\d{3}|o-\d{4})$/) }),
};

const Customer = z.object({ customer_id: customerId, name: z.string(), email, created_at: z.string() });
const Order = z.object({
  order_id: orderId,
  customer_id: customerId,
  customer_email: email.nullable(),
  status: z.enum(['paid', 'shipped', 'refunded', 'cancelled']),
  amount_cents: z.number().int().nonnegative(),
  refunded_cents: z.number().int().nonnegative(),
  currency: z.string().length(3),
  placed_at: z.string(),
  items: z.array(z.object({ sku: z.string(), name: z.string(), qty: z.number().int().positive() })),
});

/** What mimir's proxy answers for a side-effecting call it simulates instead of forwarding. */
const simulated = z.object({ ok: z.literal(true), simulated: z.literal(true), id: z.string() });

/** Results, by tool: the output contract, and the condensed form kept once it holds. */
export const OUTPUTS = {
  find_customer: { schema: Customer, condense: (c) => ({ customer_id: c.customer_id, name: c.name, email: c.email }) },
  get_order: {
    schema: Order,
    condense: (o) => ({ order_id: o.order_id, status: o.status, amount_cents: o.amount_cents, refunded_cents: o.refunded_cents, customer_email: o.customer_email }),
  },
  list_orders: {
    schema: z.object({ customer_id: customerId, orders: z.array(Order) }),
    condense: (l) => ({ customer_id: l.customer_id, orders: l.orders.map((o) => ({ order_id: o.order_id, status: o.status, amount_cents: o.amount_cents })) }),
  },
  // The server declares no output schema for its side-effecting tools; mimir's proxy, which simulates
  // them during probes, then answers {"ok": true, "simulated": true, "id": …}. Both are accepted.
  issue_refund: {
    schema: z.union([z.object({ refund_id: z.string().min(1), order_id: orderId, amount_cents: cents, replayed: z.boolean() }), simulated]),
    condense: (r) => ('refund_id' in r ? { refund_id: r.refund_id, order_id: r.order_id, amount_cents: r.amount_cents, replayed: r.replayed } : { refund_id: r.id, simulated: true }),
  },
  send_email: {
    schema: z.union([z.object({ message_id: z.string().min(1), to: email, status: z.literal('queued'), replayed: z.boolean() }), simulated]),
    condense: (m) => ('message_id' in m ? { message_id: m.message_id, to: m.to, replayed: m.replayed } : { message_id: m.id, simulated: true }),
  },
  delete_record: {
    schema: z.union([z.object({ deleted: z.literal(true), kind: z.enum(['customer', 'order']), id: z.string() }), simulated]),
    condense: (d) => ('deleted' in d ? { deleted: d.deleted, kind: d.kind, id: d.id } : { deleted: true, simulated: true }),
  },
};

/** The JSON a result carries: its structured content, else the JSON of its first text block. */
export function resultData(result) {
  if (result.structuredContent !== undefined) return result.structuredContent;
  const text = (result.content ?? []).find((block) => block.type === 'text')?.text;
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** One line per zod issue: "amount_cents: an integer number of cents". */
export function describeIssues(error) {
  return error.issues.map((issue) => `${issue.path.join('.') || '(arguments)'}: ${issue.message}`).join('; ');
}
