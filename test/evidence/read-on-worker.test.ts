import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import type * as LoadTracesModule from '../../src/evidence/load-traces.js';
import type { Run } from '../../src/model/index.js';
import { analyzeRuns, createTraceAnalyzer, precomputeValues, type RunPrecomputed } from '../../src/analysis/index.js';
import type { TraceProblem } from '../../src/evidence/types.js';
import { readFilesHere, type ReadHandlers } from '../../src/evidence/trace/read-events.js';
import { readFilesOnWorker } from '../../src/evidence/trace/read-on-worker.js';
import type { ReadProgress, TraceReadOptions } from '../../src/evidence/trace/types.js';
import { UserError } from '../../src/shared/errors.js';
import { jsonLines, OPTIONS, span, tempFile } from './support.js';

/**
 * The worker runs compiled code, so these tests use the build in dist/ (`npm test` builds first).
 * Reading on a worker must hand over exactly what reading here does, in the same order.
 */
const WORKER = new URL('../../dist/evidence/trace/read-worker.js', import.meta.url);
const FIXTURES = fileURLToPath(new URL('../fixtures/traces/', import.meta.url));

interface Collected {
  readonly runs: { run: Run; fileIndex: number }[];
  readonly problems: TraceProblem[];
  readonly damaged: string[];
  skipped: number;
  readonly progress: { progress: ReadProgress; fileIndex: number }[];
}

function collector(): { collected: Collected; handlers: ReadHandlers } {
  const collected: Collected = { runs: [], problems: [], damaged: [], skipped: 0, progress: [] };
  return {
    collected,
    handlers: {
      sink: {
        report: (problem) => collected.problems.push(problem),
        damagedRun: (runId) => collected.damaged.push(runId),
        skipped: () => {
          collected.skipped++;
        },
      },
      onRun: (run, fileIndex) => collected.runs.push({ run, fileIndex }),
      onProgress: (progress, fileIndex) => collected.progress.push({ progress, fileIndex }),
    },
  };
}

async function readBothWays(files: readonly string[], options: TraceReadOptions = OPTIONS): Promise<{ here: Collected; onWorker: Collected }> {
  const here = collector();
  await readFilesHere(files, options, here.handlers);
  const onWorker = collector();
  expect(await readFilesOnWorker(files, options, onWorker.handlers, WORKER)).toBe(true);
  return { here: here.collected, onWorker: onWorker.collected };
}

describe('reading trace files on a worker thread', () => {
  beforeAll(() => {
    if (!existsSync(fileURLToPath(WORKER))) throw new Error('dist/ has no compiled worker: run `npm run build` before these tests');
  });

  it('hands over the same runs, problems and progress as reading here, for every fixture format', async () => {
    const files = readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' })
      .filter((name) => /\.(jsonl?|pb)$/.test(name) && !name.includes('labels'))
      .map((name) => join(FIXTURES, name))
      .sort();
    expect(files.length).toBeGreaterThanOrEqual(10);
    const { here, onWorker } = await readBothWays(files);
    expect(here.runs.length).toBeGreaterThan(50);
    expect(here.problems.length).toBeGreaterThan(0); // damaged.jsonl is among them
    expect(onWorker).toEqual(here);
  });

  it('gives loadTraces the same evidence from a gzipped corpus with labels, worker or not', async () => {
    // The compiled loadTraces, whose worker sits beside it in dist/.
    const compiled = (await import(new URL('../../dist/evidence/load-traces.js', import.meta.url).href)) as typeof LoadTracesModule;
    const source = join(FIXTURES, 'vercel-ai', 'back-office.otlp.jsonl');
    const gzipped = tempFile('corpus.otlp.jsonl.gz', gzipSync(readFileSync(source)));
    const options = { sources: [gzipped, join(FIXTURES, 'otlp')], labels: join(FIXTURES, 'vercel-ai', 'back-office.labels.jsonl'), readOptions: OPTIONS };
    const here = await compiled.loadTraces({ ...options, readOnWorkerFromBytes: Number.POSITIVE_INFINITY });
    const onWorker = await compiled.loadTraces({ ...options, readOnWorkerFromBytes: 0 });
    expect(here.evidence.runCount).toBeGreaterThan(20);
    expect(onWorker).toEqual(here);
  });

  it('keeps the order across batches of a corpus larger than one batch', async () => {
    const lines = Array.from({ length: 300 }, (_, index) => span({ trace: `t${index}`, id: `s${index}`, attrs: { 'mimir.run.id': `run-${index}` } }));
    const file = tempFile('many-runs.jsonl', `${jsonLines(lines)}{"truncated": \n`);
    const { here, onWorker } = await readBothWays([file]);
    expect(onWorker.runs.map(({ run }) => run.id)).toEqual(Array.from({ length: 300 }, (_, index) => `run-${index}`));
    expect(onWorker).toEqual(here);
  });

  it('hands over every problem of a file with thousands of bad lines and few runs, in order', async () => {
    const good = jsonLines([span({ id: 'a', attrs: { 'mimir.run.id': 'only' } })]);
    const file = tempFile('mostly-bad.jsonl', `${'{"resourceSpans": [oops\n'.repeat(3000)}${good}not json at all\n`);
    const { here, onWorker } = await readBothWays([file]);
    expect(here.problems.length).toBeGreaterThanOrEqual(3001);
    expect(here.skipped).toBeGreaterThanOrEqual(3001);
    expect(onWorker).toEqual(here);
  });

  it('follows the runs\' values on the worker while the main thread is behind, exactly as here', async () => {
    // Runs with message histories, tool results and values to follow: the bench's agent corpus, small.
    const file = tempFile('agent.jsonl', '');
    execFileSync(process.execPath, [fileURLToPath(new URL('../../bench/generate-agent-corpus.mjs', import.meta.url)), file, '1500']);
    const received: { run: Run; precomputed?: RunPrecomputed }[] = [];
    const { handlers } = collector();
    const slow: ReadHandlers = {
      ...handlers,
      onRun: (run, _fileIndex, precomputed) => {
        received.push({ run, ...(precomputed && { precomputed }) });
        // A main thread slower than the reader, as a costly analysis makes it.
        const until = performance.now() + 3;
        while (performance.now() < until);
      },
    };
    expect(await readFilesOnWorker([file], OPTIONS, slow, WORKER)).toBe(true);
    const withFigures = received.filter((entry) => entry.precomputed !== undefined);
    expect(received.length).toBeGreaterThan(80);
    expect(withFigures.length).toBeGreaterThan(0);
    expect(withFigures.some((entry) => (entry.precomputed?.isolation.obtained.size ?? 0) > 0)).toBe(true);
    // The context figures stay with the main thread (the worker would need a second tokenizer).
    for (const entry of withFigures) expect(entry.precomputed).toEqual(precomputeValues(entry.run));
    // Folded in run order, figures from the worker give the analyses that working them out here gives.
    const analyzer = createTraceAnalyzer();
    for (const entry of received) analyzer.add(entry.run, undefined, entry.precomputed);
    expect(analyzer.finish()).toEqual(analyzeRuns(received.map((entry) => entry.run)));
  });

  it('reports a configuration mistake found on the worker as the same UserError', async () => {
    const file = tempFile('one.jsonl', jsonLines([span({ id: 'a' })]));
    const { handlers } = collector();
    const options = { ...OPTIONS, errorResultPatterns: ['(unclosed'] };
    const failure = await readFilesOnWorker([file], options, handlers, WORKER).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(UserError);
    expect(failure).toMatchObject({ code: 'invalid-config', message: expect.stringContaining('(unclosed') as unknown });
  });

  it('rejects with the error of a handler that throws, and stops the worker', async () => {
    const lines = Array.from({ length: 200 }, (_, index) => span({ trace: `t${index}`, id: `s${index}` }));
    const file = tempFile('throwing.jsonl', jsonLines(lines));
    const { handlers } = collector();
    const failing: ReadHandlers = {
      ...handlers,
      onRun: () => {
        throw new Error('analysis failed');
      },
    };
    await expect(readFilesOnWorker([file], OPTIONS, failing, WORKER)).rejects.toThrow('analysis failed');
  });

  it('says no worker could start when the compiled worker is missing, having handed nothing over', async () => {
    const { collected, handlers } = collector();
    const missing = new URL('./no-such-worker.js', WORKER);
    expect(await readFilesOnWorker([tempFile('x.jsonl', jsonLines([span({ id: 'a' })]))], OPTIONS, handlers, missing)).toBe(false);
    expect(collected.runs).toEqual([]);
  });
});
