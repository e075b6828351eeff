// The tasks the example agents take (MIMIR_TASK): structured back-office tickets, one per kind.
// The agent renders a ticket into the instruction the model reads; the model works from that text
// alone (it never sees the JSON). The hardened agent's plumbing also derives its plan from the
// ticket: which tools the task may use and which effects it must achieve.
import { z } from 'zod';

const orderId = z.string().regex(/^o-\d{4}$/, 'an order id like o-1002');
const email = z.string().min(3);

export const TaskSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('refund'),
    order_id: orderId,
    /** Absent: refund whatever is still refundable. */
    amount_cents: z.number().int().positive().optional(),
    reason: z.string().min(1),
    notify: z.boolean().default(true),
  }),
  z.object({ kind: z.literal('order-status'), order_id: orderId }),
  z.object({ kind: z.literal('open-orders'), email }),
  z.object({ kind: z.literal('notify'), order_id: orderId, message: z.string().min(1) }),
  z.object({ kind: z.literal('close-account'), email, confirm_by_email: z.boolean().default(true) }),
  z.object({ kind: z.literal('delete-order'), order_id: orderId }),
]);

/** Parses MIMIR_TASK; a task mimir.yaml names with an `id` keeps it. */
export function parseTask(value) {
  const raw = typeof value === 'string' ? JSON.parse(value) : value;
  const task = TaskSchema.parse(raw);
  return { ...task, ...(typeof raw?.id === 'string' && { id: raw.id }) };
}

export function dollars(cents) {
  return (cents / 100).toFixed(2);
}

/** The instruction the model reads: what a person would type into the ticket. */
export function renderInstruction(task) {
  switch (task.kind) {
    case 'refund': {
      const what = task.amount_cents === undefined ? `order ${task.order_id} in full` : `$${dollars(task.amount_cents)} of order ${task.order_id}`;
      return `Refund ${what} (reason: ${task.reason})${task.notify ? ', then email the customer to confirm the refund' : ''}.`;
    }
    case 'order-status':
      return `What is the status of order ${task.order_id}?`;
    case 'open-orders':
      return `List the open orders of ${task.email}.`;
    case 'notify':
      return `Email the customer of order ${task.order_id} this message: "${task.message}"`;
    case 'close-account':
      return `Close the account of ${task.email}: check their orders, delete the customer record${task.confirm_by_email ? ', then email them a confirmation' : ''}.`;
    case 'delete-order':
      return `Delete order ${task.order_id} from the records (it is cancelled or refunded).`;
  }
  throw new Error(`unknown task kind ${String(task.kind)}`);
}

/**
 * What the hardened plumbing allows and requires per task: the tools the task may call (anything
 * else is refused, whatever a tool result says) and the effects it must have achieved before the
 * run may claim success.
 */
export function planFor(task) {
  switch (task.kind) {
    case 'refund':
      return { tools: ['get_order', 'issue_refund', ...(task.notify ? ['send_email'] : [])], required: ['issue_refund', ...(task.notify ? ['send_email'] : [])], answers: false };
    case 'order-status':
      return { tools: ['get_order'], required: ['get_order'], answers: true };
    case 'open-orders':
      return { tools: ['find_customer', 'list_orders'], required: ['list_orders'], answers: true };
    case 'notify':
      return { tools: ['get_order', 'send_email'], required: ['send_email'], answers: false };
    case 'close-account':
      return { tools: ['find_customer', 'list_orders', 'delete_record', ...(task.confirm_by_email ? ['send_email'] : [])], required: ['delete_record', ...(task.confirm_by_email ? ['send_email'] : [])], answers: false };
    case 'delete-order':
      return { tools: ['get_order', 'delete_record'], required: ['delete_record'], answers: false };
  }
  throw new Error(`unknown task kind ${String(task.kind)}`);
}
