import type { AgentExit, AgentInvocation, AgentTarget } from '../types.js';
import { armStop, errorMessage, failedStart, nothingRan, stoppedBeforeStart, type ResolvedLimits } from './agent-exit.js';
import { ClaimScanner } from './claim.js';

type HttpTarget = Extract<AgentTarget, { kind: 'http' }>;

/**
 * An agent behind an HTTP endpoint: the contract's fields as one JSON POST; the response body is the
 * agent's output (its claim is the last claim line, or the whole body when that is one JSON object).
 * `exitCode` is 0 for a 2xx answer and the HTTP status otherwise (then also named in `stderrTail`);
 * null when the request was stopped. A request that never reached the agent is a `startError`.
 */
export async function runHttpAgent(target: HttpTarget, invocation: AgentInvocation, limits: ResolvedLimits): Promise<AgentExit> {
  const startedAt = performance.now();
  const elapsed = (): number => Math.round(performance.now() - startedAt);
  if (invocation.signal?.aborted) return stoppedBeforeStart();
  let body: string;
  try {
    body = JSON.stringify({
      task: invocation.task ?? null,
      runId: invocation.runId,
      trial: invocation.trial,
      resume: invocation.resume,
      mcpUrl: invocation.mcpUrl,
      otlpEndpoint: invocation.otlpEndpoint,
      timeoutMs: invocation.timeoutMs,
    });
  } catch (error) {
    return failedStart(`the task is not JSON data: ${errorMessage(error)}`, elapsed());
  }

  const controller = new AbortController();
  let stopping: 'timeout' | 'abort' | undefined;
  let stoppedAt: string | undefined;
  const stop = (why: 'timeout' | 'abort'): void => {
    if (stopping !== undefined) return;
    stopping = why;
    stoppedAt = new Date().toISOString();
    controller.abort();
  };
  const disarm = armStop(invocation, stop);

  const scanner = new ClaimScanner(limits.maxStdoutBytes, { keepWhole: true });
  const notes: string[] = [];
  let exitCode: number | null = null;
  try {
    let response: Response;
    try {
      response = await fetch(target.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/plain', ...target.headers },
        body,
        signal: controller.signal,
      });
    } catch (error) {
      if (stopping === undefined) return failedStart(describeFetchError(error, target.url), elapsed());
      return { ...nothingRan(elapsed()), timedOut: stopping === 'timeout', killed: stopping === 'abort', ...(stoppedAt !== undefined && { stoppedAt }) };
    }
    if (!response.ok) notes.push(`HTTP ${response.status} ${response.statusText}`.trim());
    try {
      if (response.body) {
        for await (const chunk of response.body as AsyncIterable<Uint8Array>) scanner.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      }
      exitCode = response.ok ? 0 : response.status;
    } catch (error) {
      if (stopping === undefined) {
        notes.push(`the response ended early: ${describeFetchError(error, target.url)}`);
        exitCode = response.ok ? 0 : response.status;
      }
    }
  } finally {
    disarm();
  }
  scanner.end();
  return {
    claim: scanner.claim,
    exitCode,
    signal: null,
    timedOut: stopping === 'timeout',
    killed: stopping === 'abort',
    ...(stoppedAt !== undefined && { stoppedAt }),
    durationMs: elapsed(),
    stdoutBytes: scanner.bytes,
    stderrTail: notes.join('\n'),
    outputTruncated: scanner.truncated,
  };
}

function describeFetchError(error: unknown, url: string): string {
  const cause = (error as { cause?: unknown }).cause;
  const code = (cause as { code?: unknown } | undefined)?.code ?? (error as { code?: unknown }).code;
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused: ${url}`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host not found: ${url}`;
    case 'ECONNRESET':
    case 'UND_ERR_SOCKET':
      return `the connection was reset: ${url}`;
    case 'ERR_INVALID_URL':
      return `not a valid URL: ${url}`;
    default:
      return cause instanceof Error ? `${errorMessage(error)} (${cause.message})` : errorMessage(error);
  }
}
