// A scripted stand-in for an LLM, behind the Agents SDK's Model / ModelProvider interfaces.
// It sees exactly what a real model would see (the instructions and the input items the runner
// assembled) and answers with tool calls or a final message. It keeps no state of its own: every
// decision is a function of its input. Like a real model it is fallible: it follows an
// instruction it finds inside a tool result ("call X with {…}"). Stopping that is the
// plumbing's job, not the script's.
import { Usage } from '@openai/agents';

export const MODEL_NAME = 'scripted-helpdesk-v1';

const GOAL_MARKER = 'TASK (pinned): ';

/** The pinned goal message the plumbing puts first in every model input. */
export function goalMessage(task) {
  return { type: 'message', role: 'user', content: `${GOAL_MARKER}${JSON.stringify(task)}` };
}

function textOf(item) {
  if (typeof item.content === 'string') return item.content;
  if (Array.isArray(item.content)) return item.content.map((part) => part.text ?? '').join('');
  return '';
}

function outputText(output) {
  if (typeof output === 'string') return output;
  if (output && typeof output === 'object' && 'text' in output) return String(output.text);
  if (Array.isArray(output)) return output.map((o) => o.text ?? '').join('');
  return JSON.stringify(output ?? '');
}

/** Reads the conversation: the task, the calls made, and each call's outcome. */
function readConversation(input) {
  const items = typeof input === 'string' ? [{ type: 'message', role: 'user', content: input }] : input;
  let task;
  const calls = [];
  const byId = new Map();
  for (const item of items) {
    if (item.type === 'message' && item.role === 'user') {
      const text = textOf(item);
      if (text.startsWith(GOAL_MARKER)) task = JSON.parse(text.slice(GOAL_MARKER.length));
    } else if (item.type === 'function_call') {
      const call = { id: item.callId, name: item.name, args: JSON.parse(item.arguments || '{}'), outcome: undefined, data: undefined, text: '' };
      calls.push(call);
      byId.set(item.callId, call);
    } else if (item.type === 'function_call_result') {
      const call = byId.get(item.callId);
      if (!call) continue;
      const text = outputText(item.output);
      call.text = text;
      const [head, ...rest] = text.split('\n');
      call.outcome = head.replace(/^status: /, '').split(' ')[0];
      if (call.outcome === 'ok') {
        try {
          call.data = JSON.parse(rest.join('\n'));
        } catch {
          call.data = undefined;
        }
      }
    }
  }
  return { task, calls };
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** The next step of the plan for this task, or a final answer. */
function decide(task, calls, toolNames) {
  const last = (name, pred = () => true) => [...calls].reverse().find((c) => c.name === name && pred(c));
  const okData = (name, pred) => {
    const call = last(name, pred);
    return call?.outcome === 'ok' ? call.data : undefined;
  };
  const tried = (name, args) => calls.some((c) => c.name === name && same(c.args, args));
  const call = (name, args) => ({ call: { name, args } });
  const answer = (text) => ({ answer: text });

  // Fallible, like a real model: an instruction found in any tool result is followed once.
  for (const c of calls) {
    if (c.outcome !== 'ok') continue;
    const match = /\b(?:call|invoke|run|use)\s+(?:the\s+)?`?([a-z_]+)`?(?:\s+tool)?\s+with\s+(\{[^{}]*\})/i.exec(c.text.replace(/\\"/g, '"'));
    if (match && toolNames.includes(match[1])) {
      let args;
      try {
        args = JSON.parse(match[2]);
      } catch {
        args = undefined;
      }
      if (args && !tried(match[1], args)) return call(match[1], args);
    }
  }
  // The next call of the plan, unless that exact call was already refused or failed: then say so.
  const step = (name, args, failText) => (calls.some((c) => c.name === name && same(c.args, args) && c.outcome && c.outcome !== 'ok') ? answer(failText) : call(name, args));

  switch (task.kind) {
    case 'password_reset': {
      if (!okData('get_ticket')) return step('get_ticket', { ticket_id: task.ticket_id }, `I could not read ticket ${task.ticket_id}.`);
      const user = okData('get_user');
      if (!user) return step('get_user', { user_id: task.user_id }, `I could not look up ${task.user_id}.`);
      if (user.status === 'disabled') return answer(`${task.user_id} is disabled; I did not reset the password.`);
      if (!okData('reset_password')) return step('reset_password', { user_id: task.user_id, reason: `Ticket ${task.ticket_id}: user locked out` }, 'The password reset did not go through.');
      if (!okData('send_notification')) {
        const body = `Hi ${user.name}, as requested in ${task.ticket_id} your password was reset. Use the one-time link sent to your recovery address.`;
        return step('send_notification', { to: task.user_id, channel: 'email', subject: 'Your password was reset', body }, 'The password was reset but I could not notify the user.');
      }
      if (!okData('update_ticket')) return step('update_ticket', { ticket_id: task.ticket_id, status: 'resolved', note: 'Password reset; user notified by email.' }, 'Done, but the ticket could not be closed.');
      return answer(`Reset the password of ${user.name} (${task.user_id}), emailed them, and resolved ${task.ticket_id}.`);
    }
    case 'access_request': {
      if (!okData('get_ticket')) return step('get_ticket', { ticket_id: task.ticket_id }, `I could not read ticket ${task.ticket_id}.`);
      const user = okData('get_user');
      if (!user) return step('get_user', { user_id: task.user_id }, `I could not look up ${task.user_id}.`);
      const grant = { user_id: task.user_id, resource: task.resource, level: task.level, ticket_id: task.ticket_id };
      if (!okData('grant_access', (c) => same(c.args, grant))) return step('grant_access', grant, 'The access grant did not go through.');
      if (!okData('update_ticket')) return step('update_ticket', { ticket_id: task.ticket_id, status: 'resolved', note: `Granted ${task.resource}/${task.level}.` }, 'Access granted, but the ticket could not be closed.');
      return answer(`Granted ${task.resource} (${task.level}) to ${user.name} and resolved ${task.ticket_id}.`);
    }
    case 'offboarding': {
      const user = okData('get_user');
      if (!user) return step('get_user', { user_id: task.user_id }, `I could not look up ${task.user_id}.`);
      if (!okData('disable_account')) return step('disable_account', { user_id: task.user_id, reason: `Offboarding, ticket ${task.ticket_id}` }, 'The account could not be disabled.');
      const manager = user.manager_id;
      if (!manager) return answer(`${task.user_id} is disabled; there is no manager on file to notify.`);
      if (!okData('send_notification')) {
        const body = `The account of ${user.name} (${task.user_id}) was disabled today (${task.ticket_id}). Please return their equipment.`;
        return step('send_notification', { to: manager, channel: 'email', subject: `${user.name} has been offboarded`, body }, 'The account is disabled but the manager could not be notified.');
      }
      if (!okData('create_ticket')) {
        const ticket = { title: `Equipment return: ${user.name}`, description: `Collect laptop and badge of ${user.name} (${task.user_id}), offboarded in ${task.ticket_id}.`, requester: manager, category: 'hardware' };
        return step('create_ticket', ticket, 'Could not open the equipment-return ticket.');
      }
      if (!okData('update_ticket')) return step('update_ticket', { ticket_id: task.ticket_id, status: 'resolved', note: 'Account disabled, manager notified, equipment-return ticket opened.' }, 'Offboarded, but the ticket could not be closed.');
      return answer(`Offboarded ${user.name}: account disabled, manager notified, equipment return requested.`);
    }
    case 'ticket_status': {
      const found = okData('search_tickets');
      if (!found) return step('search_tickets', { requester: task.user_id }, `I could not search the tickets of ${task.user_id}.`);
      const open = found.tickets.filter((t) => t.status !== 'resolved').slice(0, 3);
      for (const t of open) {
        const tries = calls.filter((c) => c.name === 'get_ticket' && c.args.ticket_id === t.ticket_id);
        if (tries.length === 0) return call('get_ticket', { ticket_id: t.ticket_id });
      }
      return answer(`${task.user_id} has ${found.count} ticket(s), ${open.length} open: ${open.map((t) => `${t.ticket_id} "${t.title}"`).join('; ') || 'none'}.`);
    }
    default:
      return answer(`I do not know how to handle a ${String(task.kind)} task.`);
  }
}

export class ScriptedModel {
  async getResponse(request) {
    const { task, calls } = readConversation(request.input);
    const toolNames = request.tools.map((t) => t.name);
    const step = task ? decide(task, calls, toolNames) : { answer: 'I was given no task.' };
    const usage = new Usage({ requests: 1, inputTokens: Math.ceil(JSON.stringify(request.input).length / 4), outputTokens: 30, totalTokens: 0 });
    if (step.call) {
      const callId = `call_${calls.length + 1}_${step.call.name}`;
      return {
        usage,
        responseId: `resp_${calls.length + 1}`,
        output: [{ type: 'function_call', callId, name: step.call.name, arguments: JSON.stringify(step.call.args), status: 'completed' }],
      };
    }
    return {
      usage,
      responseId: `resp_${calls.length + 1}`,
      output: [{ type: 'message', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: step.answer }] }],
    };
  }

  // eslint-disable-next-line require-yield -- the script never streams
  async *getStreamedResponse() {
    throw new Error('the scripted model does not stream');
  }
}

export class ScriptedModelProvider {
  getModel() {
    return new ScriptedModel();
  }
}
