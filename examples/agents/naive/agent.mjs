#!/usr/bin/env node
// The naive back-office agent: the demo version. The Vercel AI SDK's tool loop, the scripted model,
// the back office's MCP tools handed over as they are, and nothing else:
// - no retry cap: the loop is bounded only by a generous step count, and the model retries as it likes;
// - tool errors are swallowed: a failed call is handed to the model as ordinary text;
// - no approval before refunds, emails or deletions;
// - no checkpoint: a restart begins again from the top (MIMIR_RESUME is ignored);
// - the whole transcript is replayed to the model on every step, its own narration included;
// - no timeout of its own (the MCP SDK's 60 s default applies);
// - the claim is whatever the model says: it says "done", so the run reports success.
import '../shared/clock.mjs';
import { SpanStatusCode } from '@opentelemetry/api';
import { generateText, stepCountIs } from 'ai';
import { readContract, printClaim } from '../shared/contract.mjs';
import { aiToolsFrom, APPROVAL_TOOL, connectBackOffice, resultText } from '../shared/mcp-tools.mjs';
import { createScriptedModel } from '../shared/scripted-model.mjs';
import { renderInstruction } from '../shared/tasks.mjs';
import { recordToolListing, startTelemetry } from '../shared/telemetry.mjs';
import { SYSTEM_PROMPT } from '../shared/prompt.mjs';

const AGENT = 'back-office-naive';

const { task, taskId, runId, trial, resume } = readContract();
const life = resume ? 2 : 1;
const telemetry = startTelemetry({ serviceName: AGENT, runId, life });
const model = createScriptedModel({ seed: `${runId}:${trial}:${life}` });
const backOffice = await connectBackOffice({ clientName: AGENT });

// Every tool the server offers (it has no use for an approval tool), each call forwarded as it is.
const given = backOffice.tools.filter((t) => t.name !== APPROVAL_TOOL);
const tools = aiToolsFrom(
  given,
  {
    execute: (name) => async (args) => {
      try {
        return resultText(await backOffice.call(name, args));
      } catch (error) {
        // "Log it and keep going": the error becomes text the model may or may not notice.
        return `Error: ${error instanceof Error ? error.message : String(error)}`;
      }
    },
  },
);

let claim = { status: 'success', summary: '' };
await telemetry.tracer.startActiveSpan(`invoke_agent ${AGENT}`, async (root) => {
  root.setAttributes({
    'gen_ai.operation.name': 'invoke_agent',
    'gen_ai.agent.name': AGENT,
    'gen_ai.conversation.id': runId,
    'mimir.run.id': runId,
    'mimir.task.id': taskId,
    'mimir.trial': trial,
  });
  recordToolListing(telemetry.tracer, 'back-office', given);
  try {
    const result = await generateText({
      model,
      system: SYSTEM_PROMPT,
      messages: [{ role: 'user', content: renderInstruction(task) }],
      tools,
      stopWhen: stepCountIs(40),
      maxRetries: 0,
      experimental_telemetry: { isEnabled: true, recordInputs: true, recordOutputs: true, functionId: AGENT, tracer: telemetry.aiTracer },
      onStepFinish: () => telemetry.flushStep(),
    });
    // The model said it is done, so it is done.
    claim = { status: 'success', summary: result.text };
  } catch (error) {
    root.recordException(error);
    root.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    claim = { status: 'success', summary: 'Done.' };
  }
  root.setAttribute('mimir.run.claimed_status', claim.status);
  root.end();
});
await telemetry.flush();
await telemetry.shutdown();
await backOffice.close();
printClaim(claim.status, claim.summary);
