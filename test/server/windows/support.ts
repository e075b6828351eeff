import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';

/** A run to send: its claim, and (optionally) its verified outcome as a `gen_ai.evaluation.result` event. */
export interface RunToSend {
  readonly runId: string;
  readonly claimed: 'success' | 'failure';
  readonly verified?: 'success' | 'failure';
  /** When it started; default: now. */
  readonly startMs?: number;
  /** The tool it calls once; default lookup_order. */
  readonly tool?: string;
}

const text = (key: string, value: string) => ({ key, value: { stringValue: value } });
const nanos = (ms: number): string => `${Math.round(ms)}000000`;

/**
 * One OTLP/JSON export request carrying whole runs as an instrumented agent sends them: a root
 * `invoke_agent` span with mimir's run attributes (and the evaluation event), and one tool call.
 */
export function runsRequest(runs: readonly RunToSend[]): string {
  const spans = runs.flatMap((run) => {
    const traceId = randomBytes(16).toString('hex');
    const rootId = randomBytes(8).toString('hex');
    const start = run.startMs ?? Date.now() - 1000;
    return [
      {
        traceId,
        spanId: rootId,
        name: 'invoke_agent refunds',
        startTimeUnixNano: nanos(start),
        endTimeUnixNano: nanos(start + 100),
        attributes: [text('gen_ai.operation.name', 'invoke_agent'), text('mimir.run.id', run.runId), text('mimir.run.claimed_status', run.claimed)],
        events:
          run.verified === undefined
            ? []
            : [{ name: 'gen_ai.evaluation.result', timeUnixNano: nanos(start + 90), attributes: [text('gen_ai.evaluation.name', 'outcome'), text('gen_ai.evaluation.score.label', run.verified)] }],
      },
      {
        traceId,
        spanId: randomBytes(8).toString('hex'),
        parentSpanId: rootId,
        name: `execute_tool ${run.tool ?? 'lookup_order'}`,
        startTimeUnixNano: nanos(start + 10),
        endTimeUnixNano: nanos(start + 30),
        attributes: [text('gen_ai.operation.name', 'execute_tool'), text('gen_ai.tool.name', run.tool ?? 'lookup_order'), text('gen_ai.tool.call.id', `${run.runId}-call`)],
      },
    ];
  });
  return JSON.stringify({ resourceSpans: [{ resource: { attributes: [text('service.name', 'refund-agent')] }, scopeSpans: [{ scope: { name: 'test' }, spans }] }] });
}

export async function sendRuns(serverUrl: string, runs: readonly RunToSend[]): Promise<void> {
  const response = await fetch(`${serverUrl}/v1/traces`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: runsRequest(runs) });
  if (response.status !== 200) throw new Error(`the server answered ${response.status}: ${await response.text()}`);
}

/** A loopback HTTP server whose answer to each request the test decides. */
export async function startReceiver(answer: (request: IncomingMessage, body: string, response: ServerResponse) => void): Promise<{ url: string; server: Server; close(): Promise<void> }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      answer(request, Buffer.concat(chunks).toString('utf8'), response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}
