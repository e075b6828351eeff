// The hardened agent's run journal: an append-only JSON Lines file per run id under the OS temp
// directory. Every completed step is appended (one write per line) before the agent moves on, and
// every side effect is announced (an intent with its idempotency key) before it is attempted. A
// restart with MIMIR_RESUME=1 and the same run id reads it back: completed steps are not repeated,
// and an effect whose outcome was lost is re-sent with the same idempotency key, which the back
// office turns into a no-op that returns the first result. A torn last line (a kill mid-write) is
// ignored.
import { appendFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function journalPath(agentName, runId) {
  return join(tmpdir(), 'mimir-example-agents', agentName, `${runId.replace(/[^A-Za-z0-9._-]/g, '_')}.jsonl`);
}

export function openJournal({ agentName, runId, resume }) {
  const path = journalPath(agentName, runId);
  mkdirSync(join(path, '..'), { recursive: true });
  if (!resume && existsSync(path)) rmSync(path); // a new run with an old id starts clean
  const entries = [];
  if (resume && existsSync(path)) {
    for (const line of readFileSync(path, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      try {
        entries.push(JSON.parse(line));
      } catch {
        // a line torn by a kill: the step it records did not complete
      }
    }
  }
  const append = (entry) => {
    const record = { seq: entries.length, ...entry };
    appendFileSync(path, `${JSON.stringify(record)}\n`);
    entries.push(record);
    return record;
  };
  return {
    path,
    entries,
    /** How many lives this run had before this one. */
    lives: () => entries.filter((e) => e.type === 'start').length,
    /** Steps completed (in any life), in order. */
    done: () => entries.filter((e) => e.type === 'done'),
    /** The last checkpoint id written, for mimir.resumed_from. */
    lastCheckpoint: () => entries.filter((e) => e.type === 'done').at(-1)?.checkpoint,
    append,
  };
}
