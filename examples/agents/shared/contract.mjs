// mimir's agent contract (DESIGN.md, "The agent contract"): what the agent reads from its
// environment, and the one JSON line it ends with.
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { parseTask } from './tasks.mjs';

/** MIMIR_TASK (JSON) from the environment, else from stdin; the run id, trial and resume flag. */
export function readContract() {
  let taskText = process.env.MIMIR_TASK;
  if (!taskText) {
    try {
      taskText = readFileSync(0, 'utf8');
    } catch {
      taskText = '';
    }
  }
  if (!taskText.trim()) throw new Error('no task: set MIMIR_TASK to the task JSON (or pass it on stdin)');
  const task = parseTask(taskText);
  const runId = process.env.MIMIR_RUN_ID || `local-${createHash('sha256').update(taskText).digest('hex').slice(0, 8)}`;
  const trial = Number.parseInt(process.env.MIMIR_TRIAL ?? '1', 10) || 1;
  const resume = process.env.MIMIR_RESUME === '1';
  return { task, taskId: task.id ?? task.kind, runId, trial, resume };
}

/** The agent's claim, its last line on stdout. */
export function printClaim(status, summary, extra = {}) {
  process.stdout.write(`${JSON.stringify({ status, summary, ...extra })}\n`);
}
