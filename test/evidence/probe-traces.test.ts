import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultTraceReadOptions } from '../../src/config/load-config.js';
import { loadTraces } from '../../src/evidence/load-traces.js';
import { probeTraceSource } from '../../src/evidence/probe/probe-traces.js';
import type { ProbeResultsFile } from '../../src/evidence/probe/results-file.js';
import type { ProbeTraceLife, Run } from '../../src/model/index.js';
import { runsToOtlpLines } from '../support/otlp-writer.js';
import { failedTool, llmStep, toolStep } from '../support/synthetic-runs.js';

const scratch = mkdtempSync(join(tmpdir(), 'mimir-probe-traces-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function run(id: string, steps: Run['steps'], claimedStatus: Run['claimedStatus'] = 'success'): Run {
  const timed = steps.map((step, i) => ({ ...step, startedAt: `2026-01-01T00:00:0${i}Z`, endedAt: `2026-01-01T00:00:0${i}.5Z` }));
  return { id, steps: timed, claimedStatus, outcome: { status: 'unknown', source: 'none' }, startedAt: '2026-01-01T00:00:00Z', endedAt: '2026-01-01T00:00:05Z' };
}

const ok = (id: string): Run['steps'] => [llmStep(`${id}-m`), toolStep(`${id}-t1`, 'get_user', { id }), toolStep(`${id}-t2`, 'reset_password', { id })];

function life(fields: Partial<ProbeTraceLife> & Pick<ProbeTraceLife, 'runId' | 'files'>): ProbeTraceLife {
  return { scenarioId: 's', family: 'high-risk-approval', trial: 1, life: 'first', taskId: 'reset', endedBy: 'itself', interfered: false, ...fields };
}

/** A probe session's traces directory: one file per life, and the results file naming them. */
async function session(lives: readonly { life: ProbeTraceLife; run: Run }[], toolDefinitions?: readonly unknown[]) {
  const dir = mkdtempSync(join(scratch, 'session-'));
  for (const { life: l, run: r } of lives) writeFileSync(join(dir, l.files[0] ?? ''), `${[...runsToOtlpLines([r])].join('\n')}\n`);
  const results = { tracesDir: dir, traceLives: lives.map((l) => l.life), ...(toolDefinitions && { toolDefinitions }) } as unknown as ProbeResultsFile;
  const source = await probeTraceSource(results);
  if (!source) throw new Error('no probe trace source');
  return source;
}

describe('probe traces as trace evidence', () => {
  it('grades runs by what the probe saw, keeps interfered runs out of the reliability figures, and leaves out runs mimir stopped', async () => {
    const probeTraces = await session([
      { life: life({ runId: 'a1', files: ['life-0000.jsonl'], outcome: { status: 'success', basis: 'every side effect took effect' } }), run: run('a1', ok('a1')) },
      { life: life({ runId: 'a2', files: ['life-0001.jsonl'], trial: 2, outcome: { status: 'success', basis: 'every side effect took effect' } }), run: run('a2', ok('a2')) },
      // A fault mimir injected: the failed step is mimir's doing, not the agent's.
      {
        life: life({ runId: 'f1', family: 'persistent-failure', scenarioId: 'p', files: ['life-0002.jsonl'], interfered: true, outcome: { status: 'failure', basis: "the task's reset_password never took effect" } }),
        run: run('f1', [llmStep('f1-m'), failedTool('f1-t1', 'get_user', { id: 'f1' }), failedTool('f1-t2', 'get_user', { id: 'f1' })], 'failure'),
      },
      // Killed on purpose mid-run: its trace ends where mimir cut it.
      { life: life({ runId: 'k1', family: 'kill-resume', files: ['life-0003.jsonl'], endedBy: 'planned-kill' }), run: run('k1', [llmStep('k1-m')]) },
    ]);
    // What a killed process really leaves: children exported, the root never (its parent is not in the trace).
    const killedFile = probeTraces.files.find((file) => file.endsWith('life-0003.jsonl')) ?? '';
    const orphan = {
      resourceSpans: [
        {
          resource: { attributes: [] },
          scopeSpans: [{ spans: [{ traceId: 'ab'.repeat(16), spanId: 'cd'.repeat(8), parentSpanId: 'ef'.repeat(8), name: 'chat m', kind: 3, startTimeUnixNano: '1767225600000000000', endTimeUnixNano: '1767225601000000000', attributes: [{ key: 'gen_ai.operation.name', value: { stringValue: 'chat' } }] }] }],
        },
      ],
    };
    writeFileSync(killedFile, `${JSON.stringify(orphan)}\n`);
    const loaded = await loadTraces({ sources: [], probeTraces, readOptions: defaultTraceReadOptions({ name: 'x', tools: [] }) });
    const { evidence } = loaded;
    expect(evidence.partial).toBe(false);
    expect(evidence.runCount).toBe(3);
    expect(evidence.fromProbes).toEqual({ runs: 3, interfered: 1, withOutcome: 3, leftOut: 1, files: 4 });
    // Step reliability from the two undisturbed runs only (3 steps each): no failed step among them.
    expect(evidence.analyses.reliability.steps).toMatchObject({ successes: 6, trials: 6 });
    // The interfered run still counts where behaviour under failure is the point: it failed and said so.
    expect(evidence.analyses.outcomes.endToEnd).toMatchObject({ successes: 2, trials: 3 });
    expect(evidence.analyses.outcomes.silentFailures.count).toBe(0);
  });

  it('does not read a file twice when a trace source already names the probe traces directory', async () => {
    const probeTraces = await session([{ life: life({ runId: 'a1', files: ['life-0000.jsonl'] }), run: run('a1', ok('a1')) }]);
    const dir = probeTraces.files[0]?.replace(/\/[^/]+$/, '') ?? '';
    const loaded = await loadTraces({ sources: [dir], probeTraces, readOptions: defaultTraceReadOptions({ name: 'x', tools: [] }) });
    expect(loaded.evidence.runCount).toBe(1);
    expect(loaded.evidence.fromProbes?.runs).toBe(1);
  });

  it('gives a run that recorded no tool definitions the tools the proxy listed to it', async () => {
    const schema = { type: 'object', properties: { id: { type: 'string' } }, required: ['id'], additionalProperties: false };
    const probeTraces = await session([{ life: life({ runId: 'a1', files: ['life-0000.jsonl'] }), run: run('a1', ok('a1')) }], [
      { name: 'get_user', inputSchema: schema },
      { name: 'reset_password', inputSchema: schema },
    ]);
    const { evidence } = await loadTraces({ sources: [], probeTraces, readOptions: defaultTraceReadOptions({ name: 'x', tools: [] }) });
    expect(evidence.analyses.contracts).toMatchObject({ callsInRunsWithDefinitions: 2, callsWithSchema: 2, validatedCalls: 2 });
  });
});
