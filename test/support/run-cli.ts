import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll } from 'vitest';
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

const projects: string[] = [];
// Registered once per test file (each file loads this module afresh): its projects go when it ends.
afterAll(() => {
  for (const dir of projects.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A fresh temporary directory with the given files (path → content), removed when the test file ends. */
export function tempProject(files: Readonly<Record<string, string | Uint8Array>>): string {
  const dir = mkdtempSync(join(tmpdir(), 'mimir-test-'));
  projects.push(dir);
  for (const [path, content] of Object.entries(files)) {
    const full = join(dir, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return dir;
}

/** The smallest valid mimir.yaml, for tests that vary one thing. */
export const MINIMAL_CONFIG = 'version: 1\nsystem:\n  name: test system\n';
