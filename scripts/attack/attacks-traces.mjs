// Hostile trace files: cut gzip streams, misspelt and mistyped keys, hostile strings in every field,
// huge fields, broken lines and flipped bytes, in the OTLP, LangSmith and OpenAI Agents readers.
// Each is read with `mimir traces --format json` (the run count and problems come back) and then
// rendered in every trace format, so a reader or a renderer that crashes or hangs shows.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

/** A small deterministic generator, so every run of the suite tries the same bytes. */
export function prng(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const hex = (n, width) => n.toString(16).padStart(width, '0');

/** One OTLP line per run: an agent root, a model call, a failed tool call and a good one. */
export function syntheticOtlp(runs, plant = (text) => text) {
  const lines = [];
  for (let r = 0; r < runs; r++) {
    const traceId = hex(r + 1, 32);
    const t0 = 1772460000000000000n + BigInt(r) * 10_000_000_000n;
    const at = (ms) => String(t0 + BigInt(ms) * 1_000_000n);
    const attr = (key, value) => ({ key, value: { stringValue: plant(value) } });
    const span = (id, parent, name, start, end, attributes, status) => ({
      traceId,
      spanId: hex(r * 16 + id, 16),
      ...(parent !== undefined && { parentSpanId: hex(r * 16 + parent, 16) }),
      name: plant(name),
      kind: 1,
      startTimeUnixNano: at(start),
      endTimeUnixNano: at(end),
      attributes,
      ...(status && { status }),
    });
    const spans = [
      span(1, undefined, 'invoke_agent refunds', 0, 900, [attr('gen_ai.operation.name', 'invoke_agent'), attr('gen_ai.agent.name', 'refunds'), attr('mimir.run.id', `run-${r}`)]),
      span(2, 1, 'chat gpt-4o', 10, 300, [attr('gen_ai.operation.name', 'chat'), attr('gen_ai.request.model', 'gpt-4o'), { key: 'gen_ai.usage.input_tokens', value: { intValue: String(400 + r) } }]),
      span(3, 1, 'execute_tool issue_refund', 310, 500, [attr('gen_ai.operation.name', 'execute_tool'), attr('gen_ai.tool.name', 'issue_refund'), attr('gen_ai.tool.call.arguments', '{"order_id":"A-1","amount":12}'), attr('gen_ai.tool.call.result', 'Error: upstream refused the refund')], { code: 2, message: plant('upstream refused the refund') }),
      span(4, 1, 'execute_tool lookup_order', 510, 600, [attr('gen_ai.operation.name', 'execute_tool'), attr('gen_ai.tool.name', 'lookup_order'), attr('gen_ai.tool.call.result', '{"status":"shipped"}')]),
    ];
    lines.push(JSON.stringify({ resourceSpans: [{ resource: { attributes: [attr('service.name', 'refund-agent')] }, scopeSpans: [{ scope: { name: 'attack' }, spans }] }] }));
  }
  return `${lines.join('\n')}\n`;
}

const HOSTILE = {
  'ANSI and control bytes': '\u001b[2J\u001b[31mred\u0007\u0008\u009b31m\u0000nul\r\rcr',
  'HTML and script': '</script><script>alert(1)</script><img src=x onerror=alert(2)>&amp;"\'',
  'Markdown injection': '| a | b |\n---\n[click](javascript:alert(1)) ![x](http://127.0.0.1/x) `code` **bold** <details>',
  'bidi and zero-width': '\u202e\u2066evil\u2069\u200b\u200d\ufeff',
  'lone surrogates': '\ud800x\udfff\ud83d',
  'prototype names': '__proto__',
  'format strings': '%s%s%n${process.exit(1)}{{constructor.constructor("x")()}}',
  '100k characters': 'ä'.repeat(100_000),
  'newlines': '\n\n\n'.repeat(1000),
};

export async function traceAttacks({ repo, runMimir, root }) {
  const attacks = [];
  const fixtures = join(repo, 'test', 'fixtures', 'traces');
  const otlp = syntheticOtlp(6);
  const otlpLines = otlp.trimEnd().split('\n');
  const langsmith = readFileSync(join(fixtures, 'langsmith', 'back-office.jsonl'), 'utf8').split('\n').slice(0, 100).join('\n') + '\n';
  const openai = readFileSync(join(fixtures, 'openai-agents', 'back-office.json'), 'utf8');
  const refund = readFileSync(join(fixtures, 'otlp', 'genai-refund-agent.jsonl'), 'utf8');

  // What each base reads as, untouched: the run counts the attacks are held to.
  const baseline = {};
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const baseDir = join(root, 'baseline');
  mkdirSync(baseDir);
  for (const [name, text] of Object.entries({ 'otlp.jsonl': otlp, 'langsmith.jsonl': langsmith, 'openai.json': openai, 'refund.jsonl': refund })) {
    writeFileSync(join(baseDir, name), text);
    const result = await runMimir(['traces', join(baseDir, name), '--format', 'json'], baseDir);
    const report = JSON.parse(result.stdout);
    if (!(report.runs > 0) || report.problems.total !== 0) throw new Error(`baseline ${name}: ${report.runs} runs, ${report.problems.total} problems`);
    baseline[name] = report.runs;
  }

  /**
   * An attack on one trace file, read for its counts; where the hostile part reaches the reports
   * (`render`), rendered in every trace format too.
   */
  const attack = (name, file, content, inputRuns, { render = false } = {}) =>
    attacks.push({
      family: 'traces',
      name,
      files: { [file]: content },
      runsStep: 0,
      inputRuns,
      steps: [{ argv: ['traces', file, '--format', 'json'] }, ...(render ? [{ argv: ['traces', file, '--format', 'terminal,json,html', '--out', 'out'] }] : [])],
    });

  for (const name of Object.keys(baseline)) attack(`untouched ${name} (control)`, name, { 'otlp.jsonl': otlp, 'langsmith.jsonl': langsmith, 'openai.json': openai, 'refund.jsonl': refund }[name], baseline[name], { render: true });

  // gzip streams cut anywhere, garbage after them, gzip headers over garbage.
  const gz = gzipSync(otlp);
  for (const cut of [1, 10, 18, 30, 45, 60, 150, Math.floor(gz.length / 2), gz.length - 4]) attack(`OTLP gzip cut at byte ${cut} of ${gz.length}`, 'traces.jsonl.gz', gz.subarray(0, cut), baseline['otlp.jsonl']);
  attack('OTLP gzip with garbage appended', 'traces.jsonl.gz', Buffer.concat([gz, Buffer.from('garbage after the stream')]), baseline['otlp.jsonl']);
  attack('gzip magic over garbage', 'traces.jsonl.gz', Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0]), Buffer.from('x'.repeat(200))]), undefined);
  const lsGz = gzipSync(langsmith);
  for (const cut of [30, 60, Math.floor(lsGz.length / 2)]) attack(`LangSmith gzip cut at byte ${cut}`, 'runs.jsonl.gz', lsGz.subarray(0, cut), baseline['langsmith.jsonl']);

  // Misspelt and mistyped keys, in the first run only: that run must not vanish unsaid.
  const firstLine = (edit) => `${[edit(otlpLines[0]), ...otlpLines.slice(1)].join('\n')}\n`;
  for (const [from, to] of [
    ['resourceSpans', 'resourceSpanz'], ['scopeSpans', 'scoqeSpans'], ['"spans"', '"spnas"'], ['traceId', 'traceid'], ['spanId', 'spanID'],
    ['parentSpanId', 'parentSpanID'], ['startTimeUnixNano', 'startTimeUnixNanos'], ['endTimeUnixNano', 'endTimeUnixNan0'], ['attributes', 'atributes'], ['stringValue', 'stringvalue'], ['"status"', '"stauts"'],
  ]) attack(`OTLP key ${from} misspelt ${to}`, 'traces.jsonl', firstLine((line) => line.replaceAll(from, to)), baseline['otlp.jsonl']);
  for (const [what, edit] of [
    ['span kind an object', (l) => l.replaceAll('"kind":1', '"kind":{"a":1}')],
    ['span kind a string', (l) => l.replaceAll('"kind":1', '"kind":"SERVER"')],
    ['start time an object', (l) => l.replace(/"startTimeUnixNano":"\d+"/g, '"startTimeUnixNano":{}')],
    ['start time 1e999', (l) => l.replace(/"startTimeUnixNano":"\d+"/g, '"startTimeUnixNano":1e999')],
    ['start time negative', (l) => l.replace(/"startTimeUnixNano":"\d+"/g, '"startTimeUnixNano":"-5"')],
    ['spans an object', (l) => l.replace('"spans":[', '"spans":{"0":').replace(/\]\}\]\}$/, '}}]}')],
    ['attributes a string', (l) => l.replace(/"attributes":\[[^\]]*\]/, '"attributes":"x"')],
    ['root ends before it starts', (l) => l.replace(/"startTimeUnixNano":"(\d+)","endTimeUnixNano":"(\d+)"/, (_, s, e) => `"startTimeUnixNano":"${e}","endTimeUnixNano":"${s}"`)],
    ['status code a string', (l) => l.replace('"code":2', '"code":"ERROR"')],
    ['traceId not hex', (l) => l.replaceAll(/"traceId":"[0-9a-f]+"/g, '"traceId":"zz-not-hex"')],
  ]) attack(`OTLP ${what}`, 'traces.jsonl', firstLine(edit), baseline['otlp.jsonl']);
  // Lines that hold no spans at all (a null or empty container), added to the runs: nothing may be lost around them.
  attack('OTLP lines with resourceSpans null, scopeSpans null, spans []', 'traces.jsonl', `${otlp}{"resourceSpans":null}\n{"resourceSpans":[{"scopeSpans":null}]}\n{"resourceSpans":[{"scopeSpans":[{"spans":[]}]}]}\n`, baseline['otlp.jsonl']);

  // LangSmith and Agents SDK exports, damaged the same ways.
  const lsLines = langsmith.trimEnd().split('\n');
  attack('LangSmith status error with error null', 'runs.jsonl', `${lsLines.map((l) => l.replace('"status":"success"', '"status":"error","error":null')).join('\n')}\n`, baseline['langsmith.jsonl']);
  attack('LangSmith run_type misspelt', 'runs.jsonl', `${lsLines.map((l, i) => (i === 0 ? l.replace('"run_type"', '"runtype"') : l)).join('\n')}\n`, baseline['langsmith.jsonl']);
  attack('LangSmith cut mid-line', 'runs.jsonl', langsmith.slice(0, Math.floor(langsmith.length / 2)), baseline['langsmith.jsonl']);
  attack('LangSmith start_time garbage', 'runs.jsonl', `${lsLines.map((l) => l.replace(/"start_time":"[^"]*"/, '"start_time":"yesterday"')).join('\n')}\n`, baseline['langsmith.jsonl']);
  attack('Agents SDK export cut in half', 'export.json', openai.slice(0, Math.floor(openai.length / 2)), baseline['openai.json']);
  attack('Agents SDK export "data" misspelt', 'export.json', openai.replace('"data"', '"date"'), baseline['openai.json']);
  attack('Agents SDK span ids mistyped', 'export.json', openai.replace(/"trace_id": "[^"]*"/, '"trace_id": 42'), baseline['openai.json']);

  // Broken lines, empty files, flipped bytes.
  attack('OTLP first line cut in half', 'traces.jsonl', `${[otlpLines[0].slice(0, otlpLines[0].length >> 1), ...otlpLines.slice(1)].join('\n')}\n`, baseline['otlp.jsonl']);
  attack('OTLP last line without its end', 'traces.jsonl', otlp.slice(0, otlp.length - 40), baseline['otlp.jsonl']);
  attack('empty file', 'traces.jsonl', '', undefined);
  attack('only whitespace', 'traces.jsonl', ' \n\n\t\n', undefined);
  attack('NUL bytes', 'traces.jsonl', Buffer.alloc(4096), undefined);
  attack('BOM then OTLP', 'traces.jsonl', `\ufeff${otlp}`, baseline['otlp.jsonl']);
  attack('CRLF line ends', 'traces.jsonl', otlp.replaceAll('\n', '\r\n'), baseline['otlp.jsonl']);
  const random = prng(12);
  attack('random bytes', 'traces.jsonl', Buffer.from(Array.from({ length: 65536 }, () => Math.floor(random() * 256))), undefined);
  for (let seed = 1; seed <= 6; seed++) {
    const next = prng(seed);
    const bytes = Buffer.from(otlp);
    for (let flips = 0; flips < 3; flips++) bytes[Math.floor(next() * bytes.length)] = Math.floor(next() * 256);
    attack(`OTLP with 3 flipped bytes (seed ${seed})`, 'traces.jsonl', bytes, baseline['otlp.jsonl']);
  }

  // Hostile strings in every string the reader keeps: names, attributes, status messages.
  for (const [what, text] of Object.entries(HOSTILE)) attack(`OTLP hostile strings: ${what}`, 'traces.jsonl', syntheticOtlp(6, (value) => `${value}${text}`), baseline['otlp.jsonl'], { render: true });
  attack('OTLP attribute key __proto__ and constructor', 'traces.jsonl', firstLine((l) => l.replace('"key":"gen_ai.agent.name"', '"key":"__proto__"').replace('"key":"service.name"', '"key":"constructor"')), baseline['otlp.jsonl'], { render: true });

  // Huge fields and deep nesting.
  attack('OTLP 5 MB tool result', 'traces.jsonl', firstLine((l) => l.replace('{\\"status\\":\\"shipped\\"}', 'x'.repeat(5_000_000))), baseline['otlp.jsonl'], { render: true });
  attack('OTLP 1 MB span name', 'traces.jsonl', firstLine((l) => l.replace('chat gpt-4o', 'n'.repeat(1_000_000))), baseline['otlp.jsonl'], { render: true });
  attack('OTLP 1 MB run id', 'traces.jsonl', firstLine((l) => l.replace('run-0', 'r'.repeat(1_000_000))), baseline['otlp.jsonl'], { render: true });
  attack('OTLP 100k attributes on one span', 'traces.jsonl', firstLine((l) => l.replace('"attributes":[', `"attributes":[${Array.from({ length: 100_000 }, (_, i) => `{"key":"k${i}","value":{"intValue":"${i}"}}`).join(',')},`)), baseline['otlp.jsonl']);
  const deep = (n) => `${'{"arrayValue":{"values":['.repeat(n)}{"stringValue":"x"}${']}}'.repeat(n)}`;
  attack('OTLP attribute nested 100k deep', 'traces.jsonl', firstLine((l) => l.replace('{"stringValue":"refunds"}', deep(100_000))), baseline['otlp.jsonl'], { render: true });
  attack('JSON nested 1M deep', 'traces.jsonl', `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}\n`, undefined);
  attack('one 20 MB line', 'traces.jsonl', `{"resourceSpans":[],"pad":"${'p'.repeat(20_000_000)}"}\n`, undefined);
  return attacks;
}
