#!/usr/bin/env node
// Converts tau-bench historical trajectories (sierra-research/tau-bench, historical_trajectories/<model>-<domain>.json)
// into OTLP/JSON Lines as GenAI instrumentation of the tool-calling agent would record them, plus labels.jsonl.
//
//   node scripts/real-data/convert-tau-bench.mjs <trajectories.json> --out <dir>
//        [--domain airline] [--model gpt-4o] [--messages full|delta] [--tasks all|<a>-<b>|every:<n>] [--gzip yes|no]
//
// Source record: { task_id, trial, reward, info: { task, reward_info, ... }, traj: [OpenAI chat messages] }.
// One trace per record: a root `invoke_agent` span; one `chat` span per assistant message (its input: the conversation
// before it, which is what the agent sent the model; `--messages delta` records only the messages new since the previous
// model call); one `execute_tool` span per tool call, with the tool message as its result. The simulated user's turns are
// not spans (the user simulator is outside the agent); they appear in the next chat span's input.
// tau-bench's environment catches a tool's exception and returns "Error: <message>" to the agent; such a call is
// recorded with an error status (the exception happened), everything else unset.
// The source has no timestamps: timing is synthetic (1 s per model call, 100 ms per tool call, 2 s per user turn),
// marked `mimir.timing: "synthetic"` on the root span.
// Claimed status: the agent's only explicit claim in this data is a hand-off (`transfer_to_human_agents`) →
// `escalated`. tau-bench agents never declare success or failure, so no other claim is recorded.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hexId, lineWriter, parseArgs, span, textPart, traceLine } from './otlp.mjs';

const args = parseArgs(process.argv.slice(2), { domain: 'airline', model: 'gpt-4o', messages: 'full', tasks: 'all', gzip: 'no', out: '' });
if (args._.length !== 1 || args.out === '') {
  console.error('usage: convert-tau-bench.mjs <trajectories.json> --out <dir> [--domain d] [--model m] [--messages full|delta] [--tasks all|a-b|every:n] [--gzip yes|no]');
  process.exitCode = 2;
  throw new Error('bad arguments (see the usage above)');
}
if (args.messages !== 'full' && args.messages !== 'delta') throw new Error('--messages is full or delta');

const records = JSON.parse(readFileSync(args._[0], 'utf8'));
const keepTask = taskFilter(args.tasks);
const BASE_MS = Date.UTC(2024, 5, 1); // synthetic clock origin
const agentName = `tau-bench-${args.domain}-tool-calling`;

function taskFilter(spec) {
  if (spec === 'all') return () => true;
  const range = /^(\d+)-(\d+)$/.exec(spec);
  if (range) return (id) => id >= Number(range[1]) && id <= Number(range[2]);
  const every = /^every:(\d+)$/.exec(spec);
  if (every) return (id) => id % Number(every[1]) === 0;
  throw new Error(`--tasks ${spec}: all, a-b or every:n`);
}

/** A source message in the GenAI conventions' message format. */
function genaiMessage(message) {
  if (message.role === 'tool') {
    return { role: 'tool', parts: [{ type: 'tool_call_response', id: message.tool_call_id, response: message.content }] };
  }
  const parts = [];
  if (typeof message.content === 'string' && message.content !== '') parts.push(textPart(message.content));
  for (const call of message.tool_calls ?? []) parts.push({ type: 'tool_call', id: call.id, name: call.function.name, arguments: parseJson(call.function.arguments) });
  return { role: message.role, parts };
}

function parseJson(text) {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

const out = join(args.out, `tau-bench-${args.domain}-${args.model}.otlp.jsonl${args.gzip === 'yes' ? '.gz' : ''}`);
const traces = lineWriter(out);
const labels = lineWriter(join(args.out, 'labels.jsonl'));
let runs = 0;
let index = 0;
for (const record of records) {
  index += 1;
  if (!keepTask(record.task_id)) continue;
  runs += 1;
  const runId = `tau-${args.domain}-${args.model}/task-${record.task_id}/trial-${record.trial}`;
  const traceId = hexId(32, runId);
  const rootId = hexId(16, runId, 'root');
  const spans = [];
  const traj = record.traj;
  const system = traj[0]?.role === 'system' ? traj[0].content : undefined;
  const conversation = system === undefined ? traj : traj.slice(1);
  let clock = BASE_MS + index * 3_600_000;
  const start = clock;
  let sinceLastCall = 0; // index in `conversation` of the first message not yet sent to the model
  let escalated = false;
  let calls = 0;
  for (let position = 0; position < conversation.length; position += 1) {
    const message = conversation[position];
    if (message.role === 'user') {
      clock += 2000;
      continue;
    }
    if (message.role !== 'assistant') continue;
    calls += 1;
    const input = conversation.slice(args.messages === 'full' ? 0 : sinceLastCall, position).map(genaiMessage);
    sinceLastCall = position + 1;
    const hasCalls = (message.tool_calls ?? []).length > 0;
    const chatId = hexId(16, runId, 'chat', position);
    spans.push(
      span({
        traceId,
        spanId: chatId,
        parentSpanId: rootId,
        name: `chat ${args.model}`,
        kind: 3,
        startMs: clock,
        endMs: clock + 1000,
        attrs: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': args.model,
          'gen_ai.system_instructions': system !== undefined && (args.messages === 'full' || calls === 1) ? JSON.stringify([textPart(system)]) : undefined,
          'gen_ai.input.messages': JSON.stringify(input),
          'gen_ai.output.messages': JSON.stringify([{ ...genaiMessage(message), finish_reason: hasCalls ? 'tool_call' : 'stop' }]),
        },
      }),
    );
    clock += 1000;
    for (const [callIndex, call] of (message.tool_calls ?? []).entries()) {
      const name = call.function.name;
      if (name === 'transfer_to_human_agents') escalated = true;
      const response = conversation.slice(position + 1).find((m) => m.role === 'tool' && m.tool_call_id === call.id);
      const result = response?.content;
      const failed = typeof result === 'string' && result.startsWith('Error:');
      spans.push(
        span({
          traceId,
          spanId: hexId(16, runId, 'tool', position, callIndex), // call ids repeat within some source runs
          parentSpanId: rootId,
          name: `execute_tool ${name}`,
          startMs: clock,
          endMs: clock + 100,
          attrs: {
            'gen_ai.operation.name': 'execute_tool',
            'gen_ai.tool.name': name,
            'gen_ai.tool.call.id': call.id,
            'gen_ai.tool.call.arguments': call.function.arguments,
            'gen_ai.tool.call.result': result,
            'error.type': failed ? 'ToolError' : undefined,
          },
          status: failed ? { message: result.slice(0, 200) } : undefined,
        }),
      );
      clock += 100;
    }
  }
  spans.unshift(
    span({
      traceId,
      spanId: rootId,
      name: `invoke_agent ${agentName}`,
      startMs: start,
      endMs: clock + 1,
      attrs: {
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': agentName,
        'gen_ai.conversation.id': runId,
        'mimir.run.id': runId,
        'mimir.task.id': `${args.domain}-${record.task_id}`,
        'mimir.trial': record.trial,
        'mimir.run.claimed_status': escalated ? 'escalated' : undefined,
        'mimir.timing': 'synthetic',
        'mimir.messages.recorded': args.messages,
      },
    }),
  );
  traces.write(traceLine(agentName, spans));
  labels.write(JSON.stringify({ run: runId, outcome: record.reward === 1 ? 'success' : 'failure', score: record.reward }));
}
await Promise.all([traces.close(), labels.close()]);
console.error(`${runs} runs → ${out}`);
