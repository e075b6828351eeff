// Writes an OTLP JSON Lines trace corpus (as the OpenTelemetry Collector's file exporter does: one
// ExportTraceServiceRequest per line) with message content, for `npm run bench`.
// Usage: node bench/generate-corpus.mjs <out.jsonl> <spans>
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const [, , out, spansArg] = process.argv;
const targetSpans = Number(spansArg);
if (!out || !Number.isInteger(targetSpans) || targetSpans <= 0) {
  throw new Error('usage: node bench/generate-corpus.mjs <out.jsonl> <spans>');
}

// A deterministic PRNG (mulberry32: 32-bit integer arithmetic, so no precision is lost) so every
// run of the benchmark reads the same corpus, with distinct trace and span ids.
let seed = 42;
const random = () => {
  seed = (seed + 0x6d2b79f5) | 0;
  let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const hex = (n) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
const str = (key, value) => ({ key, value: { stringValue: value } });
const int = (key, value) => ({ key, value: { intValue: String(value) } });
const TOOLS = ['lookup_order', 'lookup_customer', 'issue_refund', 'send_email', 'update_order'];
const WORDS = 'the order customer refund email shipped delayed account invoice status please check update ticket'.split(' ');
const sentence = (n) => Array.from({ length: n }, () => WORDS[Math.floor(random() * WORDS.length)]).join(' ');

const stream = createWriteStream(out);
let written = 0;
let run = 0;
const t0 = 1_763_900_000_000_000_000n;
while (written < targetSpans) {
  const traceId = hex(32);
  const rootId = hex(16);
  const start = t0 + BigInt(run) * 60_000_000_000n;
  const steps = 4 + Math.floor(random() * 8);
  const spans = [];
  const messages = [{ role: 'system', parts: [{ type: 'text', content: 'You are a back-office assistant. ' + sentence(30) }] }, { role: 'user', parts: [{ type: 'text', content: sentence(25) }] }];
  let time = start + 1_000_000n;
  for (let i = 0; i < steps; i++) {
    const chatId = hex(16);
    const output = sentence(20 + Math.floor(random() * 40));
    spans.push({
      traceId, spanId: chatId, parentSpanId: rootId, name: 'chat gpt-4o', kind: 3,
      startTimeUnixNano: String(time), endTimeUnixNano: String(time + 800_000_000n),
      attributes: [
        str('gen_ai.operation.name', 'chat'), str('gen_ai.provider.name', 'openai'), str('gen_ai.request.model', 'gpt-4o'),
        int('gen_ai.usage.input_tokens', 200 + i * 120), int('gen_ai.usage.output_tokens', 60),
        str('gen_ai.input.messages', JSON.stringify(messages)),
        str('gen_ai.output.messages', JSON.stringify([{ role: 'assistant', parts: [{ type: 'text', content: output }] }])),
      ],
      status: {},
    });
    messages.push({ role: 'assistant', parts: [{ type: 'text', content: output }] });
    time += 900_000_000n;
    const tool = TOOLS[Math.floor(random() * TOOLS.length)];
    const failed = random() < 0.08;
    const result = failed ? 'Error: upstream timed out' : JSON.stringify({ ok: true, note: sentence(15) });
    spans.push({
      traceId, spanId: hex(16), parentSpanId: rootId, name: `execute_tool ${tool}`, kind: 1,
      startTimeUnixNano: String(time), endTimeUnixNano: String(time + 300_000_000n),
      attributes: [
        str('gen_ai.operation.name', 'execute_tool'), str('gen_ai.tool.name', tool), str('gen_ai.tool.call.id', `call_${hex(8)}`),
        str('gen_ai.tool.call.arguments', JSON.stringify({ order_id: hex(6) })), str('gen_ai.tool.call.result', result),
      ],
      status: failed ? { code: 2, message: 'upstream timed out' } : {},
    });
    messages.push({ role: 'tool', parts: [{ type: 'tool_call_response', response: result }] });
    time += 400_000_000n;
  }
  const claimed = random() < 0.9 ? 'success' : 'failure';
  spans.unshift({
    traceId, spanId: rootId, name: 'invoke_agent back-office', kind: 1,
    startTimeUnixNano: String(start), endTimeUnixNano: String(time + 1_000_000n),
    attributes: [str('gen_ai.operation.name', 'invoke_agent'), str('mimir.run.id', `run-${run}`), str('mimir.task.id', `task-${run % 500}`), int('mimir.trial', Math.floor(run / 500)), str('mimir.run.claimed_status', claimed)],
    events: [{ name: 'gen_ai.evaluation.result', timeUnixNano: String(time), attributes: [str('gen_ai.evaluation.name', 'outcome'), { key: 'gen_ai.evaluation.score.value', value: { doubleValue: random() < 0.8 ? 1 : 0 } }] }],
    status: {},
  });
  // The collector batches: a trace's spans can span several lines; write children first, root last.
  const half = Math.ceil(spans.length / 2);
  for (const batch of [spans.slice(1, half), [...spans.slice(half), spans[0]]]) {
    const line = JSON.stringify({ resourceSpans: [{ resource: { attributes: [str('service.name', 'back-office')] }, scopeSpans: [{ scope: { name: 'bench' }, spans: batch }] }] });
    if (!stream.write(line + '\n')) await once(stream, 'drain');
  }
  written += spans.length;
  run++;
}
stream.end();
await once(stream, 'finish');
console.log(JSON.stringify({ spans: written, runs: run }));
