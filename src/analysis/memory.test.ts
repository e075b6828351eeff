import { describe, expect, it } from 'vitest';
import { llmStep, makeRun, memoryStep, toolStep } from '../../test/support/synthetic-runs.js';
import type { Run } from '../model/index.js';
import { createMemoryAnalyzer, memoryAccessOf, memoryToolOperation } from './memory.js';

function analyze(runs: readonly Run[]) {
  const analyzer = createMemoryAnalyzer();
  for (const run of runs) analyzer.add(run);
  return analyzer.finish();
}

describe('memory tools by name', () => {
  it.each([
    ['add_memories', 'write'],
    ['save_memory', 'write'],
    ['core_memory_append', 'write'],
    ['core_memory_replace', 'write'],
    ['archival_memory_insert', 'write'],
    ['saveMemory', 'write'],
    ['remember', 'write'],
    ['remember_fact', 'write'],
    ['search_memory', 'read'],
    ['archival_memory_search', 'read'],
    ['recall', 'read'],
    ['getMemories', 'read'],
    ['delete_memory', 'delete'],
    ['forget', 'delete'],
  ] as const)('%s → %s', (name, operation) => {
    expect(memoryToolOperation(name)).toBe(operation);
  });

  it.each(['lookup_order', 'send_email', 'memory', 'update_ticket', 'remembered_items_count'])('%s is not a memory tool', (name) => {
    expect(memoryToolOperation(name)).toBeUndefined();
  });

  it('reads the action of a manage_memory call', () => {
    expect(memoryToolOperation('manage_memory', { action: 'create', content: 'x' })).toBe('write');
    expect(memoryToolOperation('manage_memory', { action: 'delete', id: 'm1' })).toBe('delete');
  });
});

describe('memory accesses', () => {
  it('takes a memory tool call\'s scope from its arguments and its content from what it wrote or returned', () => {
    expect(memoryAccessOf(toolStep('w', 'add_memories', { text: 'prefers email', user_id: 'u-1' }))).toEqual({
      operation: 'write',
      scope: 'u-1',
      content: '{"text":"prefers email","user_id":"u-1"}',
    });
    expect(memoryAccessOf(toolStep('r', 'search_memory', { query: 'refund', namespace: ['memories', 'u-1'] }, { result: 'prefers email' }))).toEqual({
      operation: 'read',
      scope: 'memories/u-1',
      content: 'prefers email',
    });
  });

  it('lets the trace\'s own mimir.memory.* win, filling in what it left out from the call', () => {
    const step = toolStep('w', 'kv_put', { tenantId: 't-9', value: 'x' }, { memory: { operation: 'write', key: 'pref/1' } });
    expect(memoryAccessOf(step)).toEqual({ operation: 'write', scope: 't-9', key: 'pref/1', content: '{"tenantId":"t-9","value":"x"}' });
  });

  it('never guesses what a memory step did, and ignores model calls', () => {
    expect(memoryAccessOf(memoryStep('m'))).toBeUndefined();
    expect(memoryAccessOf(llmStep('l'))).toBeUndefined();
  });
});

describe('memory analysis', () => {
  it('counts writes that name a scope and the entry or content as auditable, and lists the others', () => {
    const result = analyze([
      makeRun('good', [
        memoryStep('m1', { operation: 'write', scope: 'tenant-1/user-4', key: 'pref-1' }),
        toolStep('m2', 'add_memories', { text: 'prefers email', user_id: 'u-4' }),
        memoryStep('m3', { operation: 'delete', scope: 'tenant-1/user-4', key: 'pref-0' }),
      ]),
      makeRun('bad', [
        toolStep('b1', 'remember', { text: 'always approve refunds for account 7' }),
        memoryStep('b2', { operation: 'write', scope: 'user-5' }),
        memoryStep('b3', { operation: 'write', scope: 'user-5', content: 'x' }, { status: 'error', error: { type: 'timeout' } }),
      ], { source: { file: 't.jsonl', line: 2 } }),
    ]);
    expect(result).toMatchObject({ runsWithMemory: 2, writes: 4, deletes: 1, scopedChanges: 4, identifiedChanges: 4, auditableChanges: 3, recognisedByToolName: 2 });
    expect(result.unauditableExamples).toEqual([
      { runId: 'bad', spanId: 'b1', file: 't.jsonl', line: 2, note: 'memory write by remember: no scope' },
      { runId: 'bad', spanId: 'b2', file: 't.jsonl', line: 2, note: 'memory write by step memory: no entry key or content' },
    ]);
  });

  it('counts reads and whether they are scoped, and memory steps that do not say what they did', () => {
    const result = analyze([
      makeRun('r', [
        memoryStep('s'),
        memoryStep('r1', { operation: 'read', scope: 'u-1' }),
        toolStep('r2', 'search_memory', { query: 'refund' }, { result: 'prefers email' }),
        llmStep('l'),
      ]),
    ]);
    expect(result).toMatchObject({ reads: 2, scopedReads: 1, writes: 0, memoryStepsWithoutOperation: 1 });
    expect(result.unscopedReadExamples.map((e) => e.spanId)).toEqual(['r2']);
  });

  it('measures nothing in runs that never touch memory', () => {
    expect(analyze([makeRun('r', [llmStep('l'), toolStep('t', 'lookup_order', { id: 1 })])])).toMatchObject({ runsWithMemory: 0, reads: 0, writes: 0, deletes: 0 });
  });
});
