// The agent's entry point against mimir's agent contract:
//   in:  MIMIR_TASK (or the first argument, or stdin), MIMIR_MCP_URL, MIMIR_RUN_ID, MIMIR_TRIAL,
//        MIMIR_RESUME=1, OTEL_EXPORTER_OTLP_ENDPOINT
//   out: the last stdout line is the claim {"status": "success" | "failure", "summary": "…"}
// Without MIMIR_MCP_URL it reaches HELPDESK_MCP_URL, or starts ../server/server.mjs over stdio.
//
// The model (scripted here) only proposes; the gate decides what runs, and the claim is computed
// from validated tool results, never taken from the model's own words.
import { randomUUID } from 'node:crypto';
import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, MCPServerStdio, MCPServerStreamableHttp, Runner, setTracingDisabled, tool as functionTool } from '@openai/agents';
import { MODEL_NAME, ScriptedModelProvider, goalMessage } from './model.mjs';
import { TASK_KINDS, parseTask } from './tasks.mjs';
import { HaltRun, createGate } from './gate.mjs';
import { assembleModelInput, instructionsFor, toGenAiMessages, toGenAiOutput } from './context.mjs';
import { SpanKind, SpanStatusCode, createTelemetry } from './telemetry.mjs';

const AGENT_NAME = 'helpdesk-agent';
const VERSION = '1.0.0';
const RUN_DEADLINE_MS = Number(process.env.HELPDESK_RUN_DEADLINE_MS ?? 45000);
const MAX_TURNS = 20;
const HIDDEN_TOOLS = new Set(['inspect_world', 'request_approval']); // verifier-only and plumbing-only

const log = (message) => process.stderr.write(`[helpdesk-agent] ${message}\n`);

async function readTaskText() {
  if (process.env.MIMIR_TASK) return process.env.MIMIR_TASK;
  if (process.argv[2]) return process.argv[2];
  if (process.stdin.isTTY) return '';
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8').trim();
}

function connectServer() {
  const url = process.env.MIMIR_MCP_URL ?? process.env.HELPDESK_MCP_URL;
  if (url) return new MCPServerStreamableHttp({ url, name: 'helpdesk', timeout: 30000, cacheToolsList: true });
  const server = fileURLToPath(new URL('../server/server.mjs', import.meta.url));
  return new MCPServerStdio({ command: process.execPath, args: [server], name: 'helpdesk', env: { ...process.env }, timeout: 30000, cacheToolsList: true });
}

/** Wraps the model so every call is a GenAI `chat` span: plumbing, not script. */
function tracedModelProvider(inner, telemetry, root) {
  return {
    async getModel(name) {
      const model = await inner.getModel(name);
      return {
        async getResponse(request) {
          const span = telemetry.start(`chat ${MODEL_NAME}`, {
            'gen_ai.operation.name': 'chat',
            'gen_ai.provider.name': 'scripted',
            'gen_ai.request.model': MODEL_NAME,
          }, root, SpanKind.CLIENT);
          if (telemetry.captureContent) {
            span.setAttribute('gen_ai.system_instructions', JSON.stringify([{ type: 'text', content: request.systemInstructions ?? '' }]));
            span.setAttribute('gen_ai.input.messages', JSON.stringify(toGenAiMessages(request.input)));
          }
          try {
            const response = await model.getResponse(request);
            span.setAttributes({
              'gen_ai.response.model': MODEL_NAME,
              'gen_ai.response.id': response.responseId ?? '',
              'gen_ai.usage.input_tokens': response.usage.inputTokens,
              'gen_ai.usage.output_tokens': response.usage.outputTokens,
              'gen_ai.response.finish_reasons': [response.output.some((o) => o.type === 'function_call') ? 'tool_call' : 'stop'],
            });
            if (telemetry.captureContent) span.setAttribute('gen_ai.output.messages', JSON.stringify(toGenAiOutput(response.output)));
            span.end();
            return response;
          } catch (error) {
            span.setAttribute('error.type', 'model_error');
            span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
            span.end();
            throw error;
          }
        },
        getStreamedResponse: (request) => model.getStreamedResponse(request),
      };
    },
  };
}

/** Success only when every effect the task needs is confirmed by a validated tool result. */
function judge(task, kind, state, finalText) {
  const needed = kind.effects(task);
  const done = needed.filter((e) => state.results.some((x) => x.tool === e.tool && e.match(x.result)));
  const missing = needed.filter((e) => !done.includes(e));
  if (missing.length === 0) return { status: 'success', summary: `${finalText ?? ''} Confirmed by tool results: ${done.map((e) => e.what).join('; ')}.`.trim() };
  return {
    status: 'failure',
    summary: `Not done: ${missing.map((e) => e.what).join('; ')}.${done.length ? ` Done and confirmed: ${done.map((e) => e.what).join('; ')}.` : ''} The model said: ${finalText ?? '(nothing)'}`,
  };
}

function progress(task, kind, state) {
  const needed = kind.effects(task);
  const done = needed.filter((e) => state.results.some((x) => x.tool === e.tool && e.match(x.result)));
  const missing = needed.filter((e) => !done.includes(e));
  return `${done.length ? ` Done and confirmed: ${done.map((e) => e.what).join('; ')}.` : ' Nothing was changed.'}${missing.length ? ` Not done: ${missing.map((e) => e.what).join('; ')}.` : ''}`;
}

export async function runAgent({ entryUrl, gatedTools }) {
  const build = basename(dirname(fileURLToPath(entryUrl)));
  setTracingDisabled(true); // the SDK's own exporter targets OpenAI; this agent exports OTLP itself
  const runId = process.env.MIMIR_RUN_ID ?? `local-${randomUUID()}`;
  const resumed = process.env.MIMIR_RESUME === '1';
  const telemetry = createTelemetry({ serviceName: `${AGENT_NAME}-${build}`, serviceVersion: VERSION });
  const deadline = Date.now() + RUN_DEADLINE_MS;

  let task;
  let taskId;
  let parseError;
  try {
    ({ task, taskId } = parseTask(await readTaskText()));
  } catch (error) {
    parseError = error instanceof Error ? error.message : String(error);
  }

  const root = telemetry.start(`invoke_agent ${AGENT_NAME}`, {
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': AGENT_NAME,
    'gen_ai.provider.name': 'scripted',
    'gen_ai.request.model': MODEL_NAME,
    'gen_ai.conversation.id': runId,
    'mimir.run.id': runId,
    ...(taskId ? { 'mimir.task.id': taskId } : {}),
    ...(process.env.MIMIR_TRIAL ? { 'mimir.trial': Number(process.env.MIMIR_TRIAL) } : {}),
    ...(resumed ? { 'mimir.resumed_from': runId } : {}),
    'helpdesk.build': build,
  }, undefined, SpanKind.INTERNAL);

  let finished = false;
  const onSignal = (signal) => {
    if (finished) return;
    finished = true;
    log(`${signal}: stopping without a claim`);
    root.setAttribute('helpdesk.terminated_by', signal);
    root.setStatus({ code: SpanStatusCode.ERROR, message: `terminated by ${signal}` });
    root.end();
    const flush = Promise.race([telemetry.shutdown(), new Promise((resolve) => setTimeout(resolve, 1000))]);
    // eslint-disable-next-line no-restricted-syntax -- an agent process ends itself on a signal
    void flush.then(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);

  let claim;
  let mcp;
  if (parseError) {
    claim = { status: 'failure', summary: `Cannot start: ${parseError}.` };
  } else {
    const kind = TASK_KINDS[task.kind];
    let gate;
    try {
      mcp = connectServer();
      await mcp.connect();
      const listed = await mcp.listTools();
      const approvalTool = listed.some((t) => t.name === 'request_approval') ? 'request_approval' : undefined;
      if (!approvalTool) log('no request_approval tool offered: using the local operator answer (HELPDESK_APPROVER, default deny)');
      gate = createGate({ mcp, task, kind, runId, gatedTools, approvalTool, telemetry, root, deadline, log });
      const tools = listed
        .filter((t) => !HIDDEN_TOOLS.has(t.name))
        .map((t) => {
          // The model never sees idempotency_key: the gate derives it.
          const properties = Object.fromEntries(Object.entries(t.inputSchema?.properties ?? {}).filter(([name]) => name !== 'idempotency_key'));
          return functionTool({
            name: t.name,
            description: t.description ?? t.name,
            parameters: { type: 'object', properties, required: (t.inputSchema?.required ?? []).filter((r) => r !== 'idempotency_key'), additionalProperties: true },
            strict: false,
            errorFunction: null, // a HaltRun must stop the run, not become a message to the model
            execute: (args, _context, details) => gate.execute(t.name, args ?? {}, details?.toolCall?.callId ?? `call_${randomUUID()}`),
          });
        });
      const agent = new Agent({ name: AGENT_NAME, instructions: instructionsFor(task), model: MODEL_NAME, tools });
      const runner = new Runner({ modelProvider: tracedModelProvider(new ScriptedModelProvider(), telemetry, root), tracingDisabled: true, callModelInputFilter: assembleModelInput(task) });
      if (resumed) log(`resuming run ${runId}: re-planning; the server deduplicates repeated side effects by idempotency key`);
      const result = await runner.run(agent, [goalMessage(task)], { maxTurns: MAX_TURNS });
      claim = judge(task, kind, gate.state, typeof result.finalOutput === 'string' ? result.finalOutput : undefined);
    } catch (error) {
      const halt = gate?.state.halt ?? (error instanceof HaltRun ? error.message : undefined);
      if (halt) {
        claim = { status: 'failure', summary: `Halted: ${halt}.${gate ? progress(task, kind, gate.state) : ''}` };
      } else {
        const message = error instanceof Error ? error.message : String(error);
        claim = { status: 'failure', summary: `Stopped by an error: ${message}.${gate ? progress(task, kind, gate.state) : ''}` };
      }
    }
  }

  if (finished) return;
  finished = true;
  root.setAttribute('mimir.run.claimed_status', claim.status);
  root.setAttribute('helpdesk.claim.summary', claim.summary);
  if (claim.status !== 'success') root.setStatus({ code: SpanStatusCode.ERROR, message: claim.summary.slice(0, 300) });
  root.end();
  process.stdout.write(`${JSON.stringify(claim)}\n`);
  await Promise.race([telemetry.shutdown(), new Promise((resolve) => setTimeout(resolve, 3000))]);
  await Promise.race([mcp?.close().catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 2000))]);
  // eslint-disable-next-line no-restricted-syntax -- the claim is out; a hung tool call must not keep the process alive
  process.exit(0);
}
