import { spawn } from 'node:child_process';
import type { AlertNotification } from '../types.js';
import type { AttemptResult, DeliveryTarget } from './attempt.js';

export interface CommandOptions {
  readonly command: readonly string[];
  readonly timeoutMs: number;
  /** Relative commands run here (mimir.yaml's folder). */
  readonly cwd?: string;
}

/** The last bytes of a failing command's stderr worth quoting in the log. */
const STDERR_TAIL = 500;

/**
 * A command that gets each notification as JSON on stdin: exit 0 is delivered, any other exit (or
 * a timeout, which kills it) is retried; a command that cannot start gives up.
 */
export function commandTarget(options: CommandOptions): DeliveryTarget {
  const [program, ...args] = options.command;
  return {
    name: `command ${program ?? '?'}`,
    send(notification: AlertNotification, signal: AbortSignal): Promise<AttemptResult> {
      return new Promise((resolve) => {
        if (program === undefined) {
          resolve({ outcome: 'give-up', reason: 'empty command' });
          return;
        }
        const child = spawn(program, args, { stdio: ['pipe', 'ignore', 'pipe'], ...(options.cwd !== undefined && { cwd: options.cwd }), signal, timeout: options.timeoutMs, killSignal: 'SIGKILL' });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
          stderr = (stderr + chunk).slice(-STDERR_TAIL);
        });
        // A command that exits without reading its stdin is its own business: its exit code decides.
        child.stdin.on('error', () => undefined);
        child.stdin.end(JSON.stringify(notification) + '\n');
        child.on('error', (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT' || error.code === 'EACCES') resolve({ outcome: 'give-up', reason: `cannot start ${program}: ${error.code}` });
          else resolve({ outcome: 'retry', reason: error.message });
        });
        child.on('close', (code, killed) => {
          if (code === 0) resolve({ outcome: 'delivered' });
          else if (killed !== null) resolve({ outcome: 'retry', reason: `killed by ${killed} (no exit within ${options.timeoutMs} ms)` });
          else resolve({ outcome: 'retry', reason: `exit ${String(code)}${stderr.trim() === '' ? '' : `: ${stderr.trim()}`}` });
        });
      });
    },
  };
}
