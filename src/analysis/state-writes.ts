import type { Run, StateWrite, Step } from '../model/index.js';
import { addExample, runRef, timeMs } from './support.js';
import type { RunAnalyzer, RunRef } from './basics.js';

/**
 * Writes to shared state as the traces record them (`mimir.state.key`, with the version a write was
 * based on, the version it produced, or the merge that combines it), grouped by key within a run
 * and taken in the order they completed.
 *
 * - A **lost update** is a write that succeeded although it was based on a version older than the
 *   key's latest: the write before it completed in between, and this one overwrote it unseen.
 *   Judged only where both versions are recorded.
 * - A **blind concurrent write** is a successful write with neither a base version nor a merge
 *   whose time overlaps another successful write to the same key by another step: nothing in the
 *   trace shows that one of them did not overwrite the other.
 * - A write that failed on a conflict (an error naming a conflict, a stale version or a failed
 *   precondition) is the conflict detected: it is counted, and it is not a write.
 *
 * Tool calls of a write class (`reversible-write`, `irreversible-write`) that name no key are
 * counted apart: they may be state writes the trace cannot group.
 */
export interface StateWriteAnalysis {
  readonly runsWithWrites: number;
  /** Successful writes that name their key. */
  readonly writes: number;
  /** Distinct keys written, per run. */
  readonly keys: number;
  /** Successful writes based on a recorded version (compare-and-set). */
  readonly versioned: number;
  /** Successful writes that declare a merge instead of an overwrite. */
  readonly merged: number;
  /** Successful writes with neither a base version nor a merge: plain overwrites (the first ones). */
  readonly plainExamples: readonly RunRef[];
  /** Versioned writes whose base could be compared with the version the key's previous write produced. */
  readonly judged: number;
  readonly lostUpdates: { readonly count: number; readonly examples: readonly RunRef[] };
  readonly blindConcurrentWrites: { readonly count: number; readonly examples: readonly RunRef[] };
  /** Writes that failed on a detected conflict. */
  readonly conflictsDetected: number;
  /** Tool calls of a write class that name no state key. */
  readonly unkeyedWriteCalls: number;
}

/** Overlap is checked against this many earlier writes to the key: enough for real fan-out, bounded for a runaway run. */
export const MAX_OVERLAP_CANDIDATES = 64;

const CONFLICT = /conflict|precondition|stale|version mismatch|mismatched version|outdated version|etag|concurrent (modification|update|write)|compare[ _-]?and[ _-]?(set|swap)|\bcas\b|\b409\b|\b412\b/i;

interface Entry {
  readonly step: Step;
  readonly write: StateWrite;
  readonly start: number | undefined;
  readonly end: number | undefined;
  /** When the write took effect: its end, else its start, else its place in the run. */
  readonly order: number;
  readonly index: number;
}

export function createStateWriteAnalyzer(): RunAnalyzer<StateWriteAnalysis> {
  let runsWithWrites = 0;
  let writes = 0;
  let keys = 0;
  let versioned = 0;
  let merged = 0;
  let judged = 0;
  let lostUpdates = 0;
  let blindConcurrent = 0;
  let conflictsDetected = 0;
  let unkeyedWriteCalls = 0;
  const lostExamples: RunRef[] = [];
  const blindExamples: RunRef[] = [];
  const plainExamples: RunRef[] = [];

  return {
    add(run: Run) {
      const byKey = new Map<string, Entry[]>();
      let timed = true;
      for (const [index, step] of run.steps.entries()) {
        if (step.kind === 'llm' || step.kind === 'approval') continue;
        const write = step.stateWrite;
        if (write === undefined) {
          if (step.kind === 'tool' && (step.risk === 'reversible-write' || step.risk === 'irreversible-write')) unkeyedWriteCalls++;
          continue;
        }
        const start = timeMs(step.startedAt);
        const end = timeMs(step.endedAt);
        const at = end ?? start;
        if (at === undefined) timed = false;
        const entry: Entry = { step, write, start, end, order: at ?? index, index };
        const list = byKey.get(write.key);
        if (list) list.push(entry);
        else byKey.set(write.key, [entry]);
      }
      if (byKey.size === 0) return;
      runsWithWrites++;
      keys += byKey.size;

      for (const [key, entries] of byKey) {
        // Completion order when every write has a time; mixing times with positions would be arbitrary.
        const ordered = timed ? [...entries].sort((a, b) => a.order - b.order || a.index - b.index) : entries;
        const committed: Entry[] = [];
        // The version the key's latest successful write produced: undefined before any, null when it recorded none.
        let latest: string | null | undefined;
        let latestBy: Entry | undefined;
        for (const entry of ordered) {
          const { step, write } = entry;
          if (step.status !== 'ok') {
            if (CONFLICT.test(`${step.error?.type ?? ''} ${step.error?.message ?? ''}`)) conflictsDetected++;
            continue;
          }
          writes++;
          if (write.merge !== undefined) {
            merged++;
          } else if (write.baseVersion !== undefined) {
            versioned++;
            if (typeof latest === 'string') {
              judged++;
              if (write.baseVersion !== latest) {
                lostUpdates++;
                const after = latestBy === undefined ? '' : ` (written by span ${latestBy.step.id})`;
                addExample(lostExamples, runRef(run, step.id, `write to "${key}" based on version ${write.baseVersion} succeeded after version ${latest} was written${after}`));
              }
            }
          } else {
            addExample(plainExamples, runRef(run, step.id, `write to "${key}" with no base version or merge`));
            const overlapping = committed.slice(-MAX_OVERLAP_CANDIDATES).find((other) => other.step.id !== step.id && overlaps(entry, other));
            if (overlapping !== undefined) {
              blindConcurrent++;
              addExample(blindExamples, runRef(run, step.id, `write to "${key}" with no base version or merge overlapped the write in span ${overlapping.step.id}`));
            }
          }
          latest = write.version ?? null;
          latestBy = entry;
          committed.push(entry);
        }
      }
    },
    finish() {
      return {
        runsWithWrites,
        writes,
        keys,
        versioned,
        merged,
        plainExamples: [...plainExamples],
        judged,
        lostUpdates: { count: lostUpdates, examples: [...lostExamples] },
        blindConcurrentWrites: { count: blindConcurrent, examples: [...blindExamples] },
        conflictsDetected,
        unkeyedWriteCalls,
      };
    },
  };
}

/** Whether two writes ran at the same time: both intervals known and overlapping (touching ends do not overlap). */
function overlaps(a: Entry, b: Entry): boolean {
  if (a.start === undefined || a.end === undefined || b.start === undefined || b.end === undefined) return false;
  return a.start < b.end && b.start < a.end;
}
