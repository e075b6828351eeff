#!/usr/bin/env node
// Converts mini-swe-agent trajectories on SWE-bench (`<instance>.traj.json`, trajectory_format "mini-swe-agent-1") and
// the SWE-bench harness's per-instance `report.json` files into OTLP/JSON Lines, plus labels.jsonl.
//
//   node scripts/real-data/convert-swe.mjs --trajs <dir> --reports <dir> --out <dir>
//        [--messages delta|full] [--instances all|every:<n>|<file of ids>] [--gzip yes|no] [--name <run-set name>]
//
// <dir> for --trajs holds `<instance>.traj.json` (or `<instance>/<instance>.traj.json`); --reports holds
// `<instance>.report.json` or `<instance>/report.json` ({ <instance>: { resolved, ... } } or { resolved, ... }).
//
// The source: `messages` is the whole conversation (system, task, then assistant / observation turns); each model call
// sent the model every message before it. One trace per instance: a root `invoke_agent` span; a `chat` span per
// assistant message; an `execute_tool` span (`bash`) per executed command, its result the command's output and its
// exit code `process.exit.code` from the `<returncode>` the observation records.
//   --messages delta (default): each chat span's `gen_ai.input.messages` holds only the messages new since the previous
//     model call (the observation, or the format-error feedback), the system prompt only on the first call. Recording
//     the whole growing conversation per call makes the corpus quadratic (~2 GB for 500 runs); delta keeps it ~100 MB.
//   --messages full: what GenAI instrumentation of the model client records (the whole input each call).
// Root span: `mimir.run.claimed_status: "success"` when the agent submitted (it echoes COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT
// after saying it is done; info.exit_status "Submitted"); other exit statuses (limits) record no claim.
// Timing: each assistant message carries the provider's `created` (epoch seconds) for that model call; those are the
// chat spans' start times. Chat ends and tool times are interpolated between consecutive `created` times (half the gap
// each), so the root span says `mimir.timing: "derived"`.
// A command the harness killed on its 60 s timeout is recorded as an error (`error.type: "timeout"`), no exit code.
// A model reply without exactly one bash block runs nothing (mini-swe-agent answers with a format error): no tool span.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexId, lineWriter, parseArgs, span, textPart, traceLine } from './otlp.mjs';

const args = parseArgs(process.argv.slice(2), { trajs: '', reports: '', out: '', messages: 'delta', instances: 'all', gzip: 'no', name: 'swe-bench-verified-mini-swe-agent-gemini-3-pro' });
if (args.trajs === '' || args.reports === '' || args.out === '') {
  console.error('usage: convert-swe.mjs --trajs <dir> --reports <dir> --out <dir> [--messages delta|full] [--instances all|every:n|<ids file>] [--gzip yes|no]');
  process.exitCode = 2;
  throw new Error('bad arguments (see the usage above)');
}
if (args.messages !== 'full' && args.messages !== 'delta') throw new Error('--messages is full or delta');

const FORMAT_ERROR = 'Please always provide EXACTLY ONE action in triple backticks';
const SUBMIT = 'COMPLETE_TASK_AND_SUBMIT_FINAL_OUTPUT';
const BASH_BLOCK = /```bash\s*\n(.*?)\n```/gs; // mini-swe-agent's own action regex

function trajPath(id) {
  const flat = join(args.trajs, `${id}.traj.json`);
  return existsSync(flat) ? flat : join(args.trajs, id, `${id}.traj.json`);
}

function resolved(id) {
  const flat = join(args.reports, `${id}.report.json`);
  const path = existsSync(flat) ? flat : join(args.reports, id, 'report.json');
  const report = JSON.parse(readFileSync(path, 'utf8'));
  const entry = report[id] ?? report;
  if (typeof entry.resolved !== 'boolean') throw new Error(`${path}: no "resolved"`);
  return entry.resolved;
}

const allIds = readdirSync(args.trajs)
  .map((name) => (name.endsWith('.traj.json') ? name.slice(0, -'.traj.json'.length) : existsSync(join(args.trajs, name, `${name}.traj.json`)) ? name : undefined))
  .filter((id) => id !== undefined)
  .sort();
let ids = allIds;
if (args.instances.startsWith('every:')) {
  const n = Number(args.instances.slice(6));
  ids = allIds.filter((_, index) => index % n === 0);
} else if (args.instances !== 'all') {
  const wanted = new Set(readFileSync(args.instances, 'utf8').split('\n').map((line) => line.trim()).filter(Boolean));
  ids = allIds.filter((id) => wanted.has(id));
}

/** The text of a source message (string content, or a list of text parts). */
function text(message) {
  if (typeof message.content === 'string') return message.content;
  return (message.content ?? []).map((part) => part.text ?? '').join('');
}

function genaiMessage(message) {
  return { role: message.role, parts: [textPart(text(message))] };
}

/** What an observation says: exit code, the command's output, or a timeout / format error / submission. */
function observation(content) {
  const code = /^<returncode>(-?\d+)<\/returncode>\n?/.exec(content);
  if (code) {
    const rest = content.slice(code[0].length);
    const plain = /^<output>\n?([\s\S]*?)\n?<\/output>\s*$/.exec(rest);
    return { kind: 'ran', exitCode: Number(code[1]), output: plain ? plain[1] : rest };
  }
  if (content.startsWith('The last command') && content.includes('timed out and has been killed')) return { kind: 'timeout', output: content };
  if (content.startsWith(FORMAT_ERROR)) return { kind: 'format-error' };
  return { kind: 'other', output: content };
}

const base = `${args.name}.otlp.jsonl${args.gzip === 'yes' ? '.gz' : ''}`;
const traces = lineWriter(join(args.out, base));
const labels = lineWriter(join(args.out, 'labels.jsonl'));
const counts = { runs: 0, resolved: 0, chats: 0, tools: 0, timeouts: 0, formatErrors: 0 };
for (const id of ids) {
  const traj = JSON.parse(readFileSync(trajPath(id), 'utf8'));
  const messages = traj.messages;
  const runId = `${args.name}/${id}`;
  const traceId = hexId(32, runId);
  const rootId = hexId(16, runId, 'root');
  const system = messages[0]?.role === 'system' ? text(messages[0]) : undefined;
  const conversation = system === undefined ? messages : messages.slice(1);
  const assistantAt = conversation.map((m, i) => (m.role === 'assistant' ? i : -1)).filter((i) => i >= 0);
  const createdMs = assistantAt.map((i) => (conversation[i].extra?.response?.created ?? NaN) * 1000);
  const spans = [];
  let sinceLastCall = 0;
  let submitted = false;
  let model;
  for (const [n, position] of assistantAt.entries()) {
    const message = conversation[position];
    const response = message.extra?.response;
    model ??= response?.model;
    const start = Number.isFinite(createdMs[n]) ? createdMs[n] : (createdMs[n - 1] ?? 0) + 1000;
    const next = Number.isFinite(createdMs[n + 1]) ? createdMs[n + 1] : start + 2000;
    const gap = Math.max(2, next - start);
    const chatEnd = start + Math.floor(gap / 2);
    const input = conversation.slice(args.messages === 'full' ? 0 : sinceLastCall, position).map(genaiMessage);
    sinceLastCall = position + 1;
    counts.chats += 1;
    spans.push(
      span({
        traceId,
        spanId: hexId(16, runId, 'chat', position),
        parentSpanId: rootId,
        name: `chat ${response?.model ?? 'model'}`,
        kind: 3,
        startMs: start,
        endMs: chatEnd,
        attrs: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openrouter',
          'gen_ai.request.model': traj.info?.config?.model?.model_name,
          'gen_ai.response.model': response?.model,
          'gen_ai.response.id': response?.id,
          'gen_ai.usage.input_tokens': response?.usage?.prompt_tokens,
          'gen_ai.usage.output_tokens': response?.usage?.completion_tokens,
          'gen_ai.system_instructions': system !== undefined && (args.messages === 'full' || n === 0) ? JSON.stringify([textPart(system)]) : undefined,
          'gen_ai.input.messages': JSON.stringify(input),
          'gen_ai.output.messages': JSON.stringify([{ ...genaiMessage(message), finish_reason: response?.choices?.[0]?.finish_reason ?? 'stop' }]),
        },
      }),
    );
    const reply = conversation[position + 1];
    if (reply === undefined || reply.role !== 'user') continue;
    const seen = observation(text(reply));
    if (seen.kind === 'format-error') {
      counts.formatErrors += 1;
      continue;
    }
    const blocks = [...text(message).matchAll(BASH_BLOCK)].map((match) => match[1]);
    const command = blocks[0] ?? '';
    if (command.includes(SUBMIT)) submitted = true;
    counts.tools += 1;
    if (seen.kind === 'timeout') counts.timeouts += 1;
    spans.push(
      span({
        traceId,
        spanId: hexId(16, runId, 'tool', position),
        parentSpanId: rootId,
        name: 'execute_tool bash',
        startMs: chatEnd,
        endMs: Math.max(chatEnd + 1, next - 1),
        attrs: {
          'gen_ai.operation.name': 'execute_tool',
          'gen_ai.tool.name': 'bash',
          'gen_ai.tool.type': 'function',
          'gen_ai.tool.call.arguments': JSON.stringify({ command }),
          'gen_ai.tool.call.result': seen.output,
          'process.exit.code': seen.exitCode,
          'error.type': seen.kind === 'timeout' ? 'timeout' : undefined,
        },
        status: seen.kind === 'timeout' ? { message: 'command timed out after 60 s and was killed' } : undefined,
      }),
    );
  }
  const first = spans.length > 0 ? Math.min(...spans.map((s) => Number(BigInt(s.startTimeUnixNano) / 1_000_000n))) : 0;
  const last = spans.length > 0 ? Math.max(...spans.map((s) => Number(BigInt(s.endTimeUnixNano) / 1_000_000n))) : 1;
  const claimed = traj.info?.exit_status === 'Submitted' || submitted ? 'success' : undefined;
  spans.unshift(
    span({
      traceId,
      spanId: rootId,
      name: 'invoke_agent mini-swe-agent',
      startMs: first - 1,
      endMs: last + 1,
      attrs: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': 'mini-swe-agent',
        'gen_ai.request.model': model,
        'mimir.run.id': runId,
        'mimir.task.id': id,
        'mimir.trial': 0,
        'mimir.run.claimed_status': claimed,
        'mimir.timing': 'derived',
        'mimir.messages.recorded': args.messages,
        'swe.exit_status': traj.info?.exit_status,
      },
    }),
  );
  traces.write(traceLine('mini-swe-agent', spans));
  const ok = resolved(id);
  counts.runs += 1;
  if (ok) counts.resolved += 1;
  labels.write(JSON.stringify({ run: runId, outcome: ok ? 'success' : 'failure', score: ok ? 1 : 0 }));
}
await Promise.all([traces.close(), labels.close()]);
console.error(JSON.stringify(counts), '→', join(args.out, base));
