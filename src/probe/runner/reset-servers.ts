import { execFile } from 'node:child_process';
import type { ProbesConfig } from '../../config/load-config.js';

/** How long a reset may take before the trial is given up as an error. */
const RESET_TIMEOUT_MS = 30_000;

/**
 * Restores each server's state before a trial, where mimir.yaml says how (`servers[].reset`): a
 * command that must exit 0, or a URL that must answer a POST with 2xx. Trials then start from the
 * same world, whatever earlier trials wrote. Throws with what went wrong; the caller makes the trial
 * an error (the harness's failure, never the agent's).
 */
export async function resetServers(servers: ProbesConfig['servers']): Promise<void> {
  for (const server of servers) {
    const { reset } = server;
    if (reset === undefined) continue;
    if ('url' in reset) await resetOverHttp(server.name, reset.url);
    else await resetByCommand(server.name, reset.command, reset.cwd, server.env);
  }
}

function resetByCommand(name: string, command: readonly string[], cwd: string, env: Readonly<Record<string, string>> | undefined): Promise<void> {
  const [file, ...args] = command;
  return new Promise((resolve, reject) => {
    execFile(file ?? '', args, { cwd, env: { ...process.env, ...env }, timeout: RESET_TIMEOUT_MS, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024 }, (error, _stdout, stderr) => {
      if (!error) {
        resolve();
        return;
      }
      const why = error.killed ? `it ran past ${RESET_TIMEOUT_MS / 1000} s` : typeof error.code === 'number' ? `it exited with ${error.code}` : error.message;
      const tail = stderr.trim().split('\n').slice(-3).join(' / ');
      reject(new Error(`the reset of server ${name} (${command.join(' ')}) failed: ${why}${tail === '' ? '' : ` — ${tail}`}`));
    });
  });
}

async function resetOverHttp(name: string, url: string): Promise<void> {
  let status: number;
  try {
    const response = await fetch(url, { method: 'POST', signal: AbortSignal.timeout(RESET_TIMEOUT_MS) });
    status = response.status;
    await response.body?.cancel();
  } catch (error) {
    throw new Error(`the reset of server ${name} (POST ${url}) failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
  if (status < 200 || status >= 300) throw new Error(`the reset of server ${name} (POST ${url}) failed: it answered ${status}`);
}
