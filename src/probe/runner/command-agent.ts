import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AgentExit, AgentInvocation, AgentTarget } from '../types.js';
import { armStop, errorMessage, failedStart, STDERR_TAIL_BYTES, stoppedBeforeStart, timerDelay, type ResolvedLimits } from './agent-exit.js';
import { ClaimScanner, TailBuffer } from './claim.js';
import { AgentProcesses } from './process-group.js';

type CommandTarget = Extract<AgentTarget, { kind: 'command' }>;

/** The agent contract's variables (DESIGN.md): set by mimir, never inherited from mimir's own environment. */
export const CONTRACT_VARIABLES: readonly string[] = [
  'MIMIR_MCP_URL',
  'MIMIR_MCP_STDIO',
  'MIMIR_TASK',
  'MIMIR_RUN_ID',
  'MIMIR_TRIAL',
  'MIMIR_RESUME',
  'MIMIR_TIMEOUT_MS',
  'MIMIR_PROCESS_TAG',
];

/** Signal-specific OTLP settings win over the general endpoint in every SDK; dropped when mimir collects the traces. */
const TRACE_OVERRIDES: readonly string[] = ['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', 'OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'];

/**
 * Set when mimir collects the agent's traces, so instrumented agents put message content on their
 * spans (the Memory & context checks read it): the OpenTelemetry GenAI convention, OpenLLMetry
 * (Traceloop) and Semantic Kernel. The target's own `env` can still turn them off.
 */
export const CAPTURE_CONTENT_VARIABLES: Readonly<Record<string, string>> = {
  OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: 'true',
  TRACELOOP_TRACE_CONTENT: 'true',
  SEMANTICKERNEL_EXPERIMENTAL_GENAI_ENABLE_OTEL_DIAGNOSTICS_SENSITIVE: 'true',
};

/** How long to wait for the output pipes after the group is gone (a process that left the group may hold them). */
const OUTPUT_DRAIN_MS = 500;

/**
 * mimir's environment, then the target's `env`, then the contract variables. Contract variables
 * are never inherited, so `MIMIR_RESUME` is absent unless this run resumes.
 */
export function agentEnvironment(
  targetEnv: Readonly<Record<string, string>> | undefined,
  invocation: AgentInvocation,
  taskJson: string,
  processTag?: string,
): NodeJS.ProcessEnv {
  const collecting = invocation.otlpEndpoint !== undefined;
  const inherited = Object.entries(process.env).filter(
    ([name, value]) => value !== undefined && !CONTRACT_VARIABLES.includes(name) && !(collecting && TRACE_OVERRIDES.includes(name)),
  );
  const own = Object.entries(targetEnv ?? {}).filter(([name]) => !CONTRACT_VARIABLES.includes(name));
  return {
    ...Object.fromEntries(inherited),
    ...(collecting && CAPTURE_CONTENT_VARIABLES),
    ...Object.fromEntries(own),
    MIMIR_MCP_URL: invocation.mcpUrl,
    ...(invocation.mcpStdio !== undefined && { MIMIR_MCP_STDIO: invocation.mcpStdio }),
    MIMIR_TASK: taskJson,
    MIMIR_RUN_ID: invocation.runId,
    MIMIR_TRIAL: String(invocation.trial),
    MIMIR_TIMEOUT_MS: String(invocation.timeoutMs),
    ...(invocation.resume && { MIMIR_RESUME: '1' }),
    ...(invocation.otlpEndpoint !== undefined && { OTEL_EXPORTER_OTLP_ENDPOINT: invocation.otlpEndpoint, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' }),
    // Not part of the contract: how mimir finds what the agent started, to end it with the agent.
    ...(processTag !== undefined && { MIMIR_PROCESS_TAG: processTag }),
  };
}

/** `{task}` in an argument becomes the task JSON (split/join: a `$` in the task is not a replacement pattern). */
export function agentArguments(args: readonly string[], taskJson: string): string[] {
  return args.map((arg) => arg.split('{task}').join(taskJson));
}

export async function runCommandAgent(target: CommandTarget, invocation: AgentInvocation, limits: ResolvedLimits): Promise<AgentExit> {
  const startedAt = performance.now();
  const elapsed = (): number => Math.round(performance.now() - startedAt);
  if (invocation.signal?.aborted) return stoppedBeforeStart();
  let taskJson: string;
  try {
    taskJson = JSON.stringify(invocation.task ?? null);
  } catch (error) {
    return failedStart(`the task is not JSON data: ${errorMessage(error)}`, elapsed());
  }
  const [file, ...args] = target.command;
  if (file === undefined || file === '') return failedStart('the agent command is empty', elapsed());
  const cwdProblem = await directoryProblem(target.cwd);
  if (cwdProblem !== undefined) return failedStart(cwdProblem, elapsed());

  let child: ChildProcessWithoutNullStreams;
  const processTag = randomBytes(8).toString('hex');
  try {
    child = spawn(file, agentArguments(args, taskJson), {
      cwd: target.cwd,
      env: agentEnvironment(target.env, invocation, taskJson, processTag),
      // Its own process group and session: one signal reaches the agent and everything that stays in
      // them; what leaves them is tracked (process-group.ts).
      detached: true,
      stdio: 'pipe',
      windowsHide: true,
    });
  } catch (error) {
    return failedStart(describeSpawnError(error, file, taskJson), elapsed());
  }

  // Every listener goes on before the first await, so no event is missed however fast the agent is.
  const scanner = new ClaimScanner(limits.maxStdoutBytes);
  const stderr = new TailBuffer(STDERR_TAIL_BYTES);
  child.stdout.on('data', (chunk: Buffer) => {
    scanner.push(chunk);
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr.push(chunk);
  });
  const outputClosed = Promise.all([closed(child.stdout), closed(child.stderr)]);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
  const spawnError = await new Promise<Error | undefined>((resolve) => {
    child.once('spawn', () => {
      resolve(undefined);
    });
    child.once('error', resolve);
  });
  if (spawnError !== undefined || child.pid === undefined) {
    child.stdout.destroy();
    child.stderr.destroy();
    child.stdin.destroy();
    return failedStart(describeSpawnError(spawnError, file, taskJson), elapsed());
  }
  const processes = new AgentProcesses(child.pid, processTag);
  // Later errors (a signal that could not be sent) change nothing: the exit is what counts.
  child.on('error', () => undefined);
  // EPIPE when the agent exits without reading its task from stdin.
  child.stdin.on('error', () => undefined);
  child.stdin.end(`${taskJson}\n`);

  let stopping: 'timeout' | 'abort' | undefined;
  let stoppedAt: string | undefined;
  let killAt = Infinity;
  let escalation: NodeJS.Timeout | undefined;
  let hasExited = false;
  const stop = (why: 'timeout' | 'abort'): void => {
    if (stopping !== undefined || hasExited) return;
    stopping = why;
    stoppedAt = new Date().toISOString();
    processes.signal('SIGTERM');
    killAt = performance.now() + limits.killGraceMs;
    escalation = setTimeout(() => {
      processes.signal('SIGKILL');
    }, timerDelay(limits.killGraceMs));
  };
  const disarm = armStop(invocation, stop);
  // The signal may have fired during the awaits above, before the listener was on.
  if (invocation.signal?.aborted) stop('abort');

  const { code, signal } = await exited;
  hasExited = true;
  const durationMs = elapsed();
  disarm();

  // The agent is gone; what it started may not be. Give the rest the same grace.
  await processes.reap(stopping === undefined ? performance.now() + limits.killGraceMs : killAt, stopping !== undefined);
  clearTimeout(escalation);
  const drainWait = new AbortController();
  const drained = await Promise.race([
    outputClosed.then(() => true),
    sleep(OUTPUT_DRAIN_MS, false, { signal: drainWait.signal }).catch(() => false),
  ]);
  drainWait.abort();
  if (!drained) {
    child.stdout.destroy();
    child.stderr.destroy();
  }
  scanner.end();

  return {
    claim: scanner.claim,
    exitCode: code,
    signal,
    timedOut: stopping === 'timeout',
    killed: stopping === 'abort',
    ...(stoppedAt !== undefined && { stoppedAt }),
    durationMs,
    stdoutBytes: scanner.bytes,
    stderrTail: stderr.text(),
    outputTruncated: scanner.truncated,
  };
}

function closed(stream: Readable): Promise<void> {
  return new Promise((resolve) => {
    if (stream.closed) {
      resolve();
      return;
    }
    stream.once('close', () => {
      resolve();
    });
  });
}

async function directoryProblem(cwd: string): Promise<string | undefined> {
  try {
    return (await stat(cwd)).isDirectory() ? undefined : `the working directory ${cwd} is not a folder`;
  } catch {
    return `the working directory ${cwd} does not exist`;
  }
}

function describeSpawnError(error: unknown, file: string, taskJson: string): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'E2BIG') {
    return `the task (${Buffer.byteLength(taskJson)} bytes of JSON) is too large for MIMIR_TASK and the command line (E2BIG): the operating system limits each to about 128 KiB`;
  }
  if (code === 'ENOENT') return `command not found: ${file}${file.includes('/') || file.includes('\\') ? '' : ' (not on PATH)'}`;
  if (code === 'EACCES') return `permission denied: ${file} is not executable`;
  return `cannot start ${file}: ${error === undefined ? 'no process id' : errorMessage(error)}`;
}
