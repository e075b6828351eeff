// The tool gate: every tool call the model proposes passes through here, and only here does
// anything reach the MCP server. In order: operator stop/pause switch, run budgets, the task's
// scope (which tools, which targets), the agent's own input contract, a server-side idempotency
// key, human approval with the exact arguments for high-risk tools, then the call itself with a
// timeout, bounded retries of transient errors only, and the agent's own output contract.
// Anything that means "stop" throws HaltRun; the runtime turns it into an honest failure claim.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { APPROVAL_RESULT, INPUT_SCHEMAS, OUTPUT_SCHEMAS, SIDE_EFFECT_TOOLS, TOOL_RISK } from './schemas.mjs';
import { blockedForModel, toolResultForModel } from './context.mjs';
import { SpanStatusCode, failSpan } from './telemetry.mjs';

export const CALL_TIMEOUT_MS = 5000;
export const MAX_RETRIES = 3; // retries of one failing call (transient errors only)
export const MAX_CONSECUTIVE_FAILURES = 3; // failed attempts in a row, any tools: the run halts
export const BACKOFF_BASE_MS = 250; // 250, 500, 1000 ms
const APPROVAL_TIMEOUT_MS = Number(process.env.HELPDESK_APPROVAL_TIMEOUT_MS ?? 20000);
const MAX_TOOL_ATTEMPTS = 30;
const MAX_BLOCKED = 3;
const CONTROL_FILE = process.env.HELPDESK_CONTROL_FILE ?? join(tmpdir(), 'helpdesk-agent-control.json');

export class HaltRun extends Error {
  constructor(state, reason) {
    super(reason);
    this.name = 'HaltRun';
    // The SDK wraps errors thrown by tools; the reason is kept on the gate's state as well.
    if (state && !state.halt) state.halt = reason;
  }
}

/** JSON with sorted keys, so equal arguments always give equal text. */
export function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Same run, same tool, same arguments → same key: a re-issued call is deduplicated by the server. */
export function idempotencyKey(runId, tool, args) {
  return `hd-${createHash('sha256').update(`${runId}\n${tool}\n${canonical(args)}`).digest('hex').slice(0, 32)}`;
}

const TRANSIENT = /unavailable|transient|timed? ?out|timeout|rate.?limit|too many requests|\b(?:429|502|503|504)\b|temporar|try again|overloaded|ECONNRESET|ECONNREFUSED|socket hang up|fetch failed/i;
const PERMANENT = /^rejected\b|not found|invalid|validation|unknown tool|not allowed|forbidden|permission|disabled by policy|-32602/i;

/** Transient errors are retried (bounded); permanent ones never are. Unknown errors count as transient. */
export function classifyError(message) {
  if (TRANSIENT.test(message)) return 'transient';
  if (PERMANENT.test(message)) return 'permanent';
  return 'transient';
}

function resultText(result) {
  return (result.content ?? [])
    .filter((part) => part.type === 'text')
    .map((part) => part.text)
    .join('\n');
}

/** The operator's switch: {"stop": true | [run ids]} halts before the next call, {"pause": …} holds. */
function operatorSwitch(runId) {
  if (!existsSync(CONTROL_FILE)) return {};
  try {
    const control = JSON.parse(readFileSync(CONTROL_FILE, 'utf8'));
    const hits = (value) => value === true || (Array.isArray(value) && value.includes(runId));
    return { stop: hits(control.stop), pause: hits(control.pause), by: control.by };
  } catch {
    return {};
  }
}

export function createGate({ mcp, task, kind, runId, gatedTools, approvalTool, telemetry, root, deadline, log }) {
  const state = {
    attempts: 0,
    consecutiveFailures: 0,
    blocked: new Map(),
    approvals: new Map(),
    succeeded: new Map(),
    results: [], // every validated result, in order: what the claim is judged from
    facts: { users: {} },
    lastFailure: undefined,
  };

  async function checkSwitchAndBudget(tool) {
    for (;;) {
      const control = operatorSwitch(runId);
      if (control.stop) throw new HaltRun(state, `stopped by operator${control.by ? ` ${control.by}` : ''} before ${tool}`);
      if (!control.pause) break;
      if (Date.now() > deadline) throw new HaltRun(state, `paused by operator past the run's deadline, before ${tool}`);
      await sleep(500);
    }
    if (Date.now() > deadline) throw new HaltRun(state, `run time budget spent before ${tool}`);
    if (state.attempts >= MAX_TOOL_ATTEMPTS) throw new HaltRun(state, `tool-call budget (${MAX_TOOL_ATTEMPTS}) spent before ${tool}`);
  }

  function block(tool, args, callId, reason) {
    const key = canonical({ tool, args });
    const count = (state.blocked.get(key) ?? 0) + 1;
    state.blocked.set(key, count);
    const span = telemetry.start(`guardrail ${tool}`, { 'mimir.step.kind': 'guardrail', 'gen_ai.tool.call.id': callId, 'helpdesk.guardrail.tool': tool, 'helpdesk.guardrail.reason': reason }, root);
    span.setStatus({ code: SpanStatusCode.ERROR, message: reason });
    span.end();
    log(`blocked ${tool}: ${reason}`);
    const total = [...state.blocked.values()].reduce((a, b) => a + b, 0);
    if (count > 1) throw new HaltRun(state, `the model keeps proposing a refused call (${tool}: ${reason})`);
    if (total >= MAX_BLOCKED) throw new HaltRun(state, `${total} refused calls in one run (last: ${tool}: ${reason})`);
    return blockedForModel(reason);
  }

  async function askApproval(tool, args, callId) {
    const key = canonical({ tool, args });
    const known = state.approvals.get(key);
    if (known) return known;
    const reason = `${task.kind} ${task.ticket_id ?? task.user_id}: ${tool} is high-risk (${TOOL_RISK[tool]})`;
    const span = telemetry.start(`approval ${tool}`, { 'mimir.approval.tool_call.id': callId, 'helpdesk.approval.tool': tool, ...(telemetry.captureContent ? { 'helpdesk.approval.arguments': JSON.stringify(args) } : {}) }, root);
    let decision = 'denied';
    let approvalId;
    let actor;
    let note;
    if (approvalTool) {
      try {
        const result = await mcp.callToolResult(approvalTool, { tool, arguments: args, reason }, null, { signal: AbortSignal.timeout(APPROVAL_TIMEOUT_MS) });
        let answer = result.structuredContent;
        if (!answer) {
          try {
            answer = JSON.parse(resultText(result));
          } catch {
            answer = undefined;
          }
        }
        const parsed = APPROVAL_RESULT.safeParse(answer);
        if (result.isError || !parsed.success) {
          note = `unreadable approval answer, treated as a denial: ${resultText(result).slice(0, 200)}`;
        } else {
          decision = parsed.data.decision;
          approvalId = parsed.data.approval_id;
          actor = parsed.data.actor ?? parsed.data.approver ?? `approval service via ${approvalTool}${approvalId ? ` (${approvalId})` : ''}`;
        }
      } catch (error) {
        decision = 'timeout';
        note = `no approval answer within ${APPROVAL_TIMEOUT_MS} ms: ${String(error)}`;
      }
    } else {
      // No approval service offered (running by hand): the operator's standing answer, default deny.
      const standing = process.env.HELPDESK_APPROVER ?? 'deny';
      decision = { approve: 'approved', deny: 'denied', timeout: 'timeout' }[standing] ?? 'denied';
      actor = `local operator (HELPDESK_APPROVER=${standing})`;
    }
    span.setAttribute('mimir.approval.decision', decision);
    if (actor) span.setAttribute('mimir.approval.actor', actor);
    if (approvalId) span.setAttribute('helpdesk.approval.id', approvalId);
    if (note) span.setAttribute('helpdesk.approval.note', note);
    span.end();
    const outcome = { decision, note };
    state.approvals.set(key, outcome);
    log(`approval for ${tool} ${JSON.stringify(args)}: ${decision}${note ? ` (${note})` : ''}`);
    return outcome;
  }

  /** One attempt: the MCP call under a timeout, then the agent's own output contract. */
  async function attempt(tool, args, callId, number) {
    state.attempts += 1;
    const span = telemetry.start(`execute_tool ${tool}`, {
      'gen_ai.operation.name': 'execute_tool',
      'gen_ai.tool.name': tool,
      'gen_ai.tool.call.id': callId,
      'gen_ai.tool.type': 'function',
      'mimir.tool.risk': TOOL_RISK[tool] ?? 'unknown',
      'helpdesk.attempt': number,
      ...(telemetry.captureContent ? { 'gen_ai.tool.call.arguments': JSON.stringify(args) } : {}),
    }, root);
    let result;
    try {
      const signal = AbortSignal.timeout(CALL_TIMEOUT_MS);
      const call = mcp.callToolResult(tool, args, null, { signal });
      const timeout = new Promise((_, rejectTimeout) => {
        signal.addEventListener('abort', () => rejectTimeout(new Error(`timed out after ${CALL_TIMEOUT_MS} ms`)), { once: true });
      });
      result = await Promise.race([call, timeout]);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const kind = /timed? ?out|abort/i.test(message) ? 'transient' : classifyError(message);
      failSpan(span, /timed? ?out|abort/i.test(message) ? 'timeout' : 'protocol_error', message);
      return { ok: false, kind, message: `${tool}: ${message}` };
    }
    const text = resultText(result);
    if (telemetry.captureContent) span.setAttribute('gen_ai.tool.call.result', text.slice(0, 4000));
    if (result.isError) {
      failSpan(span, 'tool_error', text.slice(0, 300));
      return { ok: false, kind: classifyError(text), message: `${tool}: ${text.slice(0, 300)}` };
    }
    let data = result.structuredContent;
    if (data === undefined) {
      try {
        data = JSON.parse(text);
      } catch {
        data = undefined;
      }
    }
    const parsed = OUTPUT_SCHEMAS[tool] ? OUTPUT_SCHEMAS[tool].safeParse(data) : { success: data !== undefined, data };
    if (!parsed.success) {
      const why = data === undefined ? 'not JSON' : (parsed.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      failSpan(span, 'malformed_output', `output does not match the agent's contract: ${why}`);
      return { ok: false, kind: 'malformed', message: `${tool}: malformed result (${why})` };
    }
    span.setStatus({ code: SpanStatusCode.OK });
    span.end();
    return { ok: true, data: parsed.data };
  }

  /** What the SDK's function tool runs. Returns the model-visible text, or throws HaltRun. */
  async function execute(tool, modelArgs, callId) {
    await checkSwitchAndBudget(tool);
    if (!kind.tools.includes(tool)) return block(tool, modelArgs, callId, `${tool} is not part of a ${task.kind} task`);
    const args = SIDE_EFFECT_TOOLS.includes(tool) ? { ...modelArgs, idempotency_key: idempotencyKey(runId, tool, modelArgs) } : { ...modelArgs };
    const input = INPUT_SCHEMAS[tool]?.safeParse(args);
    if (!input?.success) return block(tool, modelArgs, callId, `arguments break the ${tool} contract: ${(input?.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const outOfScope = kind.scope(task, tool, args, state.facts);
    if (outOfScope) return block(tool, modelArgs, callId, outOfScope);
    const doneKey = canonical({ tool, args });
    if ((state.succeeded.get(doneKey) ?? 0) >= 2) return block(tool, modelArgs, callId, `${tool} already ran twice with these arguments`);

    if (gatedTools.includes(tool)) {
      await checkSwitchAndBudget(tool);
      const approval = await askApproval(tool, args, callId);
      if (approval.decision !== 'approved') throw new HaltRun(state, `approval ${approval.decision} for ${tool} ${canonical(modelArgs)}${approval.note ? ` (${approval.note})` : ''}`);
    }

    for (let number = 1; ; number += 1) {
      await checkSwitchAndBudget(tool);
      const outcome = await attempt(tool, args, callId, number);
      if (outcome.ok) {
        state.consecutiveFailures = 0;
        state.succeeded.set(doneKey, (state.succeeded.get(doneKey) ?? 0) + 1);
        state.results.push({ tool, args, result: outcome.data });
        if (tool === 'get_user') state.facts.users[outcome.data.user_id] = outcome.data;
        return toolResultForModel(outcome.data);
      }
      state.consecutiveFailures += 1;
      state.lastFailure = outcome.message;
      log(`attempt ${number} of ${tool} failed (${outcome.kind}): ${outcome.message}`);
      if (outcome.kind === 'permanent') throw new HaltRun(state, `permanent error, not retried: ${outcome.message}`);
      if (state.consecutiveFailures >= MAX_CONSECUTIVE_FAILURES) throw new HaltRun(state, `${state.consecutiveFailures} consecutive failures, last: ${outcome.message}`);
      if (number > MAX_RETRIES) throw new HaltRun(state, `${tool} still failing after ${MAX_RETRIES} retries: ${outcome.message}`);
      await sleep(BACKOFF_BASE_MS * 2 ** (number - 1));
    }
  }

  return { execute, state };
}
