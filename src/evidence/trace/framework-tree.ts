import type { Report } from './framework-records.js';

/**
 * The shape of one trace in a framework export (LangSmith runs, Agents SDK spans): records that
 * name their parent, checked and put in execution order the same way by both readers. Every
 * problem is located at the record concerned; each but clock skew on an inner record damages the run.
 */

export interface TreeRecord {
  readonly id: string;
  readonly parentId: string | undefined;
  readonly startMs: number | undefined;
  readonly endMs: number | undefined;
  readonly line: number;
}

export interface TreeContext<T> {
  readonly traceId: string;
  readonly runId: string | undefined;
  readonly report: Report;
  /** Where and what the record is, for messages: "line 12: run 1f… (tool lookup)", "line 3, data[2]: span s_1". */
  readonly describe: (record: T) => string;
}

/** The first record of each id; a later one is reported and dropped. */
export function uniqueRecords<T extends TreeRecord>(records: readonly T[], context: TreeContext<T>): { byId: Map<string, T>; damaged: boolean } {
  const byId = new Map<string, T>();
  let damaged = false;
  for (const record of records) {
    if (byId.has(record.id)) {
      context.report('duplicate-span-id', `${context.describe(record)} appears twice in trace ${context.traceId}; the first is kept`, place(record, context));
      damaged = true;
      continue;
    }
    byId.set(record.id, record);
  }
  return { byId, damaged };
}

export interface ArrangedTree<T extends TreeRecord> {
  /** Execution order: by start time, a parent before its children on a tie, then file order. */
  readonly ordered: readonly T[];
  /** Effective parents: a missing parent or a cycle makes a record top-level. */
  readonly parentOf: ReadonlyMap<string, string | undefined>;
  readonly damaged: boolean;
}

/**
 * Missing parents, parent cycles, unended records and clock skew, reported; the records in
 * execution order. `carriesRunTimes` says whether a record's times are the run's own (the root, or
 * a top-level span): one that ends before it starts leaves the run without times, which is damage.
 */
export function arrangeTree<T extends TreeRecord>(
  byId: ReadonlyMap<string, T>,
  context: TreeContext<T>,
  carriesRunTimes: (record: T, topLevel: boolean) => boolean,
): ArrangedTree<T> {
  const { traceId, report } = context;
  let damaged = false;
  const records = [...byId.values()];
  const parentOf = new Map<string, string | undefined>();
  for (const record of records) {
    let parent = record.parentId;
    if (parent !== undefined && !byId.has(parent)) {
      report('missing-parent', `${context.describe(record)} names parent ${parent}, which is not in trace ${traceId}`, place(record, context));
      damaged = true;
      parent = undefined;
    }
    parentOf.set(record.id, parent);
  }
  for (const record of records) {
    const seen = new Set<string>([record.id]);
    for (let at = parentOf.get(record.id); at !== undefined; at = parentOf.get(at)) {
      if (seen.has(at)) {
        report('parent-cycle', `${context.describe(record)} is its own ancestor in trace ${traceId}; it is read as a top-level record`, place(record, context));
        parentOf.set(record.id, undefined);
        damaged = true;
        break;
      }
      seen.add(at);
    }
    if (record.endMs === undefined) {
      report('unended-span', `${context.describe(record)} never ended`, place(record, context));
      damaged = true;
    } else if (record.startMs !== undefined && record.endMs < record.startMs) {
      const runTimes = carriesRunTimes(record, parentOf.get(record.id) === undefined);
      report(
        'clock-skew',
        `${context.describe(record)} ends before it starts${runTimes ? ": its times are the run's, so the run's times are unknown and the run is counted damaged" : ''}`,
        place(record, context),
      );
      if (runTimes) damaged = true;
    }
  }

  const depth = new Map<string, number>();
  for (const record of records) {
    let d = 0;
    for (let at = parentOf.get(record.id); at !== undefined && d <= records.length; at = parentOf.get(at)) d++;
    depth.set(record.id, d);
  }
  const ordered = records
    .map((record, index) => ({ record, index, depth: depth.get(record.id) ?? 0 }))
    .sort((a, b) => (a.record.startMs ?? Infinity) - (b.record.startMs ?? Infinity) || a.depth - b.depth || a.index - b.index)
    .map((entry) => entry.record);
  return { ordered, parentOf, damaged };
}

/** The nearest ancestor that became a step: containers (chains, agent spans) are structure, not steps. */
export function stepParentOf(parentOf: ReadonlyMap<string, string | undefined>, isStep: ReadonlyMap<string, boolean>): (id: string) => string | undefined {
  return (id) => {
    for (let at = parentOf.get(id); at !== undefined; at = parentOf.get(at)) if (isStep.get(at) === true) return at;
    return undefined;
  };
}

function place<T extends TreeRecord>(record: T, context: TreeContext<T>): { line: number; runId?: string; spanId: string } {
  return { line: record.line, ...(context.runId !== undefined && { runId: context.runId }), spanId: record.id };
}
