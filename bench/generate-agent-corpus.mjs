// Writes a corpus shaped like the traces real agent frameworks write, for `npm run bench`: OTLP JSON
// Lines (one ExportTraceServiceRequest per line, a run's spans over two lines) where
//  - half the runs are recorded as the OpenTelemetry GenAI conventions record them (every chat span
//    carries the whole conversation so far in gen_ai.input.messages, system instructions apart), and
//    half as the Vercel AI SDK does (ai.generateText → ai.generateText.doGenerate with the whole
//    history in ai.prompt.messages, tool calls as ai.toolCall spans);
//  - tools are shell commands and lookups whose results are long (build and test logs, file
//    listings, JSON records: 0.3–3 KB), with process.exit.code on the shell calls, some non-zero;
//  - a long system prompt repeats across runs, as one agent's does, and every run is graded by a
//    labels file written beside the corpus (<out>.labels.jsonl).
// A model call's history repeats every earlier message verbatim, so content grows with the square
// of a run's length, as it does in real traces (tau-bench: ≈10 KB per span; SWE-bench agents ≈2.6 KB).
// Usage: node bench/generate-agent-corpus.mjs <out.jsonl> <spans>
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const [, , out, spansArg] = process.argv;
const targetSpans = Number(spansArg);
if (!out || !Number.isInteger(targetSpans) || targetSpans <= 0) {
  throw new Error('usage: node bench/generate-agent-corpus.mjs <out.jsonl> <spans>');
}
// mulberry32, seeded: every run of the benchmark reads the same corpus.
let seed = 7;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (list) => list[Math.floor(random() * list.length)];
const between = (low, high) => low + Math.floor(random() * (high - low + 1));
const hex = (n) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
const str = (key, value) => ({ key, value: { stringValue: value } });
const int = (key, value) => ({ key, value: { intValue: String(value) } });

const WORDS = (
  'the a to of and in is for that this with on be it as are not by from or at module function test value error ' +
  'return config file path order customer refund account request response user model tool result should check ' +
  'update fix bug import class method call expected actual assert line version build install run'
).split(' ');
const IDENTIFIERS = ['separability_matrix', 'CompoundModel', 'parse_header', 'get_order', 'UserSession', 'resolveConfig', 'test_nested_models', 'HttpClient', 'read_table', 'validate_input'];
const PATHS = ['src/models/compound.py', 'tests/test_separable.py', 'lib/http/client.ts', 'astropy/io/ascii/core.py', 'packages/core/src/index.ts', 'django/db/models/query.py'];
const sentence = (n) => Array.from({ length: n }, () => (random() < 0.15 ? pick(IDENTIFIERS) : pick(WORDS))).join(' ');
const SYSTEM_PROMPT =
  'You are a careful software and operations agent. You work in a sandbox through tools.\n' +
  Array.from({ length: 10 }, (_, i) => `${i + 1}. ${sentence(12)}.`).join('\n') +
  '\nAlways explain your reasoning in a THOUGHT section before you act, and run exactly one command per step.';

/** A tool's output as a real one reads: log lines, paths, numbers, code. */
function toolOutput(tool) {
  const lines = between(3, 30);
  const out = [];
  for (let i = 0; i < lines; i++) {
    const kind = random();
    if (tool === 'bash' && kind < 0.3) out.push(`${pick(PATHS)}:${between(1, 900)}: ${sentence(between(3, 10))}`);
    else if (kind < 0.45) out.push(`    def ${pick(IDENTIFIERS)}(self, ${pick(WORDS)}=${between(0, 99)}):`);
    else if (kind < 0.55) out.push(`PASSED ${pick(PATHS)}::${pick(IDENTIFIERS)} [${between(1, 99)}%]`);
    else out.push(sentence(between(4, 14)));
  }
  return tool === 'bash' ? out.join('\n') : JSON.stringify({ id: hex(8), status: pick(['ok', 'shipped', 'pending']), notes: out.slice(0, 6) });
}

const TOOLS = ['bash', 'bash', 'bash', 'lookup_order', 'read_file'];
const stream = createWriteStream(out);
const labels = createWriteStream(`${out}.labels.jsonl`);
let written = 0;
let run = 0;
const t0 = 1_763_900_000_000_000_000n;
const nano = (t) => String(t);

while (written < targetSpans) {
  const traceId = hex(32);
  const rootId = hex(16);
  const vercel = run % 2 === 1;
  const runId = `agent-run-${run}`;
  const start = t0 + BigInt(run) * 600_000_000_000n;
  const steps = between(3, 10);
  const spans = [];
  const task = `Task ${run}: ${sentence(between(20, 60))}\nRepository: ${pick(PATHS)}`;
  // The history, as each convention records it: GenAI parts, or the AI SDK's {role, content}.
  const genaiHistory = [{ role: 'user', parts: [{ type: 'text', content: task }] }];
  const vercelHistory = [{ role: 'system', content: SYSTEM_PROMPT }, { role: 'user', content: [{ type: 'text', text: task }] }];
  const parentId = vercel ? hex(16) : rootId;
  let time = start + 1_000_000n;
  let inputTokens = 900;
  for (let i = 0; i < steps; i++) {
    const last = i === steps - 1;
    const thought = `THOUGHT: ${sentence(between(15, 60))}`;
    const tool = pick(TOOLS);
    const callId = `call_${hex(12)}`;
    const args = tool === 'bash' ? { command: `cd /repo && python -m pytest ${pick(PATHS)} -q -k ${pick(IDENTIFIERS)}` } : { path: pick(PATHS), id: hex(6) };
    const chatId = hex(16);
    const end = time + BigInt(between(600, 4000)) * 1_000_000n;
    inputTokens += between(150, 900);
    if (vercel) {
      const toolCalls = last ? [] : [{ toolCallType: 'function', toolCallId: callId, toolName: tool, args: JSON.stringify(args) }];
      spans.push({
        traceId, spanId: chatId, parentSpanId: parentId, name: 'ai.generateText.doGenerate', kind: 3,
        startTimeUnixNano: nano(time), endTimeUnixNano: nano(end),
        attributes: [
          str('operation.name', 'ai.generateText.doGenerate agent'), str('ai.operationId', 'ai.generateText.doGenerate'), str('ai.model.provider', 'openai.chat'),
          str('ai.model.id', 'gpt-4o'), str('ai.telemetry.metadata.runId', runId), str('ai.prompt.messages', JSON.stringify(vercelHistory)),
          str('ai.response.text', thought), ...(toolCalls.length > 0 ? [str('ai.response.toolCalls', JSON.stringify(toolCalls))] : []),
          str('ai.response.finishReason', last ? 'stop' : 'tool-calls'), int('ai.usage.inputTokens', inputTokens), int('ai.usage.outputTokens', between(40, 400)),
        ],
        status: {},
      });
      vercelHistory.push({ role: 'assistant', content: [{ type: 'text', text: thought }, ...(last ? [] : [{ type: 'tool-call', toolCallId: callId, toolName: tool, input: args }])] });
    } else {
      spans.push({
        traceId, spanId: chatId, parentSpanId: rootId, name: 'chat gpt-4o', kind: 3,
        startTimeUnixNano: nano(time), endTimeUnixNano: nano(end),
        attributes: [
          str('gen_ai.operation.name', 'chat'), str('gen_ai.provider.name', 'openai'), str('gen_ai.request.model', 'gpt-4o'),
          int('gen_ai.usage.input_tokens', inputTokens), int('gen_ai.usage.output_tokens', between(40, 400)),
          str('gen_ai.system_instructions', JSON.stringify([{ type: 'text', content: SYSTEM_PROMPT }])),
          str('gen_ai.input.messages', JSON.stringify(genaiHistory)),
          str('gen_ai.output.messages', JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: thought }, ...(last ? [] : [{ type: 'tool_call', id: callId, name: tool, arguments: args }])], finish_reason: last ? 'stop' : 'tool_call' }])),
        ],
        status: {},
      });
      genaiHistory.push({ role: 'assistant', parts: [{ type: 'text', content: thought }, ...(last ? [] : [{ type: 'tool_call', id: callId, name: tool, arguments: args }])] });
    }
    time = end + 5_000_000n;
    if (last) break;
    const result = toolOutput(tool);
    const exitCode = tool === 'bash' ? (random() < 0.12 ? pick([1, 2, 127]) : 0) : undefined;
    const toolEnd = time + BigInt(between(50, 3000)) * 1_000_000n;
    const common = [...(exitCode === undefined ? [] : [int('process.exit.code', exitCode)])];
    if (vercel) {
      spans.push({
        traceId, spanId: hex(16), parentSpanId: parentId, name: 'ai.toolCall', kind: 1,
        startTimeUnixNano: nano(time), endTimeUnixNano: nano(toolEnd),
        attributes: [
          str('operation.name', 'ai.toolCall agent'), str('ai.operationId', 'ai.toolCall'), str('ai.telemetry.metadata.runId', runId),
          str('ai.toolCall.name', tool), str('ai.toolCall.id', callId), str('ai.toolCall.args', JSON.stringify(args)), str('ai.toolCall.result', result), ...common,
        ],
        status: {},
      });
      vercelHistory.push({ role: 'tool', content: [{ type: 'tool-result', toolCallId: callId, toolName: tool, output: { type: 'text', value: result } }] });
    } else {
      spans.push({
        traceId, spanId: hex(16), parentSpanId: rootId, name: `execute_tool ${tool}`, kind: 1,
        startTimeUnixNano: nano(time), endTimeUnixNano: nano(toolEnd),
        attributes: [
          str('gen_ai.operation.name', 'execute_tool'), str('gen_ai.tool.name', tool), str('gen_ai.tool.call.id', callId),
          str('gen_ai.tool.call.arguments', JSON.stringify(args)), str('gen_ai.tool.call.result', result), ...common,
        ],
        status: {},
      });
      genaiHistory.push({ role: 'tool', parts: [{ type: 'tool_call_response', id: callId, response: result }] });
    }
    time = toolEnd + 5_000_000n;
  }
  const claimed = random() < 0.85 ? 'success' : 'failure';
  const rootAttributes = [str('mimir.run.id', runId), str('mimir.task.id', `task-${run % 300}`), int('mimir.trial', Math.floor(run / 300)), str('mimir.run.claimed_status', claimed)];
  if (vercel) {
    spans.unshift({
      traceId, spanId: parentId, parentSpanId: rootId, name: 'ai.generateText', kind: 1,
      startTimeUnixNano: nano(start + 500_000n), endTimeUnixNano: nano(time),
      attributes: [str('operation.name', 'ai.generateText agent'), str('ai.operationId', 'ai.generateText'), str('ai.model.id', 'gpt-4o'), str('ai.telemetry.metadata.runId', runId), str('ai.prompt', JSON.stringify({ system: SYSTEM_PROMPT, prompt: task }))],
      status: {},
    });
  }
  spans.unshift({
    traceId, spanId: rootId, name: 'invoke_agent agent', kind: 1,
    startTimeUnixNano: nano(start), endTimeUnixNano: nano(time + 1_000_000n),
    attributes: [str('gen_ai.operation.name', 'invoke_agent'), str('gen_ai.agent.name', 'agent'), ...rootAttributes],
    status: {},
  });
  // The collector batches: a trace's spans can span several lines; children first, root last.
  const half = Math.ceil(spans.length / 2);
  for (const batch of [spans.slice(1, half), [...spans.slice(half), spans[0]]]) {
    const line = JSON.stringify({ resourceSpans: [{ resource: { attributes: [str('service.name', 'agent')] }, scopeSpans: [{ scope: { name: vercel ? 'ai' : 'bench' }, spans: batch }] }] });
    if (!stream.write(line + '\n')) await once(stream, 'drain');
  }
  labels.write(JSON.stringify({ run: runId, outcome: random() < 0.7 ? 'success' : 'failure' }) + '\n');
  written += spans.length;
  run++;
}
stream.end();
labels.end();
await Promise.all([once(stream, 'finish'), once(labels, 'finish')]);
console.log(JSON.stringify({ spans: written, runs: run }));
