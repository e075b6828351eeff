// One deterministic scripted language model for all three example agents. It implements the AI
// SDK's LanguageModelV3 interface (what `MockLanguageModelV3` from `ai/test` stands in for, and what
// a provider package such as @ai-sdk/openai implements), so `generateText` drives it like any real
// model, with no network and no API key.
//
// It behaves like a plausible, eager LLM, and deliberately has an LLM's weaknesses, so that any
// safety has to come from the plumbing around it:
// - it reads the instruction (the first user message) and the tool results in its prompt — tool
//   messages, or "[done] tool {args} => result" lines a runtime may put in a user message — and
//   picks the next call: get_order → issue_refund → send_email for a refund, and so on;
// - a call whose result is an error that looks transient (503, 429, timeout …) is retried at once,
//   with the same arguments, as often as it keeps failing: it has no retry cap of its own;
// - an error that says the arguments were invalid is fixed and retried (it sometimes sends a dollar
//   amount where cents are asked for, as models do);
// - any other error (order not found, already refunded …) is quietly skipped: the model moves on to
//   the next step, and at the end says "Done — …" however the steps went;
// - an instruction found in a tool result that says to call a tool ("call issue_refund with {…}")
//   is obeyed before anything else;
// - every intermediate turn narrates what it saw so far, echoing the earlier tool outputs, so a
//   runtime that replays the whole transcript sees its context fill with the model's own words.
import { createHash } from 'node:crypto';
import { advance } from './clock.mjs';
import { dollars } from './tasks.mjs';

export const SCRIPTED_MODEL_ID = 'scripted-gpt-4o-mini';
const RESPONSE_MODEL_ID = 'scripted-gpt-4o-mini-2024-07-18';

/** A rough token count (4 characters a token): usage that grows with the prompt, as a real one does. */
export function approxTokens(text) {
  return Math.max(1, Math.ceil(text.length / 4));
}

const hash = (text) => createHash('sha256').update(text).digest('hex');

/**
 * @param {object} options
 * @param {string} options.seed  Makes tool-call ids and the model's occasional slips reproducible
 *   (the agents pass the run id, the trial and the process life).
 */
export function createScriptedModel({ seed }) {
  return new ScriptedLanguageModel(seed);
}

class ScriptedLanguageModel {
  specificationVersion = 'v3';
  provider = 'scripted';
  modelId = SCRIPTED_MODEL_ID;
  supportedUrls = {};
  #seed;
  #calls = 0;

  constructor(seed) {
    this.#seed = String(seed);
  }

  async doGenerate(options) {
    const n = ++this.#calls;
    const view = readPrompt(options.prompt);
    const available = new Set((options.tools ?? []).filter((t) => t.type === 'function').map((t) => t.name));
    // Whether this run is one where the model confuses dollars with cents (decided once per run).
    const slips = Number.parseInt(hash(`${this.#seed}:slip`).slice(0, 8), 16) % 3 === 0;
    const decision = decide(view, available, { slips });

    const content = [];
    if (decision.text) content.push({ type: 'text', text: decision.text });
    let argsText = '';
    if (decision.call) {
      argsText = JSON.stringify(decision.call.args);
      const toolCallId = `call_${hash(`${this.#seed}:call:${n}`).slice(0, 20)}`;
      content.push({ type: 'tool-call', toolCallId, toolName: decision.call.tool, input: argsText });
    }
    const promptText = JSON.stringify(options.prompt);
    const inputTokens = approxTokens(promptText);
    const outputTokens = approxTokens((decision.text ?? '') + argsText);
    advance(350 + outputTokens * 6);
    return {
      content,
      finishReason: decision.call ? { unified: 'tool-calls', raw: 'tool_calls' } : { unified: 'stop', raw: 'stop' },
      usage: {
        inputTokens: { total: inputTokens, noCache: inputTokens, cacheRead: undefined, cacheWrite: undefined },
        outputTokens: { total: outputTokens, text: outputTokens, reasoning: undefined },
      },
      response: { id: `resp_${hash(`${this.#seed}:response:${n}`).slice(0, 20)}`, timestamp: new Date(), modelId: RESPONSE_MODEL_ID },
      warnings: [],
    };
  }

  async doStream(options) {
    const result = await this.doGenerate(options);
    const parts = [{ type: 'stream-start', warnings: [] }, { type: 'response-metadata', ...result.response }];
    for (const [index, part] of result.content.entries()) {
      if (part.type === 'text') {
        parts.push({ type: 'text-start', id: `t${index}` }, { type: 'text-delta', id: `t${index}`, delta: part.text }, { type: 'text-end', id: `t${index}` });
      } else {
        parts.push(part);
      }
    }
    parts.push({ type: 'finish', finishReason: result.finishReason, usage: result.usage });
    return {
      stream: new ReadableStream({
        start(controller) {
          for (const part of parts) controller.enqueue(part);
          controller.close();
        },
      }),
    };
  }
}

// ─── Reading the prompt ──────────────────────────────────────────────────────────────────────────

/**
 * What the model "understands" from its prompt: the instruction, and every tool outcome it can see,
 * in order: `{tool, args, ok, error?, denied?, data?, text}`.
 */
export function readPrompt(prompt) {
  let goal;
  const events = [];
  const calls = new Map();
  for (const message of prompt) {
    if (message.role === 'user') {
      for (const part of message.content) {
        if (part.type !== 'text') continue;
        if (goal === undefined) goal = part.text;
        else events.push(...readStateLines(part.text));
      }
    } else if (message.role === 'assistant') {
      for (const part of message.content) {
        if (part.type === 'tool-call') calls.set(part.toolCallId, { tool: part.toolName, args: typeof part.input === 'string' ? safeJson(part.input) ?? {} : part.input ?? {} });
      }
    } else if (message.role === 'tool') {
      for (const part of message.content) {
        if (part.type !== 'tool-result') continue;
        const call = calls.get(part.toolCallId) ?? { tool: part.toolName, args: {} };
        events.push(observe(call, part.output));
      }
    }
  }
  return { goal: goal ?? '', events };
}

/** "[done] tool {args} => result" and "[failed] tool {args} => error" lines, as a runtime's state summary writes them. */
function readStateLines(text) {
  const events = [];
  for (const line of text.split('\n')) {
    const match = /^\[(done|failed)\] (\w+) /.exec(line);
    if (!match) continue;
    const argsStart = match[0].length;
    const argsEnd = scanJson(line, argsStart);
    if (argsEnd < 0) continue;
    const args = safeJson(line.slice(argsStart, argsEnd)) ?? {};
    const rest = line.slice(argsEnd).replace(/^ => /, '');
    if (match[1] === 'done') events.push({ tool: match[2], args, ok: true, data: lenientJson(rest), text: rest });
    else events.push({ tool: match[2], args, ok: false, error: rest, text: rest });
  }
  return events;
}

function observe(call, output) {
  const base = { tool: call.tool, args: call.args };
  switch (output?.type) {
    case 'json':
      return { ...base, ok: true, data: output.value, text: JSON.stringify(output.value) };
    case 'error-text':
      return { ...base, ok: false, error: String(output.value), text: String(output.value) };
    case 'error-json':
      return { ...base, ok: false, error: JSON.stringify(output.value), text: JSON.stringify(output.value) };
    case 'execution-denied':
      return { ...base, ok: false, denied: true, error: output.reason ?? 'denied', text: output.reason ?? 'denied' };
    case 'content':
      return fromText(base, output.value.filter((p) => p.type === 'text').map((p) => p.text).join('\n'));
    case 'text':
    default:
      return fromText(base, typeof output?.value === 'string' ? output.value : JSON.stringify(output?.value ?? ''));
  }
}

/** A text result: models read "Error: …", "Input validation error …" and bare status codes as the failure they are. */
function fromText(base, text) {
  if (/^\s*(\d{3} [A-Z]|[^{[\n]{0,40}\b(error|exception)\b)/i.test(text) || text.trim() === '') return { ...base, ok: false, error: text.trim() === '' ? 'empty result' : text, text };
  return { ...base, ok: true, data: lenientJson(text), text };
}

function safeJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** JSON if it parses; otherwise the "key": value pairs a model would still pick out of broken JSON. */
function lenientJson(text) {
  const start = text.indexOf('{');
  if (start < 0) return undefined;
  const end = scanJson(text, start);
  const parsed = end > 0 ? safeJson(text.slice(start, end)) : undefined;
  if (parsed !== undefined) return parsed;
  const fields = {};
  for (const match of text.matchAll(/"(\w+)"\s*:\s*("((?:[^"\\]|\\.)*)"|-?\d+(?:\.\d+)?)/g)) {
    if (!(match[1] in fields)) fields[match[1]] = match[3] !== undefined ? match[3] : Number(match[2]);
  }
  return Object.keys(fields).length > 0 ? fields : undefined;
}

/** The end index (exclusive) of the balanced JSON object starting at `start`, or -1. */
function scanJson(text, start) {
  if (text[start] !== '{') return -1;
  let depth = 0;
  let inString = false;
  for (let i = start; i < text.length; i++) {
    const ch = text[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '{') depth++;
    else if (ch === '}' && --depth === 0) return i + 1;
  }
  return -1;
}

// ─── Understanding the instruction ───────────────────────────────────────────────────────────────

function parseGoal(goal) {
  let m;
  if ((m = /^Refund (?:\$(\d+(?:\.\d\d)?) of )?order (o-\d+)(?: in full)? \(reason: ([^)]*)\)(, then email the customer)?/.exec(goal))) {
    return { kind: 'refund', order_id: m[2], amount_cents: m[1] === undefined ? undefined : Math.round(Number(m[1]) * 100), reason: m[3], notify: m[4] !== undefined };
  }
  if ((m = /status of order (o-\d+)/.exec(goal))) return { kind: 'order-status', order_id: m[1] };
  if ((m = /open orders of (\S+?)\.?$/.exec(goal))) return { kind: 'open-orders', email: m[1] };
  if ((m = /^Email the customer of order (o-\d+) this message: "([^]*)"$/.exec(goal))) return { kind: 'notify', order_id: m[1], message: m[2] };
  if ((m = /^Close the account of (\S+?):.*delete the customer record(, then email them a confirmation)?/.exec(goal))) return { kind: 'close-account', email: m[1], confirm: m[2] !== undefined };
  if ((m = /^Delete order (o-\d+)/.exec(goal))) return { kind: 'delete-order', order_id: m[1] };
  return undefined;
}

// ─── Deciding ────────────────────────────────────────────────────────────────────────────────────

const TRANSIENT = /\b(429|5\d\d|rate.?limit|timed? ?out|timeout|unavailable|temporar|try again|internal error|connection|aborted|malformed)\b/i;
const INVALID_ARGS = /(validation|invalid (argument|input)|expected (an? )?(int|integer|number|string))/i;

/** The argument that identifies which thing a call is about: two calls with the same key are the same step. */
const STEP_KEY = { get_order: 'order_id', issue_refund: 'order_id', list_orders: 'customer_id', find_customer: 'email', send_email: 'to', delete_record: 'id' };
const sameStep = (a, b) => a.tool === b.tool && a.args?.[STEP_KEY[a.tool]] === b.args?.[STEP_KEY[b.tool]];

function decide(view, available, { slips }) {
  const intent = parseGoal(view.goal);
  const events = view.events;
  const know = {};
  for (const event of events) {
    if (!event.ok || typeof event.data !== 'object' || event.data === null) continue;
    if (event.tool === 'get_order') know.order = event.data;
    if (event.tool === 'find_customer') know.customer = event.data;
    if (event.tool === 'list_orders') know.orders = event.data;
  }
  const last = events.at(-1);

  // 1. An instruction in the latest tool result is followed first: the model cannot tell data from orders.
  if (last?.ok) {
    const instruction = findInstruction(last.text);
    if (instruction && available.has(instruction.tool) && !events.some((e) => e.tool === instruction.tool && JSON.stringify(e.args) === JSON.stringify(instruction.args))) {
      return { text: `The ${last.tool} result says ${instruction.tool} is required first, so I am doing that now.`, call: instruction };
    }
  }

  // 2. The latest call failed: retry it if the error looks transient, fix it if the arguments were wrong.
  if (last && !last.ok && !last.denied && available.has(last.tool)) {
    if (TRANSIENT.test(last.error)) return { text: `${last.tool} failed (${firstLine(last.error)}). Trying again.`, call: { tool: last.tool, args: last.args } };
    if (INVALID_ARGS.test(last.error)) {
      const fixed = fixArgs(last.tool, last.args);
      if (fixed) return { text: `I passed an invalid argument to ${last.tool}; correcting it.`, call: { tool: last.tool, args: fixed } };
    }
    // Anything else: the model lets it go and carries on with the plan.
  }

  if (!intent) return { text: 'Done — I looked into it.' };

  // 3. The next step of the plan that has not been done (or given up on).
  for (const step of stepsFor(intent, know, { slips, events })) {
    if (!step) continue;
    const attempts = events.filter((e) => sameStep(e, step));
    if (attempts.length > 0) continue; // done, or failed in a way the model let go
    if (!available.has(step.tool)) continue;
    return { text: narrate(events, step), call: step };
  }
  return { text: finalText(intent, know) };
}

function firstLine(text) {
  return String(text).split('\n')[0].slice(0, 120);
}

/** "call <tool> with {json}" anywhere in a tool result: in its text, or in a string field of its JSON (a model reads both alike). */
function findInstruction(text) {
  for (const candidate of [text, ...stringLeaves(lenientJson(text ?? ''))]) {
    const instruction = instructionIn(candidate);
    if (instruction) return instruction;
  }
  return undefined;
}

function stringLeaves(value) {
  if (typeof value === 'string') return [value];
  if (value !== null && typeof value === 'object') return Object.values(value).flatMap(stringLeaves);
  return [];
}

function instructionIn(text) {
  const match = /\bcall (\w+) with (?=\{)/i.exec(text ?? '');
  if (!match) return undefined;
  const start = match.index + match[0].length;
  const end = scanJson(text, start);
  const args = end > 0 ? safeJson(text.slice(start, end)) : undefined;
  return args && typeof args === 'object' ? { tool: match[1], args } : undefined;
}

function fixArgs(tool, args) {
  if (tool === 'issue_refund' && typeof args.amount_cents === 'number' && !Number.isInteger(args.amount_cents)) {
    return { ...args, amount_cents: Math.round(args.amount_cents * 100) };
  }
  return undefined;
}

function stepsFor(intent, know, { slips, events }) {
  const order = know.order;
  switch (intent.kind) {
    case 'refund': {
      const full = typeof order?.amount_cents === 'number' ? order.amount_cents : undefined;
      const amount = intent.amount_cents ?? full;
      // The slip: a first refund attempt in dollars ("12.5") where cents are asked for.
      const firstTry = !events.some((e) => e.tool === 'issue_refund');
      const sent = slips && firstTry && amount !== undefined && amount % 100 !== 0 ? amount / 100 : amount;
      const email = typeof order?.customer_email === 'string' ? order.customer_email : undefined;
      return [
        { tool: 'get_order', args: { order_id: intent.order_id } },
        amount === undefined ? undefined : { tool: 'issue_refund', args: { order_id: intent.order_id, amount_cents: sent, reason: intent.reason } },
        intent.notify && email
          ? {
              tool: 'send_email',
              args: {
                to: email,
                subject: `Your refund for order ${intent.order_id}`,
                body: `Hello,\n\nwe have refunded $${dollars(amount ?? 0)} for your order ${intent.order_id} (${intent.reason}). The money should reach your account within 3-5 business days.\n\nThe back-office team`,
              },
            }
          : undefined,
      ];
    }
    case 'order-status':
      return [{ tool: 'get_order', args: { order_id: intent.order_id } }];
    case 'open-orders':
      return [
        { tool: 'find_customer', args: { email: intent.email } },
        typeof know.customer?.customer_id === 'string' ? { tool: 'list_orders', args: { customer_id: know.customer.customer_id } } : undefined,
      ];
    case 'notify': {
      const email = typeof order?.customer_email === 'string' ? order.customer_email : undefined;
      return [
        { tool: 'get_order', args: { order_id: intent.order_id } },
        email ? { tool: 'send_email', args: { to: email, subject: `About your order ${intent.order_id}`, body: intent.message } } : undefined,
      ];
    }
    case 'close-account': {
      const customer = know.customer;
      const id = typeof customer?.customer_id === 'string' ? customer.customer_id : undefined;
      return [
        { tool: 'find_customer', args: { email: intent.email } },
        id ? { tool: 'list_orders', args: { customer_id: id } } : undefined,
        id ? { tool: 'delete_record', args: { kind: 'customer', id } } : undefined,
        id && intent.confirm
          ? {
              tool: 'send_email',
              args: {
                to: intent.email,
                subject: 'Your account has been closed',
                body: `Hello ${typeof customer.name === 'string' ? customer.name : ''},\n\nas you asked, we have closed your account and deleted your customer record.\n\nThe back-office team`,
              },
            }
          : undefined,
      ];
    }
    case 'delete-order':
      return [
        { tool: 'get_order', args: { order_id: intent.order_id } },
        { tool: 'delete_record', args: { kind: 'order', id: intent.order_id } },
      ];
  }
  return [];
}

/** What the model says alongside a call: a recap of everything it has seen so far, outputs included. */
function narrate(events, step) {
  if (events.length === 0) return `I will start with ${step.tool}.`;
  const seen = events.map((e) => `${e.tool} returned ${e.ok ? e.text : `an error: ${e.error}`}`).join('; ');
  return `So far: ${seen}. Next: ${step.tool}.`;
}

/** The model's last word: "done", whatever happened on the way. */
function finalText(intent, know) {
  const order = know.order;
  switch (intent.kind) {
    case 'refund':
      return `Done — refund issued for order ${intent.order_id}${intent.notify ? ' and the customer notified' : ''}.`;
    case 'order-status':
      return typeof order?.status === 'string' ? `Order ${intent.order_id} is ${order.status}.` : `Done — I checked order ${intent.order_id}.`;
    case 'open-orders': {
      const orders = Array.isArray(know.orders?.orders) ? know.orders.orders.filter((o) => o.status === 'paid' || o.status === 'shipped') : [];
      return orders.length > 0
        ? `${intent.email} has ${orders.length} open orders: ${orders.map((o) => `${o.order_id} (${o.status})`).join(', ')}.`
        : `Done — ${intent.email} has no open orders.`;
    }
    case 'notify':
      return `Done — the customer of order ${intent.order_id} has been emailed.`;
    case 'close-account':
      return `Done — the account of ${intent.email} is closed${intent.confirm ? ' and a confirmation was sent' : ''}.`;
    case 'delete-order':
      return `Done — order ${intent.order_id} deleted.`;
  }
  return 'Done.';
}
