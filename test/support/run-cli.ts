import { main } from '../../src/cli/main.js';
import type { CliIo } from '../../src/cli/io.js';
import type { Prompter } from '../../src/cli/prompter.js';

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI in-process with captured output; no terminal unless a prompter is given. */
export async function runCli(argv: readonly string[], options: { env?: Record<string, string>; prompter?: Prompter } = {}): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (t: string) => (stdout += t), isTTY: false },
    stderr: { write: (t: string) => (stderr += t), isTTY: false },
    stdinIsTTY: options.prompter !== undefined,
    env: { MIMIR_NOW: '2026-11-24T12:00:00Z', ...options.env },
    cwd: process.cwd(),
  };
  const code = await main(argv, { io, prompter: options.prompter });
  return { code, stdout, stderr };
}

export { tempProject } from './temp-project.js';

/** The smallest valid mimir.yaml, for tests that vary one thing. */
export const MINIMAL_CONFIG = 'version: 1\nsystem:\n  name: test system\n';
