import { spawn } from 'node:child_process';
import type { VerificationStatus } from '../store/history-types.js';

/**
 * One verification: the closed run goes to a command (JSON on stdin) or an HTTP endpoint (POSTed as
 * JSON), which answers `{"outcome": "success"|"failure", "reason": "…"}`. Anything else — no answer
 * within the timeout, a non-zero exit, a non-2xx status, an answer of another shape — is recorded as
 * what it was, and never as a success.
 */
export interface VerifierCall {
  readonly status: VerificationStatus;
  readonly outcome?: 'success' | 'failure';
  readonly reason: string;
}

/** Answers larger than this are not answers. */
const MAX_ANSWER_BYTES = 64 * 1024;

export function parseAnswer(text: string): VerifierCall {
  let answer: unknown;
  try {
    answer = JSON.parse(text);
  } catch {
    return { status: 'bad-answer', reason: `not JSON: ${clip(text)}` };
  }
  if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return { status: 'bad-answer', reason: `not an object: ${clip(text)}` };
  const { outcome, reason } = answer as Record<string, unknown>;
  if (outcome !== 'success' && outcome !== 'failure') return { status: 'bad-answer', reason: `outcome must be "success" or "failure", got ${outcome === undefined ? 'nothing' : clip(JSON.stringify(outcome))}` };
  if (reason !== undefined && typeof reason !== 'string') return { status: 'bad-answer', reason: 'reason must be a string' };
  return { status: 'answered', outcome, reason: reason ?? '' };
}

export function callCommand(command: readonly string[], input: string, timeoutMs: number, cwd: string): Promise<VerifierCall> {
  return new Promise((resolve) => {
    const [file, ...args] = command;
    if (file === undefined) {
      resolve({ status: 'failed', reason: 'empty command' });
      return;
    }
    // Its own process group, so a timeout ends whatever the command started too.
    const child = spawn(file, args, { cwd, stdio: ['pipe', 'pipe', 'pipe'], detached: process.platform !== 'win32' });
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let stderr = '';
    let settled = false;
    const finish = (call: VerifierCall): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(call);
    };
    const timer = setTimeout(() => {
      killGroup(child.pid);
      finish({ status: 'timeout', reason: `no answer within ${timeoutMs} ms; the command was stopped` });
    }, timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      stdoutBytes += chunk.length;
      if (stdoutBytes <= MAX_ANSWER_BYTES) stdout.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-500);
    });
    child.on('error', (error) => {
      finish({ status: 'failed', reason: `could not start ${file}: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      if (code !== 0) finish({ status: 'failed', reason: `exited with ${code === null ? `signal ${signal ?? '?'}` : `code ${code}`}${stderr.trim() === '' ? '' : `: ${clip(stderr.trim())}`}` });
      else if (stdoutBytes > MAX_ANSWER_BYTES) finish({ status: 'bad-answer', reason: `answer over ${MAX_ANSWER_BYTES} bytes` });
      else finish(parseAnswer(Buffer.concat(stdout).toString('utf8')));
    });
    // A command that never reads its stdin must not fail the write.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

export async function callEndpoint(url: string, headers: Readonly<Record<string, string>>, input: string, timeoutMs: number): Promise<VerifierCall> {
  try {
    const response = await fetch(url, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: input, signal: AbortSignal.timeout(timeoutMs) });
    const text = await response.text();
    if (!response.ok) return { status: 'failed', reason: `HTTP ${response.status}${text.trim() === '' ? '' : `: ${clip(text)}`}` };
    if (Buffer.byteLength(text) > MAX_ANSWER_BYTES) return { status: 'bad-answer', reason: `answer over ${MAX_ANSWER_BYTES} bytes` };
    return parseAnswer(text);
  } catch (error) {
    if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return { status: 'timeout', reason: `no answer within ${timeoutMs} ms` };
    return { status: 'failed', reason: error instanceof Error ? ((error.cause as Error | undefined)?.message ?? error.message) : String(error) };
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(process.platform === 'win32' ? pid : -pid, 'SIGKILL');
  } catch {
    // Already gone.
  }
}

const clip = (text: string): string => (text.length > 200 ? `${text.slice(0, 200)}…` : text);
