import { describe, expect, it } from 'vitest';
import type { Step } from '../../../model/index.js';
import { jsonLines, readText, span, spanId } from '../../../../test/evidence/support.js';
import { memoryOperationOf } from './vocabulary.js';

/**
 * The mimir.memory.* and mimir.state.* vocabulary: what a span or event did to long-term memory
 * and to shared state. Read end to end through the OTLP reader.
 */
async function readTrace(children: readonly Parameters<typeof span>[0][]) {
  const spans = children.map((child, index) => span({ parent: 'root', start: 10 * (index + 1), ...child }));
  const result = await readText(jsonLines([...spans, span({ id: 'root', start: 0, end: 1000 })]));
  expect(result.runs).toHaveLength(1);
  return { run: result.runs[0]!, sink: result.sink };
}

function stepNamed(steps: readonly Step[], id: string): Step {
  const step = steps.find((candidate) => candidate.id === spanId(id));
  if (!step) throw new Error(`no step ${id}`);
  return step;
}

describe('the mimir.memory.* vocabulary', () => {
  it('makes an unclassified span a memory step with its operation, scope, key and content', async () => {
    const { run, sink } = await readTrace([
      { id: 'write', attrs: { 'mimir.memory.operation': 'write', 'mimir.memory.scope': 'acme/user-4', 'mimir.memory.key': 'pref-1', 'mimir.memory.content': 'prefers email' } },
      { id: 'read', attrs: { 'mimir.memory.operation': 'search', 'mimir.memory.content': ['prefers email', 'order 4411'] } },
      { id: 'empty-scope', attrs: { 'mimir.memory.operation': 'delete', 'mimir.memory.scope': ' ' } },
    ]);
    expect(sink.problems).toEqual([]);
    expect(stepNamed(run.steps, 'write')).toMatchObject({ kind: 'memory', memory: { operation: 'write', scope: 'acme/user-4', key: 'pref-1', content: 'prefers email' } });
    expect(stepNamed(run.steps, 'read')).toMatchObject({ kind: 'memory', memory: { operation: 'read', content: '["prefers email","order 4411"]' } });
    expect(stepNamed(run.steps, 'empty-scope')).toMatchObject({ kind: 'memory', memory: { operation: 'delete' } });
    expect((stepNamed(run.steps, 'empty-scope') as { memory?: { scope?: string } }).memory?.scope).toBeUndefined();
  });

  it('keeps a tool call a tool call, with its memory access attached, and an explicit kind as it is', async () => {
    const { run } = await readTrace([
      {
        id: 'tool',
        attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'kv_put', 'mimir.memory.operation': 'write', 'mimir.memory.scope': 'user-4' },
      },
      { id: 'review', attrs: { 'mimir.step.kind': 'review', 'mimir.memory.operation': 'read' } },
    ]);
    expect(stepNamed(run.steps, 'tool')).toMatchObject({ kind: 'tool', toolName: 'kv_put', memory: { operation: 'write', scope: 'user-4' } });
    expect(stepNamed(run.steps, 'review')).toMatchObject({ kind: 'review', memory: { operation: 'read' } });
  });

  it('reports an operation it does not know, and guesses nothing', async () => {
    const { run, sink } = await readTrace([{ id: 'odd', attrs: { 'mimir.memory.operation': 'ponder' } }]);
    expect(sink.codes()).toEqual(['wrong-attribute-type']);
    expect(sink.problems[0]?.message).toContain('mimir.memory.operation');
    expect(stepNamed(run.steps, 'odd')).not.toHaveProperty('memory');
  });

  it('accepts the verbs memory libraries use', () => {
    expect(['read', 'Search', 'retrieve'].map(memoryOperationOf)).toEqual(['read', 'read', 'read']);
    expect(['write', 'add', 'UPSERT'].map(memoryOperationOf)).toEqual(['write', 'write', 'write']);
    expect(['delete', 'forget'].map(memoryOperationOf)).toEqual(['delete', 'delete']);
    expect(memoryOperationOf('think')).toBeUndefined();
  });
});

describe('the mimir.state.* vocabulary', () => {
  it('reads a state write from a span and from an event of the span that made it', async () => {
    const { run, sink } = await readTrace([
      {
        id: 'update',
        attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'update_case', 'mimir.state.key': 'case/7', 'mimir.state.base_version': 3, 'mimir.state.version': 4 },
      },
      {
        id: 'node',
        attrs: { 'gen_ai.operation.name': 'invoke_agent' },
        events: [
          { name: 'state.write', at: 25, attrs: { 'mimir.state.key': 'messages', 'mimir.state.merge': 'add_messages' } },
          { name: '', at: 26, attrs: { 'mimir.memory.operation': 'write', 'mimir.memory.scope': 'user-4', 'mimir.memory.content': 'x' } },
        ],
      },
    ]);
    expect(sink.problems).toEqual([]);
    expect(stepNamed(run.steps, 'update')).toMatchObject({ kind: 'tool', stateWrite: { key: 'case/7', baseVersion: '3', version: '4' } });
    expect(run.steps.filter((step) => step.id.startsWith(`${spanId('node')}:`))).toMatchObject([
      { kind: 'other', name: 'state.write', stateWrite: { key: 'messages', merge: 'add_messages' }, parentId: spanId('node') },
      { kind: 'memory', name: 'memory', memory: { operation: 'write', scope: 'user-4', content: 'x' }, parentId: spanId('node') },
    ]);
  });

  it('leaves spans without the vocabulary as they were', async () => {
    const { run } = await readTrace([{ id: 'plain', attrs: { 'gen_ai.operation.name': 'execute_tool', 'gen_ai.tool.name': 'lookup' } }]);
    const step = stepNamed(run.steps, 'plain');
    expect(step).not.toHaveProperty('memory');
    expect(step).not.toHaveProperty('stateWrite');
  });
});
