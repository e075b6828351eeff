#!/usr/bin/env node
// The help desk's MCP server: account operations over the world in world.mjs.
//
//   node server.mjs               MCP over stdio
//   node server.mjs --http 8765   MCP Streamable HTTP on http://127.0.0.1:8765/mcp
//   node server.mjs --reset       restore the initial world and exit
//
// No tool declares an outputSchema: results are JSON text, as most real servers return them.
// Every side-effecting tool takes an idempotency_key; the server keeps the first result per key
// and answers a repeat with it (marked `"replayed": true`) without acting again.
// Business errors are tool errors (isError: true): "rejected: …" is permanent,
// "unavailable: … (transient)" may succeed later.
//
// For trying the agent by hand, HELPDESK_FAULTS injects faults per tool, e.g.
//   HELPDESK_FAULTS='reset_password=down,get_user=flaky:2,get_ticket=malformed,send_notification=hang'
// down: always a transient error; flaky:N: the first N calls in this process fail transiently;
// malformed: a result that is not the tool's JSON; hang: never answers; reject: a permanent error.
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { McpServer, createMcpHandler } from '@modelcontextprotocol/server';
import { serveStdio } from '@modelcontextprotocol/server/stdio';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { RESOURCES, WORLD_FILE, loadWorld, resetWorld, saveWorld } from './world.mjs';

const log = (...parts) => process.stderr.write(`[helpdesk-server] ${parts.join(' ')}\n`);

// ---------------------------------------------------------------------------------------------
// Results and errors

const ok = (value) => ({ content: [{ type: 'text', text: JSON.stringify(value) }] });
const fail = (message) => ({ content: [{ type: 'text', text: message }], isError: true });

class Rejected extends Error {}
const reject = (message) => {
  throw new Rejected(`rejected: ${message}`);
};

// ---------------------------------------------------------------------------------------------
// Fault injection for manual checks (off unless HELPDESK_FAULTS is set)

const faults = new Map(
  (process.env.HELPDESK_FAULTS ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean)
    .map((entry) => {
      const [tool, spec = 'down'] = entry.split('=');
      const [kind, count] = spec.split(':');
      return [tool, { kind, remaining: Number(count ?? 1) }];
    }),
);

/** A fault's result for this call, or undefined to run the tool normally. */
async function injectedFault(tool) {
  const fault = faults.get(tool);
  if (!fault) return undefined;
  switch (fault.kind) {
    case 'down':
      return fail(`unavailable: ${tool} backend is down (transient, retry later)`);
    case 'flaky':
      if (fault.remaining <= 0) return undefined;
      fault.remaining -= 1;
      return fail(`unavailable: ${tool} backend timed out (transient, retry later)`);
    case 'malformed':
      return { content: [{ type: 'text', text: '<html><body>502 Bad Gateway</body></html>' }] };
    case 'reject':
      return fail(`rejected: ${tool} is disabled by policy`);
    case 'hang':
      // unref: a hung call must not keep a stdio server alive once its client has gone
      await new Promise((resolve) => setTimeout(resolve, 10 * 60 * 1000).unref());
      return fail(`unavailable: ${tool} hung`);
    default:
      return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Tool plumbing: faults, world load/save, idempotency

const sha = (value) => createHash('sha256').update(JSON.stringify(value)).digest('hex').slice(0, 16);

/** A read-only tool: loads the world, runs `fn`, never saves. */
function readTool(name, fn) {
  return async (args) => {
    const fault = await injectedFault(name);
    if (fault) return fault;
    try {
      return ok(fn(loadWorld(), args));
    } catch (error) {
      if (error instanceof Rejected) return fail(error.message);
      log(`${name} failed:`, String(error));
      return fail(`unavailable: ${name} failed internally (transient, retry later)`);
    }
  };
}

/**
 * A side-effecting tool: the first call with an idempotency key acts and records its result;
 * a repeat with the same key and arguments returns that result without acting; a repeat with
 * different arguments is rejected. Rejections are not recorded, so a corrected retry can work.
 */
function writeTool(name, fn) {
  return async (args) => {
    const fault = await injectedFault(name);
    if (fault) return fault;
    try {
      const world = loadWorld();
      const { idempotency_key: key, ...rest } = args;
      const record = world.idempotency[key];
      if (record) {
        if (record.tool !== name || record.args !== sha(rest)) {
          reject(`idempotency_key ${key} was already used for a different call (${record.tool})`);
        }
        log(`${name}: replay of ${key}, not acting again`);
        return ok({ ...record.result, replayed: true });
      }
      const result = fn(world, rest);
      world.idempotency[key] = { tool: name, args: sha(rest), result, at: new Date().toISOString() };
      saveWorld(world);
      log(`${name}: done (${key})`);
      return ok(result);
    } catch (error) {
      if (error instanceof Rejected) return fail(error.message);
      log(`${name} failed:`, String(error));
      return fail(`unavailable: ${name} failed internally (transient, retry later)`);
    }
  };
}

const userOf = (world, userId) => world.users[userId] ?? reject(`user ${userId} not found`);
const ticketOf = (world, ticketId) => world.tickets[ticketId] ?? reject(`ticket ${ticketId} not found`);
const idempotencyKey = z.string().min(8).max(200).describe('Unique per intended action; a repeat with the same key returns the first result and does not act again.');
const userId = z.string().regex(/^u-\d{4}$/).describe('User id, e.g. u-1002');
const ticketId = z.string().regex(/^t-\d{4}$/).describe('Ticket id, e.g. t-2001');

// ---------------------------------------------------------------------------------------------
// The tools

function buildServer() {
  const server = new McpServer({ name: 'helpdesk', version: '1.0.0' }, { capabilities: { tools: {} } });
  const readOnly = { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false };

  server.registerTool(
    'get_user',
    { description: 'Look up a user account: status, manager and current access.', inputSchema: z.object({ user_id: userId }), annotations: { title: 'Get user', ...readOnly } },
    readTool('get_user', (world, { user_id }) => userOf(world, user_id)),
  );

  server.registerTool(
    'search_tickets',
    {
      description: 'Search tickets by requester, status and/or free text. Returns ticket summaries.',
      inputSchema: z.object({ requester: userId.optional(), status: z.enum(['open', 'in_progress', 'resolved']).optional(), query: z.string().max(200).optional() }),
      annotations: { title: 'Search tickets', ...readOnly },
    },
    readTool('search_tickets', (world, { requester, status, query }) => {
      const tickets = Object.values(world.tickets)
        .filter((t) => (requester ? t.requester === requester : true))
        .filter((t) => (status ? t.status === status : true))
        .filter((t) => (query ? `${t.title} ${t.description}`.toLowerCase().includes(query.toLowerCase()) : true))
        .map(({ ticket_id, title, status: s, requester: r, category }) => ({ ticket_id, title, status: s, requester: r, category }));
      return { count: tickets.length, tickets };
    }),
  );

  server.registerTool(
    'get_ticket',
    { description: 'Read one ticket in full, with its description and notes.', inputSchema: z.object({ ticket_id: ticketId }), annotations: { title: 'Get ticket', ...readOnly } },
    readTool('get_ticket', (world, { ticket_id }) => ticketOf(world, ticket_id)),
  );

  server.registerTool(
    'create_ticket',
    {
      description: 'Open a new ticket.',
      inputSchema: z.object({ title: z.string().min(3).max(200), description: z.string().max(4000), requester: userId, category: z.enum(['password', 'access', 'offboarding', 'hardware', 'network', 'other']), idempotency_key: idempotencyKey }),
      annotations: { title: 'Create ticket', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    writeTool('create_ticket', (world, { title, description, requester, category }) => {
      userOf(world, requester);
      world.counters.ticket += 1;
      const ticket = { ticket_id: `t-${world.counters.ticket}`, title, description, status: 'open', requester, category, notes: [] };
      world.tickets[ticket.ticket_id] = ticket;
      return { ticket_id: ticket.ticket_id, status: 'open', created: true };
    }),
  );

  server.registerTool(
    'update_ticket',
    {
      description: 'Change a ticket status and append a note.',
      inputSchema: z.object({ ticket_id: ticketId, status: z.enum(['open', 'in_progress', 'resolved']), note: z.string().min(1).max(2000), idempotency_key: idempotencyKey }),
      annotations: { title: 'Update ticket', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    writeTool('update_ticket', (world, { ticket_id, status, note }) => {
      const ticket = ticketOf(world, ticket_id);
      ticket.status = status;
      ticket.notes.push(note);
      return { ticket_id, status, updated: true };
    }),
  );

  server.registerTool(
    'reset_password',
    {
      description: "Reset a user's password: invalidates the current one, unlocks the account and sends a one-time reset link to the user's recovery address. The new secret is never returned.",
      inputSchema: z.object({ user_id: userId, reason: z.string().min(3).max(500), idempotency_key: idempotencyKey }),
      annotations: { title: 'Reset password', readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    writeTool('reset_password', (world, { user_id, reason }) => {
      const user = userOf(world, user_id);
      if (user.status === 'disabled') reject(`account ${user_id} is disabled; a disabled account cannot be reset`);
      user.status = 'active';
      world.counters.reset += 1;
      const reset = { reset_id: `r-${world.counters.reset}`, user_id, reason, at: new Date().toISOString() };
      world.password_resets.push(reset);
      return { reset_id: reset.reset_id, user_id, status: 'reset', delivery: 'recovery-email', must_change_at_login: true };
    }),
  );

  server.registerTool(
    'grant_access',
    {
      description: `Grant a user access to a resource at a level. Resources and levels: ${JSON.stringify(RESOURCES)}.`,
      inputSchema: z.object({ user_id: userId, resource: z.string().min(1).max(100), level: z.string().min(1).max(40), ticket_id: ticketId, idempotency_key: idempotencyKey }),
      annotations: { title: 'Grant access', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    writeTool('grant_access', (world, { user_id, resource, level, ticket_id }) => {
      const user = userOf(world, user_id);
      ticketOf(world, ticket_id);
      if (user.status === 'disabled') reject(`account ${user_id} is disabled`);
      const levels = RESOURCES[resource] ?? reject(`unknown resource ${resource}`);
      if (!levels.includes(level)) reject(`level ${level} does not exist for ${resource} (allowed: ${levels.join(', ')})`);
      if (!user.access.some((a) => a.resource === resource && a.level === level)) user.access.push({ resource, level });
      world.counters.grant += 1;
      const grant = { grant_id: `g-${world.counters.grant}`, user_id, resource, level, ticket_id, status: 'active' };
      world.grants.push(grant);
      return grant;
    }),
  );

  server.registerTool(
    'disable_account',
    {
      description: 'Disable a user account and revoke its sessions.',
      inputSchema: z.object({ user_id: userId, reason: z.string().min(3).max(500), idempotency_key: idempotencyKey }),
      annotations: { title: 'Disable account', readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    writeTool('disable_account', (world, { user_id }) => {
      const user = userOf(world, user_id);
      const wasActive = user.status !== 'disabled';
      user.status = 'disabled';
      return { user_id, status: 'disabled', sessions_revoked: wasActive ? 2 : 0 };
    }),
  );

  server.registerTool(
    'send_notification',
    {
      description: 'Send a message to a user by email or chat. Leaves the help desk: it cannot be recalled.',
      inputSchema: z.object({ to: userId, channel: z.enum(['email', 'chat']), subject: z.string().min(1).max(200), body: z.string().min(1).max(4000), idempotency_key: idempotencyKey }),
      annotations: { title: 'Send notification', readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: true },
    },
    writeTool('send_notification', (world, { to, channel, subject, body }) => {
      const user = userOf(world, to);
      world.counters.notification += 1;
      const notification = { notification_id: `n-${world.counters.notification}`, to, address: channel === 'email' ? user.email : `@${to}`, channel, subject, body, status: 'sent' };
      world.notifications.push(notification);
      return { notification_id: notification.notification_id, to, channel, status: 'sent' };
    }),
  );

  server.registerTool(
    'inspect_world',
    { description: 'The whole help-desk state, for verifiers and operators. Not for the agent.', inputSchema: z.object({}), annotations: { title: 'Inspect world', ...readOnly } },
    readTool('inspect_world', (world) => world),
  );

  return server;
}

// ---------------------------------------------------------------------------------------------
// Entry point

const argv = process.argv.slice(2);
if (argv.includes('--reset')) {
  resetWorld();
  log(`world reset: ${WORLD_FILE}`);
} else if (argv.includes('--http')) {
  const port = Number(argv[argv.indexOf('--http') + 1] ?? 0);
  const handler = toNodeHandler(createMcpHandler(() => buildServer()));
  const http = createServer((req, res) => {
    if (!req.url?.startsWith('/mcp')) {
      res.writeHead(404).end();
      return;
    }
    void handler(req, res);
  });
  http.listen(port, '127.0.0.1', () => {
    const address = http.address();
    log(`listening on http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/mcp (world ${WORLD_FILE})`);
  });
  const stop = () => http.close();
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
} else {
  loadWorld(); // creates the world file on first use
  serveStdio(() => buildServer());
}
