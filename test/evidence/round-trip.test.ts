import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Run, Step } from '../../src/model/index.js';
import { runsToOtlpLines, spanIdFor, traceIdFor, type OtlpWriterOptions } from '../support/otlp-writer.js';
import { generateSyntheticRuns } from '../support/synthetic-runs.js';
import { read, tempFile } from './support.js';

/**
 * Ground truth end to end: the synthetic runs, written as OTLP JSON Lines the way an instrumented
 * agent's traces reach a file (interleaved, a few spans per line, children before parents), read
 * back through readTraceFile, are the same runs in every field the analyses use.
 */

const { runs: ORIGINAL } = generateSyntheticRuns();

/** What must survive the trip, with the writer's id mapping applied to the original. */
function comparable(run: Run, mapId: (stepId: string) => string): unknown {
  return {
    id: run.id,
    taskId: run.taskId,
    trial: run.trial,
    startedAt: run.startedAt,
    endedAt: run.endedAt,
    claimedStatus: run.claimedStatus,
    outcome: run.outcome.status === 'unknown' ? 'unknown' : { status: run.outcome.status, score: run.outcome.score },
    resumedFrom: run.resumedFrom,
    infrastructureError: run.infrastructureError,
    conversationId: run.conversationId,
    toolDefinitions: run.toolDefinitions,
    steps: run.steps.map((step) => comparableStep(step, mapId)),
  };
}

function comparableStep(step: Step, mapId: (stepId: string) => string): unknown {
  const { id, parentId, ...rest } = step;
  return { ...rest, id: mapId(id), parentId: parentId === undefined ? undefined : mapId(parentId) };
}

/** A run read back is damaged when the original was, or when it has a span that never ended. */
function expectedDamaged(run: Run): boolean {
  return run.damaged === true || run.endedAt === undefined || run.steps.some((step) => step.endedAt === undefined);
}

async function roundTrip(options: OtlpWriterOptions, gzip = false) {
  const text = [...runsToOtlpLines(ORIGINAL, options)].join('\n') + '\n';
  return read(tempFile(gzip ? 'synthetic.jsonl.gz' : 'synthetic.jsonl', gzip ? gzipSync(text) : text));
}

describe('synthetic runs → OTLP JSON Lines → readTraceFile', () => {
  it.each([
    { spansPerLine: 4, interleave: 3 },
    { spansPerLine: 1, interleave: 1 },
    { spansPerLine: 16, interleave: 8 },
  ])('gives back the same runs ($spansPerLine spans per line, $interleave runs interleaved)', async (options) => {
    const { runs, sink } = await roundTrip(options);
    expect(runs).toHaveLength(ORIGINAL.length);
    const byTrace = new Map(runs.map((run) => [run.source?.traceId, run]));
    for (const [index, original] of ORIGINAL.entries()) {
      const back = byTrace.get(traceIdFor(original.id, index));
      expect(back, original.id).toBeDefined();
      expect(comparable(back!, (stepId) => stepId)).toEqual(comparable(original, (stepId) => spanIdFor(original.id, stepId)));
      expect(back!.damaged === true, `${original.id} damaged`).toBe(expectedDamaged(original));
    }
    // The only problems are the planted ones: duplicated spans for damaged runs, and spans that never ended.
    expect(new Set(sink.codes())).toEqual(new Set(['duplicate-span-id', 'unended-span']));
    expect(sink.damagedRuns.size).toBe(ORIGINAL.filter(expectedDamaged).length);
  });

  it('gives back the same runs from gzip', async () => {
    const plain = await roundTrip({});
    const zipped = await roundTrip({}, true);
    const strip = (runs: readonly Run[]) => runs.map(({ source, ...run }) => ({ ...run, traceId: source?.traceId }));
    expect(strip(zipped.runs)).toEqual(strip(plain.runs));
  });

  it('streams: the writer holds only the runs it interleaves', () => {
    let pulled = 0;
    function* counting(): Generator<Run> {
      for (const run of ORIGINAL) {
        pulled++;
        yield run;
      }
    }
    const lines = runsToOtlpLines(counting(), { interleave: 2 });
    lines.next();
    expect(pulled).toBeLessThanOrEqual(3);
  });
});
