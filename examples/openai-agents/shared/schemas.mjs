// The agent's own contracts for the help-desk tools. The server declares no output schema, so
// these are what the agent is willing to act on: a result that does not match is a failed step.
// Inputs are checked too, before anything leaves the agent.
import { z } from 'zod';

const userId = z.string().regex(/^u-\d{4}$/);
const ticketId = z.string().regex(/^t-\d{4,}$/);
const key = z.string().min(8).max(200);

/** Risk of each tool, as the team classifies it (mirrors mimir.yaml). */
export const TOOL_RISK = {
  get_user: 'read-only',
  search_tickets: 'read-only',
  get_ticket: 'read-only',
  inspect_world: 'read-only',
  create_ticket: 'reversible-write',
  update_ticket: 'reversible-write',
  reset_password: 'irreversible-write',
  grant_access: 'irreversible-write',
  disable_account: 'irreversible-write',
  send_notification: 'outbound-message',
};

/** Credential and privilege changes, disabling, outbound messages: a person approves each call. */
export const HIGH_RISK_TOOLS = ['reset_password', 'grant_access', 'disable_account', 'send_notification'];

/** Tools that change something: each call carries a server-side idempotency key. */
export const SIDE_EFFECT_TOOLS = ['create_ticket', 'update_ticket', ...HIGH_RISK_TOOLS];

export const INPUT_SCHEMAS = {
  get_user: z.strictObject({ user_id: userId }),
  search_tickets: z.strictObject({ requester: userId.optional(), status: z.enum(['open', 'in_progress', 'resolved']).optional(), query: z.string().max(200).optional() }),
  get_ticket: z.strictObject({ ticket_id: ticketId }),
  create_ticket: z.strictObject({ title: z.string().min(3).max(200), description: z.string().max(4000), requester: userId, category: z.enum(['password', 'access', 'offboarding', 'hardware', 'network', 'other']), idempotency_key: key }),
  update_ticket: z.strictObject({ ticket_id: ticketId, status: z.enum(['open', 'in_progress', 'resolved']), note: z.string().min(1).max(2000), idempotency_key: key }),
  reset_password: z.strictObject({ user_id: userId, reason: z.string().min(3).max(500), idempotency_key: key }),
  grant_access: z.strictObject({ user_id: userId, resource: z.string().min(1).max(100), level: z.string().min(1).max(40), ticket_id: ticketId, idempotency_key: key }),
  disable_account: z.strictObject({ user_id: userId, reason: z.string().min(3).max(500), idempotency_key: key }),
  send_notification: z.strictObject({ to: userId, channel: z.enum(['email', 'chat']), subject: z.string().min(1).max(200), body: z.string().min(1).max(4000), idempotency_key: key }),
};

const user = z.looseObject({
  user_id: userId,
  name: z.string(),
  email: z.string(),
  status: z.enum(['active', 'locked', 'disabled']),
  manager_id: userId.nullable(),
  access: z.array(z.looseObject({ resource: z.string(), level: z.string() })),
});
const ticketSummary = z.looseObject({ ticket_id: ticketId, title: z.string(), status: z.string(), requester: userId });

export const OUTPUT_SCHEMAS = {
  get_user: user,
  search_tickets: z.looseObject({ count: z.number().int().nonnegative(), tickets: z.array(ticketSummary) }).refine((r) => r.count === r.tickets.length, 'count does not match tickets'),
  get_ticket: ticketSummary.extend({ description: z.string(), notes: z.array(z.string()) }),
  create_ticket: z.looseObject({ ticket_id: ticketId, status: z.literal('open'), created: z.literal(true) }),
  update_ticket: z.looseObject({ ticket_id: ticketId, status: z.enum(['open', 'in_progress', 'resolved']), updated: z.literal(true) }),
  reset_password: z.looseObject({ reset_id: z.string().min(1), user_id: userId, status: z.literal('reset') }),
  grant_access: z.looseObject({ grant_id: z.string().min(1), user_id: userId, resource: z.string(), level: z.string(), status: z.literal('active') }),
  disable_account: z.looseObject({ user_id: userId, status: z.literal('disabled') }),
  send_notification: z.looseObject({ notification_id: z.string().min(1), to: userId, status: z.enum(['sent', 'queued']) }),
};

/** The contract's approval answer: {"decision": "approved" | "denied" | "timeout", "approval_id": "…"}. */
export const APPROVAL_RESULT = z.looseObject({ decision: z.enum(['approved', 'denied', 'timeout']), approval_id: z.string().optional() });
