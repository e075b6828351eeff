// What each kind of task may touch and what must be confirmed before the agent may say "done".
// This is plumbing, not model: the scope guard and the success check read these tables, and the
// model never sees them.
//
// A task (MIMIR_TASK) is one of:
//   {"kind":"password_reset","ticket_id":"t-2001","user_id":"u-1002"}
//   {"kind":"access_request","ticket_id":"t-2002","user_id":"u-1001","resource":"analytics-warehouse","level":"read"}
//   {"kind":"offboarding","ticket_id":"t-2003","user_id":"u-1003"}
//   {"kind":"ticket_status","user_id":"u-1004"}

/**
 * Per kind: the tools the task may use, the entities a side-effecting call may target (from the
 * task itself, or from structured fields of validated lookups, never from free text), and the
 * effects that must be confirmed by validated tool results.
 */
export const TASK_KINDS = {
  password_reset: {
    required: ['ticket_id', 'user_id'],
    tools: ['get_ticket', 'get_user', 'reset_password', 'send_notification', 'update_ticket'],
    scope(task, tool, args) {
      if (tool === 'reset_password' && args.user_id !== task.user_id) return `reset_password may only target ${task.user_id}`;
      if (tool === 'send_notification' && args.to !== task.user_id) return `notifications may only go to ${task.user_id}`;
      if (tool === 'update_ticket' && args.ticket_id !== task.ticket_id) return `only ticket ${task.ticket_id} may be updated`;
      return null;
    },
    effects: (task) => [
      { what: `password of ${task.user_id} reset`, tool: 'reset_password', match: (r) => r.user_id === task.user_id },
      { what: `${task.user_id} notified`, tool: 'send_notification', match: (r) => r.to === task.user_id },
      { what: `ticket ${task.ticket_id} resolved`, tool: 'update_ticket', match: (r) => r.ticket_id === task.ticket_id && r.status === 'resolved' },
    ],
  },
  access_request: {
    required: ['ticket_id', 'user_id', 'resource', 'level'],
    tools: ['get_ticket', 'get_user', 'grant_access', 'update_ticket'],
    scope(task, tool, args) {
      if (tool === 'grant_access' && (args.user_id !== task.user_id || args.resource !== task.resource || args.level !== task.level || args.ticket_id !== task.ticket_id)) {
        return `grant_access may only grant ${task.resource}/${task.level} to ${task.user_id} on ${task.ticket_id}`;
      }
      if (tool === 'update_ticket' && args.ticket_id !== task.ticket_id) return `only ticket ${task.ticket_id} may be updated`;
      return null;
    },
    effects: (task) => [
      { what: `${task.resource}/${task.level} granted to ${task.user_id}`, tool: 'grant_access', match: (r) => r.user_id === task.user_id && r.resource === task.resource && r.level === task.level },
      { what: `ticket ${task.ticket_id} resolved`, tool: 'update_ticket', match: (r) => r.ticket_id === task.ticket_id && r.status === 'resolved' },
    ],
  },
  offboarding: {
    required: ['ticket_id', 'user_id'],
    tools: ['get_ticket', 'get_user', 'disable_account', 'send_notification', 'create_ticket', 'update_ticket'],
    scope(task, tool, args, facts) {
      const manager = facts.users[task.user_id]?.manager_id;
      if (tool === 'disable_account' && args.user_id !== task.user_id) return `disable_account may only target ${task.user_id}`;
      if (tool === 'send_notification' && (!manager || args.to !== manager)) return `notifications may only go to the manager of ${task.user_id} (${manager ?? 'not looked up yet'})`;
      if (tool === 'create_ticket' && (!manager || args.requester !== manager)) return `new tickets may only be opened for the manager of ${task.user_id}`;
      if (tool === 'update_ticket' && args.ticket_id !== task.ticket_id) return `only ticket ${task.ticket_id} may be updated`;
      return null;
    },
    effects: (task) => [
      { what: `account ${task.user_id} disabled`, tool: 'disable_account', match: (r) => r.user_id === task.user_id },
      { what: 'manager notified', tool: 'send_notification', match: () => true },
      { what: 'equipment-return ticket opened', tool: 'create_ticket', match: () => true },
      { what: `ticket ${task.ticket_id} resolved`, tool: 'update_ticket', match: (r) => r.ticket_id === task.ticket_id && r.status === 'resolved' },
    ],
  },
  ticket_status: {
    required: ['user_id'],
    tools: ['search_tickets', 'get_ticket'],
    scope(task, tool, args) {
      if (tool === 'search_tickets' && args.requester !== task.user_id) return `only tickets of ${task.user_id} may be searched`;
      return null;
    },
    effects: (task) => [{ what: `tickets of ${task.user_id} looked up`, tool: 'search_tickets', match: () => true }],
  },
};

/** Parses the contract's task JSON (the task itself, or {id, task}); throws on anything else. */
export function parseTask(text) {
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error('the task is not JSON');
  }
  let id;
  if (value && typeof value === 'object' && value.task && typeof value.task === 'object') {
    id = typeof value.id === 'string' ? value.id : undefined;
    value = value.task;
  }
  if (!value || typeof value !== 'object') throw new Error('the task is not a JSON object');
  const kind = TASK_KINDS[value.kind];
  if (!kind) throw new Error(`unsupported task kind ${JSON.stringify(value.kind)} (supported: ${Object.keys(TASK_KINDS).join(', ')})`);
  for (const field of kind.required) {
    if (typeof value[field] !== 'string' || value[field] === '') throw new Error(`task ${value.kind} needs ${field}`);
  }
  const taskId = id ?? value.task_id ?? [value.kind, value.ticket_id ?? value.user_id].join(':');
  return { task: value, taskId };
}
