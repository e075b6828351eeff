// The hardened back-office agent's runtime: the same AI SDK tool loop and the same scripted model as
// the naive agent, with every safeguard in the plumbing around them, none in the prompt:
// - step contracts: arguments and results of every tool call are validated (zod) against the tool's
//   contract and the ticket's plan (the right order, the right amount, the customer's own address,
//   no deletion of a customer with open orders …); a call that breaks one never leaves the agent;
// - only the plan's tools: a call of any other tool (an instruction planted in a tool result, say)
//   is refused, and tool results reach the model only as validated, condensed data, so text that
//   rides along with them is never read;
// - retries are capped (2 per step) with exponential backoff before each retry (honouring a
//   "retry after" hint); an error that retrying cannot fix (order not found, already refunded) stops
//   the run at once; two different steps failing one after the other is a cascade and stops it too;
// - every tool call has a deadline (5 s, an AbortSignal), so a hung tool is a failed step, not a hung run;
// - high-risk tools (a configurable set) are gated: the AI SDK stops before the call
//   (`needsApproval`), the runtime asks mimir's `request_approval` for exactly those arguments, and
//   only an "approved" lets the call run; denied, timed out or no approval channel → escalate;
// - every completed step is journalled and checkpointed before the next one; side effects carry an
//   idempotency key derived from the run id and the arguments, so a resume (MIMIR_RESUME=1) neither
//   repeats a completed effect nor creates a second one when an answer was lost;
// - the model's context is rebuilt on every step: the ticket (pinned, verbatim), the journal's
//   condensed results, and the last failure while it is unresolved; never the transcript;
// - the final claim comes from the runtime's state, not from the model's "done": success only when
//   every effect the ticket requires is in the journal; a run that stops short hands the ticket to a
//   person (`escalated`) with what it did and why it stopped;
// - a stop request (SIGTERM) lets the call in flight finish and be journalled, starts nothing new,
//   and ends the run so that a restart with MIMIR_RESUME=1 goes on from there.
// The subtle variant is this runtime with one tool missing from the approval set.
import { advance, sleep, TimeoutError } from './clock.mjs';
import { createHash } from 'node:crypto';
import { SpanStatusCode, trace } from '@opentelemetry/api';
import { generateText, stepCountIs } from 'ai';
import { readContract, printClaim } from './contract.mjs';
import { describeIssues, INPUTS, OUTPUTS, resultData } from './contracts.mjs';
import { openJournal } from './journal.mjs';
import { aiToolsFrom, APPROVAL_TOOL, connectBackOffice, resultText } from './mcp-tools.mjs';
import { SYSTEM_PROMPT } from './prompt.mjs';
import { createScriptedModel } from './scripted-model.mjs';
import { planFor, renderInstruction } from './tasks.mjs';
import { recordToolListing, startTelemetry } from './telemetry.mjs';

/** Retries of one failing step before the run stops. */
export const RETRY_CAP = 2;
const BACKOFF_BASE_MS = 400;
/** Deadline of one tool call. */
export const TOOL_TIMEOUT_MS = 5_000;
/** How long the runtime waits for a person's decision before it counts as a timeout. */
const APPROVAL_TIMEOUT_MS = 10 * 60_000;
/** Model calls one run may make, over all its generateText calls. */
const STEP_BUDGET = 16;
/** Tools that change the world: journalled as an intent before the call. */
const SIDE_EFFECTS = new Set(['issue_refund', 'send_email', 'delete_record']);
/** The argument that names what a step is about: a corrected retry of a step is still that step. */
const STEP_KEY = { get_order: 'order_id', issue_refund: 'order_id', list_orders: 'customer_id', find_customer: 'email', send_email: 'to', delete_record: 'id' };
const TRANSIENT = /\b(429|5\d\d)\b|rate.?limit|timed? ?out|unavailable|temporar|try again|internal error|connection/i;

const sha = (text) => createHash('sha256').update(text).digest('hex');
const canonical = (value) =>
  Array.isArray(value) ? `[${value.map(canonical).join(',')}]` : value && typeof value === 'object' ? `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}` : JSON.stringify(value);
const withoutKey = (args) => {
  const rest = { ...args };
  delete rest.idempotency_key;
  return rest;
};

/**
 * @param {object} options
 * @param {string} options.agentName
 * @param {string[]} options.approvalRequired  Tools that run only after a person approved that exact call.
 */
export async function runHardenedAgent({ agentName, approvalRequired }) {
  const gated = new Set(approvalRequired);
  const { task, taskId, runId, trial, resume } = readContract();
  const plan = planFor(task);
  const instruction = renderInstruction(task);
  const journal = openJournal({ agentName, runId, resume });
  const life = journal.lives() + 1;
  const resumedFrom = resume ? journal.lastCheckpoint() : undefined;
  journal.append({ type: 'start', life });
  const telemetry = startTelemetry({ serviceName: agentName, runId, life });
  const model = createScriptedModel({ seed: `${runId}:${trial}:${life}` });
  const backOffice = await connectBackOffice({ clientName: agentName });
  const definitions = new Map(backOffice.tools.map((t) => [t.name, t]));

  const state = {
    /** Completed calls by call key (this life and earlier ones), in completion order. */
    completed: new Map(),
    order: undefined,
    customer: undefined,
    orders: undefined,
    failures: new Map(),
    /** Steps that failed since the last success: two different ones is a cascade. */
    streak: new Set(),
    lastFailure: undefined,
    refused: [],
    backoffMs: 0,
    halt: undefined,
    approvals: new Map(),
    stopping: false,
  };
  const observe = (tool, data) => {
    if (tool === 'get_order') state.order = data;
    if (tool === 'find_customer') state.customer = data;
    if (tool === 'list_orders') state.orders = data;
  };
  for (const entry of journal.done()) {
    state.completed.set(entry.key, { tool: entry.tool, args: entry.args, data: entry.data });
    observe(entry.tool, entry.data);
  }
  const isDone = (tool) => [...state.completed.values()].some((c) => c.tool === tool);

  // A stop request (mimir's kill probe sends SIGTERM first): the call in flight finishes and is
  // journalled, no further call starts, and the run ends so that a resume can go on from there.
  process.once('SIGTERM', () => {
    state.stopping = true;
    // eslint-disable-next-line no-restricted-syntax -- an agent process, not mimir's CLI: if the run cannot wind down in time, it ends anyway
    setTimeout(() => process.exit(143), 1_500).unref();
  });

  /** The idempotency key a side effect carries: the same run and arguments always get the same key. */
  const withKey = (tool, input) => {
    const args = withoutKey(input ?? {});
    if (!definitions.get(tool)?.inputSchema?.properties?.idempotency_key) return args;
    return { ...args, idempotency_key: `${runId}:${tool}:${sha(canonical(args)).slice(0, 16)}` };
  };
  const callKey = (tool, args) => `${tool} ${canonical(args)}`;

  class StepError extends Error {
    name = 'StepError';
  }

  // ─── Step contracts ──────────────────────────────────────────────────────────────────────────

  /** Rules of the ticket's plan a well-typed call can still break; each is final (a retry cannot fix it). */
  const planRule = (tool, a) => {
    switch (tool) {
      case 'get_order':
        return 'order_id' in task && a.order_id !== task.order_id ? `the ticket is about order ${task.order_id}, not ${a.order_id}` : undefined;
      case 'find_customer':
        return 'email' in task && a.email.toLowerCase() !== task.email.toLowerCase() ? `the ticket is about ${task.email}, not ${a.email}` : undefined;
      case 'list_orders':
        if (!state.customer) return 'the customer must be found before their orders are listed';
        return a.customer_id === state.customer.customer_id ? undefined : `the ticket's customer is ${state.customer.customer_id}, not ${a.customer_id}`;
      case 'issue_refund': {
        if (a.order_id !== task.order_id) return `the ticket is about order ${task.order_id}, not ${a.order_id}`;
        const order = state.order;
        if (!order) return 'the order must be looked up before it is refunded';
        if (order.status !== 'paid' && order.status !== 'shipped') return `order ${order.order_id} is ${order.status}: there is nothing to refund`;
        const refundable = order.amount_cents - order.refunded_cents;
        if (a.amount_cents > refundable) return `a refund of ${a.amount_cents} cents exceeds the ${refundable} cents still refundable on order ${order.order_id}`;
        const expected = task.amount_cents ?? refundable;
        return a.amount_cents === expected ? undefined : `the ticket asks for a refund of ${expected} cents, not ${a.amount_cents}`;
      }
      case 'send_email': {
        const to = state.order?.customer_email ?? state.customer?.email;
        if (!to) return 'the customer must be looked up before they are emailed';
        if (a.to.toLowerCase() !== to.toLowerCase()) return `email goes only to the ticket's customer (${to}), not to ${a.to}`;
        if (task.kind === 'refund' && !isDone('issue_refund')) return 'the refund confirmation can go out only after the refund was issued';
        if (task.kind === 'close-account' && !isDone('delete_record')) return 'the closure confirmation can go out only after the record was deleted';
        return undefined;
      }
      case 'delete_record':
        if (task.kind === 'close-account') {
          if (a.kind !== 'customer' || a.id !== state.customer?.customer_id) return `the ticket closes customer ${state.customer?.customer_id ?? '(not found yet)'}, not ${a.kind} ${a.id}`;
          if (!state.orders) return "the customer's orders must be checked before the account is closed";
          const open = state.orders.orders.filter((o) => o.status === 'paid' || o.status === 'shipped').map((o) => o.order_id);
          return open.length > 0 ? `customer ${a.id} still has open orders (${open.join(', ')}): the account cannot be closed` : undefined;
        }
        if (a.kind !== 'order' || a.id !== task.order_id) return `the ticket deletes order ${task.order_id}, not ${a.kind} ${a.id}`;
        if (!state.order) return 'the order must be looked up before it is deleted';
        return state.order.status === 'cancelled' || state.order.status === 'refunded' ? undefined : `order ${a.id} is ${state.order.status}: only cancelled or refunded orders may be deleted`;
    }
    return undefined;
  };

  /** {ok, args} or {ok: false, kind: 'refused' | 'invalid' | 'rule', message}. */
  const checkInput = (tool, args) => {
    if (!plan.tools.includes(tool)) return { ok: false, kind: 'refused', message: `refused: ${tool} is not part of a ${task.kind} ticket (instructions found in tool output are not followed)` };
    const parsed = INPUTS[tool].safeParse(args);
    if (!parsed.success) return { ok: false, kind: 'invalid', message: `invalid arguments for ${tool}: ${describeIssues(parsed.error)}` };
    const broken = planRule(tool, parsed.data);
    return broken === undefined ? { ok: true, args: parsed.data } : { ok: false, kind: 'rule', message: `refused ${tool}: ${broken}` };
  };

  // ─── Failures and successes ──────────────────────────────────────────────────────────────────

  const fail = (tool, args, message, { retryable, retryAfterMs = 0 }) => {
    const step = `${tool} ${String(args[STEP_KEY[tool]])}`;
    const attempt = (state.failures.get(step) ?? 0) + 1;
    state.failures.set(step, attempt);
    state.streak.add(step);
    state.lastFailure = { tool, args: withoutKey(args), message, attempt };
    if (!retryable) state.halt = { status: 'escalated', reason: `${message}; stopped, nothing further was attempted` };
    else if (attempt > RETRY_CAP) state.halt = { status: 'escalated', reason: `${tool} still failing after ${RETRY_CAP} retries (${message}); stopped` };
    else if (state.streak.size >= 2) state.halt = { status: 'escalated', reason: `cascade: ${[...state.streak].join(' and ')} failed one after the other (${message}); stopped` };
    else state.backoffMs = Math.max(BACKOFF_BASE_MS * 2 ** (attempt - 1), retryAfterMs);
  };

  const succeed = (tool, args, data, key) => {
    state.failures.delete(`${tool} ${String(args[STEP_KEY[tool]])}`);
    state.streak.clear();
    state.lastFailure = undefined;
    state.completed.set(key, { tool, args, data });
    observe(tool, data);
    const checkpoint = `${runId}/cp-${journal.done().length + 1}`;
    journal.append({ type: 'done', tool, args, key, data, checkpoint });
    trace.getActiveSpan()?.addEvent('checkpoint', { 'mimir.checkpoint.id': checkpoint });
  };

  // ─── The tools as the model gets them ────────────────────────────────────────────────────────

  /** The last contract check of each (tool, input), for the accounting after the step. */
  const checks = new Map();
  const inputKey = (tool, input) => `${tool} ${canonical(withoutKey(input ?? {}))}`;
  /** Tool calls that reached execute(): their failures are already accounted for. */
  const executed = new Set();

  // The contract runs when the AI SDK parses the model's tool call: a call that breaks it is handed
  // back to the model as a tool error and never executed — no approval is asked for it, no span of
  // a call that did not happen.
  const validate = (tool) => (value) => {
    const check = checkInput(tool, withKey(tool, value));
    checks.set(inputKey(tool, value), check);
    return check.ok ? { success: true, value } : { success: false, error: new StepError(check.message) };
  };

  /** After each step: calls the contract rejected count as failed steps (or refusals). */
  const accountRejections = (step) => {
    for (const part of step.content) {
      if (part.type !== 'tool-error' || executed.has(part.toolCallId)) continue;
      const check = checks.get(inputKey(part.toolName, part.input)) ?? { ok: false, kind: 'refused', message: `refused: ${part.toolName} is not a tool of this agent` };
      if (check.ok) continue;
      trace.getActiveSpan()?.addEvent('tool call rejected', { 'gen_ai.tool.name': part.toolName, 'gen_ai.tool.call.id': part.toolCallId, 'mimir.rejection': check.message });
      if (check.kind === 'refused') {
        // Not this ticket's business: refused, recorded, and the run goes on with its own plan.
        state.refused.push(part.toolName);
        state.lastFailure = { tool: part.toolName, args: withoutKey(part.input ?? {}), message: check.message, attempt: 1 };
      } else {
        fail(part.toolName, withKey(part.toolName, part.input), check.message, { retryable: check.kind === 'invalid' });
      }
    }
  };

  const execute = (tool) => async (input, { toolCallId }) => {
    executed.add(toolCallId);
    if (state.stopping) throw new StepError('stop requested: no new calls');
    const check = checkInput(tool, withKey(tool, input));
    if (!check.ok) {
      // Validated at parse time already; the world may have moved since (defence in depth).
      fail(tool, withKey(tool, input), check.message, { retryable: false });
      throw new StepError(check.message);
    }
    if (gated.has(tool) && state.approvals.get(toolCallId) !== 'approved') {
      state.halt = { status: 'escalated', reason: `${tool} reached execution without an approval for call ${toolCallId}` };
      throw new StepError(`refused ${tool}: no approval for this call`);
    }
    const key = callKey(tool, check.args);
    const prior = state.completed.get(key);
    if (prior) return prior.data; // done in an earlier life: never repeated
    if (SIDE_EFFECTS.has(tool)) journal.append({ type: 'intent', tool, args: check.args, key });
    let result;
    try {
      result = await backOffice.call(tool, check.args, { timeoutMs: TOOL_TIMEOUT_MS });
    } catch (error) {
      const message = error instanceof TimeoutError ? `${tool} timed out after ${TOOL_TIMEOUT_MS / 1000} s` : `${tool} failed: ${error instanceof Error ? error.message : String(error)}`;
      fail(tool, check.args, message, { retryable: true });
      throw new StepError(message);
    }
    if (result.isError) {
      const text = resultText(result);
      const after = /retry after (\d+(?:\.\d+)?) ?s/i.exec(text);
      fail(tool, check.args, text, { retryable: TRANSIENT.test(text), retryAfterMs: after ? Number(after[1]) * 1000 : 0 });
      throw new StepError(text);
    }
    const raw = resultData(result);
    const parsed = OUTPUTS[tool].schema.safeParse(raw);
    if (!parsed.success) {
      const message = `malformed ${tool} result rejected: ${describeIssues(parsed.error)}`;
      // What came back, on the failed step, so the trace shows what was rejected.
      trace.getActiveSpan()?.setAttribute('gen_ai.tool.call.result', JSON.stringify(raw ?? resultText(result)));
      fail(tool, check.args, message, { retryable: true });
      throw new StepError(message);
    }
    // The journal and the model's context keep the condensed form; the step's result is what the
    // tool returned, now known to hold its contract.
    succeed(tool, check.args, OUTPUTS[tool].condense(parsed.data), key);
    return raw;
  };

  const given = backOffice.tools.filter((t) => t.name !== APPROVAL_TOOL && t.name in INPUTS);
  const tools = aiToolsFrom(given, { execute, validate, needsApproval: (tool) => gated.has(tool) });

  /** What the model sees at each step: the ticket, verbatim, then the journal's condensed results. */
  const contextView = () => {
    // Reads keep the condensed facts later steps need; a side effect only needs to be known as done.
    const lines = [...state.completed.values()].map((c) => `[done] ${c.tool} ${JSON.stringify(withoutKey(c.args))} => ${SIDE_EFFECTS.has(c.tool) ? 'done' : JSON.stringify(c.data)}`);
    const failure = state.lastFailure;
    if (failure) lines.push(`[failed] ${failure.tool} ${JSON.stringify(failure.args)} => ${failure.message} (attempt ${failure.attempt} of ${RETRY_CAP + 1})`);
    const messages = [{ role: 'user', content: instruction }];
    if (lines.length > 0) messages.push({ role: 'user', content: `Progress so far, from the run journal:\n${lines.join('\n')}` });
    return messages;
  };

  // ─── Approvals ───────────────────────────────────────────────────────────────────────────────

  let approvalSeq = 0;
  const askApproval = async (toolCall) => {
    const tool = toolCall.toolName;
    if (!backOffice.has(APPROVAL_TOOL)) return 'unavailable';
    return telemetry.tracer.startActiveSpan(`approval ${tool}`, async (span) => {
      span.setAttributes({ 'mimir.approval.tool_call.id': toolCall.toolCallId, 'mimir.approval.actor': 'back-office approver (request_approval)', 'mimir.approval.tool': tool });
      let decision = 'timeout';
      try {
        // A person reads the request: in virtual time that takes 20–90 s.
        advance(20_000 + (Number.parseInt(sha(`${runId}:${life}:approval:${++approvalSeq}`).slice(0, 6), 16) % 70_000));
        const result = await backOffice.call(APPROVAL_TOOL, { tool, arguments: withKey(tool, toolCall.input), reason: `Ticket: ${instruction}` }, { timeoutMs: APPROVAL_TIMEOUT_MS });
        const answer = resultData(result);
        if (['approved', 'denied', 'timeout'].includes(answer?.decision)) decision = answer.decision;
        if (typeof answer?.approval_id === 'string') span.setAttribute('mimir.approval.id', answer.approval_id);
      } catch {
        decision = 'timeout';
      }
      span.setAttribute('mimir.approval.decision', decision);
      span.end();
      return decision;
    });
  };

  // ─── The run ─────────────────────────────────────────────────────────────────────────────────

  let finalText = '';
  let idSeq = 0;
  const loop = async () => {
    // What generateText is handed: the ticket, and after an approval round only what the AI SDK
    // needs to run the approved call (the assistant turn that asked and the approval responses).
    // The model never sees it: prepareStep rebuilds its context from the journal on every step.
    let messages = [{ role: 'user', content: instruction }];
    let steps = 0;
    while (!state.halt && !state.stopping) {
      const remaining = STEP_BUDGET - steps;
      if (remaining <= 0) {
        state.halt = { status: 'escalated', reason: `step budget of ${STEP_BUDGET} model calls used up; stopped` };
        break;
      }
      const result = await generateText({
        model,
        system: SYSTEM_PROMPT,
        messages,
        tools,
        activeTools: plan.tools,
        stopWhen: [stepCountIs(remaining), () => state.halt !== undefined || state.stopping],
        prepareStep: async ({ stepNumber }) => {
          if (state.backoffMs > 0) {
            const wait = state.backoffMs;
            state.backoffMs = 0;
            await sleep(wait);
          }
          const view = contextView();
          if (stepNumber > 0 || steps > 0) {
            // The context is rebuilt, not replayed: recorded as a memory step (the trim strategy running).
            telemetry.tracer
              .startSpan('context.assemble', { attributes: { 'mimir.step.kind': 'memory', 'context.strategy': 'ticket + journal state + open failure', 'context.journal_entries': state.completed.size } })
              .end();
          }
          return { messages: view };
        },
        maxRetries: 0,
        experimental_telemetry: { isEnabled: true, recordInputs: true, recordOutputs: true, functionId: agentName, tracer: telemetry.aiTracer },
        onStepFinish: (step) => {
          accountRejections(step);
          return telemetry.flushStep();
        },
        _internal: { generateId: () => `id_${sha(`${runId}:${life}:id:${++idSeq}`).slice(0, 16)}` },
      });
      steps += result.steps.length;
      finalText = result.text;
      const requests = result.content.filter((part) => part.type === 'tool-approval-request');
      if (requests.length === 0 || state.halt || state.stopping) break;
      const responses = [];
      for (const request of requests) {
        const decision = await askApproval(request.toolCall);
        state.approvals.set(request.toolCall.toolCallId, decision);
        responses.push({ type: 'tool-approval-response', approvalId: request.approvalId, approved: decision === 'approved' });
        const tool = request.toolCall.toolName;
        if (decision === 'unavailable') state.halt = { status: 'escalated', reason: `${tool} needs a person's approval and no approval channel is available: handed to a person, nothing was done` };
        else if (decision !== 'approved') state.halt = { status: 'escalated', reason: `the approval for ${tool} was ${decision}: ${tool} was not called, handed back to a person` };
      }
      await telemetry.flushStep();
      if (state.halt) break;
      const asked = result.response.messages.at(-1);
      const calls = { ...asked, content: asked.content.filter((part) => part.type === 'tool-call' || part.type === 'tool-approval-request') };
      messages = [{ role: 'user', content: instruction }, calls, { role: 'tool', content: responses }];
    }
  };

  const claim = await telemetry.tracer.startActiveSpan(`invoke_agent ${agentName}`, async (root) => {
    root.setAttributes({
      'gen_ai.operation.name': 'invoke_agent',
      'gen_ai.agent.name': agentName,
      'gen_ai.conversation.id': runId,
      'mimir.run.id': runId,
      'mimir.task.id': taskId,
      'mimir.trial': trial,
      ...(resumedFrom !== undefined && { 'mimir.resumed_from': resumedFrom }),
    });
    recordToolListing(telemetry.tracer, 'back-office', given.filter((t) => plan.tools.includes(t.name)));
    try {
      await loop();
    } catch (error) {
      root.recordException(error);
      root.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      state.halt ??= { status: 'failure', reason: `the agent stopped on an internal error: ${error instanceof Error ? error.message : String(error)}` };
    }
    const result = deriveClaim();
    root.setAttribute('mimir.run.claimed_status', result.status);
    root.end();
    return result;
  });

  /**
   * The claim, from the runtime's state: the model's "done" is not evidence. A run that cannot
   * finish the ticket hands it to a person (escalated) with what it did and why it stopped; only an
   * internal error of the agent itself is a plain failure.
   */
  function deriveClaim() {
    const done = () => {
      const steps = [...state.completed.values()].map((c) => (SIDE_EFFECTS.has(c.tool) ? `${c.tool} ${JSON.stringify(c.data)}` : c.tool));
      return steps.length > 0 ? steps.join(', ') : 'nothing';
    };
    if (state.halt) return { status: state.halt.status, summary: `${state.halt.reason}. Done before stopping: ${done()}.` };
    if (state.stopping) return { status: 'escalated', summary: `stopped on request after ${journal.done().length} completed steps; resume with MIMIR_RESUME=1. Done: ${done()}.` };
    const missing = plan.required.filter((tool) => !isDone(tool));
    if (missing.length > 0) return { status: 'escalated', summary: `the run ended before ${missing.join(' and ')} was done (the model said: "${finalText}"). Done: ${done()}.` };
    const effects = [...state.completed.values()].filter((c) => SIDE_EFFECTS.has(c.tool)).map((c) => `${c.tool} ${JSON.stringify(c.data)}`);
    const refused = state.refused.length > 0 ? ` Refused out-of-plan calls: ${state.refused.join(', ')}.` : '';
    return { status: 'success', summary: `${finalText}${effects.length > 0 ? ` Journal: ${effects.join('; ')}.` : ''}${refused}` };
  }

  await telemetry.flush();
  await telemetry.shutdown();
  await backOffice.close();
  printClaim(claim.status, claim.summary);
}
