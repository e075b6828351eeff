import { appendFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DurableBatch, PendingBatch } from '../../src/server/ingest/batch.js';
import { openSegmentLog } from '../../src/server/ingest/segment-log.js';
import type { AttrValue, RawSpan } from '../../src/evidence/trace/span.js';
import { removeDir } from './support.js';

/** The durable ingest log: what was appended is replayed after a restart, in order, a torn tail left out. */
const dirs: string[] = [];
const freshDir = (): string => {
  const dir = mkdtempSync(join(tmpdir(), 'mimir-segment-log-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) removeDir(dir);
});

function batchOf(spanId: string): PendingBatch {
  const span: RawSpan = {
    traceId: 'ab'.repeat(16),
    spanId,
    parentSpanId: undefined,
    name: 'invoke_agent',
    startMs: 1_796_000_000_000.5,
    endMs: 1_796_000_001_000,
    statusCode: 'error',
    statusMessage: 'boom',
    attributes: new Map<string, AttrValue>([['gen_ai.tool.name', 'lookup'], ['nested', Object.assign(Object.create(null) as Record<string, string>, { a: 'b' })]]),
    events: [{ name: 'gen_ai.evaluation.result', timeMs: 1_796_000_000_900, attributes: new Map([['gen_ai.evaluation.name', 'outcome']]) }],
    position: { line: 1 },
    damaged: false,
    approxBytes: 100,
  };
  return { receivedAtMs: 1, spans: [{ service: 'svc', span }], events: [], damagedTraces: [] };
}

async function collect(iterable: AsyncIterable<DurableBatch>): Promise<DurableBatch[]> {
  const batches: DurableBatch[] = [];
  for await (const batch of iterable) batches.push(batch);
  return batches;
}

describe('the ingest log', () => {
  it('replays what was appended after a restart, spans intact, in sequence', async () => {
    const dir = freshDir();
    const log = await openSegmentLog(dir);
    const appended = await Promise.all(['0000000000000001', '0000000000000002', '0000000000000003'].map((id) => log.append(batchOf(id))));
    expect(appended.map((batch) => batch.sequence)).toEqual([1, 2, 3]);
    await log.close();

    const reopened = await openSegmentLog(dir);
    const replayed = await collect(reopened.replayAfter(1));
    expect(replayed.map((batch) => batch.sequence)).toEqual([2, 3]);
    expect(replayed[0]?.spans[0]?.span).toEqual(appended[1]?.spans[0]?.span);
    // New batches continue the sequence, whatever the store applied.
    expect((await reopened.append(batchOf('0000000000000004'))).sequence).toBe(4);
    await reopened.close();
  });

  it('leaves out a torn last line (a write that was never acknowledged)', async () => {
    const dir = freshDir();
    const log = await openSegmentLog(dir);
    await log.append(batchOf('0000000000000001'));
    await log.close();
    const [segment] = readdirSync(dir);
    appendFileSync(join(dir, segment!), '{"sequence":2,"receivedAtMs":1,"spans":[{"serv');
    const reopened = await openSegmentLog(dir);
    expect((await collect(reopened.replayAfter(0))).map((batch) => batch.sequence)).toEqual([1]);
    expect((await reopened.append(batchOf('0000000000000002'))).sequence).toBe(2);
    await reopened.close();
    const again = await openSegmentLog(dir);
    expect((await collect(again.replayAfter(0))).map((batch) => batch.sequence)).toEqual([1, 2]);
    await again.close();
  });

  it('deletes segments the store has applied', async () => {
    const dir = freshDir();
    const log = await openSegmentLog(dir);
    await log.append(batchOf('0000000000000001'));
    await log.close();
    const second = await openSegmentLog(dir);
    await second.append(batchOf('0000000000000002'));
    expect(readdirSync(dir)).toHaveLength(2);
    await second.releaseThrough(2);
    expect(readdirSync(dir)).toHaveLength(1);
    await second.close();
  });
});
