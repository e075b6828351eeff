import { describe, expect, it } from 'vitest';
import { llmStep, makeRun, memoryStep, toolStep } from '../../test/support/synthetic-runs.js';
import type { Message, Run, Step } from '../model/index.js';
import { createIsolationAnalyzer, distinctiveValues } from './isolation.js';

function analyze(runs: readonly Run[]) {
  const analyzer = createIsolationAnalyzer();
  for (const run of runs) analyzer.add(run);
  return analyzer.finish();
}

const SYSTEM: Message = { role: 'system', content: 'You are the support agent of Acme. Today is 2026-11-24.' };
const user = (content: string): Message => ({ role: 'user', content });

/** A run of a task: the user's request, a lookup, and a model call that sees the result. */
function task(id: string, taskId: string | undefined, request: string, result: unknown, extra: readonly Step[] = []): Run {
  return makeRun(
    id,
    [
      llmStep(`${id}-l1`, { inputMessages: [SYSTEM, user(request)] }),
      toolStep(`${id}-t1`, 'lookup_order', { q: request }, { result }),
      ...extra,
      llmStep(`${id}-l2`, { inputMessages: [SYSTEM, user(request), { role: 'tool', content: JSON.stringify(result) }] }),
    ],
    { ...(taskId !== undefined && { taskId }), source: { file: 't.jsonl', line: 1 } },
  );
}

describe('distinctive values', () => {
  it('finds emails and identifier-like tokens, not words, short numbers or dates', () => {
    expect(distinctiveValues('Mail Dana.Smith@Acme-Mail.io about ORD-44127 (card 4111111111111111, order 4411) on 2026-11-24; id 7f3a9c21-0b1d-4e2f-9a88-1c2d3e4f5a6b')).toEqual([
      'dana.smith@acme-mail.io',
      'ORD-44127',
      '4111111111111111',
      '7f3a9c21-0b1d-4e2f-9a88-1c2d3e4f5a6b',
    ]);
    expect(distinctiveValues('no digits here at all')).toEqual([]);
    // Vocabulary any two tasks share: reserved example domains, type names, small hex, placeholders.
    expect(distinctiveValues('user@example.com ops@mail.example.org a@b.test np.complex128 float128 int64 sha256 0x1234 0xdeadbeef 123456 000000 ORD-12345 acct_99999 1000000 250000')).toEqual([]);
    expect(distinctiveValues('0x7f3a9c21b0d4 ORD-44127 ann@acme-mail.io')).toEqual(['ann@acme-mail.io', '0x7f3a9c21b0d4', 'ORD-44127']);
    expect(distinctiveValues('gpt-4o and v1.2.3 and 12:30:45')).toEqual([]);
  });
});

describe('isolation between tasks', () => {
  it('does not count a value the model produces in many tasks that never obtained it', () => {
    // One task obtained `tensor44717x` from its tool; the model writes it in 4 of 20 other tasks (20%),
    // and `ORD-88123` leaks into just one: only that one is a leak.
    const others = Array.from({ length: 20 }, (_, i) => {
      const mentions = i < 4 ? ' using tensor44717x' : i === 4 ? ' like ORD-88123' : '';
      return makeRun(
        `o${i}`,
        [
          llmStep(`o${i}-l1`, { inputMessages: [SYSTEM, user(`Fix bug ${i}`)], outputMessages: [{ role: 'assistant', content: `Patch${mentions}` }] }),
        ],
        { taskId: `task-${i}`, source: { file: 't.jsonl', line: i + 2 } },
      );
    });
    const result = analyze([task('a', 'owner', 'Look at the array type', { dtype: 'tensor44717x', order: 'ORD-88123' }), ...others]);
    expect(result).toMatchObject({ leakedValues: 1, leakAppearances: 1, widespreadValues: 1 });
    expect(result.examples.map((e) => e.value)).toEqual(['ORD-88123']);
  });

  it('does not count what the model wrote unshown when a model could know it: code names, short numbers', () => {
    const other = makeRun(
      'b',
      [
        llmStep('b-l1', { inputMessages: [SYSTEM, user('Fix the debug view')], outputMessages: [{ role: 'assistant', content: 'Look at technical_500_response and migration 0001_squashed_0002' }] }),
        toolStep('b-t1', 'bash', { cmd: 'grep -rn technical_500_response django/' }),
      ],
      { taskId: 'ticket-2', source: { file: 't.jsonl', line: 2 } },
    );
    const result = analyze([task('a', 'ticket-1', 'Where is the debug view?', { fn: 'technical_500_response', migration: '0001_squashed_0002' }), other]);
    expect(result).toMatchObject({ leakedValues: 0, ownedValues: 2 });
  });

  it('finds nothing when each task only sees what it obtained itself', () => {
    const result = analyze([
      task('a', 'ticket-1', 'Where is order ORD-10001?', { order: 'ORD-10001', email: 'ann@acme-mail.io' }),
      task('b', 'ticket-2', 'Where is order ORD-20002?', { order: 'ORD-20002', email: 'bob@acme-mail.io' }),
    ]);
    expect(result).toMatchObject({ runs: 2, tasks: 2, runsWithoutTaskId: 0, ownedValues: 4, sharedValues: 0, leakedValues: 0, examples: [] });
  });

  it("finds one task's value in another task's memory read and model input, with both runs", () => {
    const leakedRead = memoryStep('b-m', { operation: 'read', content: 'Customer ann@acme-mail.io asked about ORD-10001.' });
    const b = makeRun(
      'b',
      [
        llmStep('b-l1', { inputMessages: [SYSTEM, user('Where is order ORD-20002?')] }),
        leakedRead,
        llmStep('b-l2', { inputMessages: [{ ...SYSTEM, content: `${SYSTEM.content} Memory: ann@acme-mail.io asked about ORD-10001.` }, user('Where is order ORD-20002?')] }),
      ],
      { taskId: 'ticket-2', source: { file: 't.jsonl', line: 2 } },
    );
    const result = analyze([task('a', 'ticket-1', 'Where is order ORD-10001?', { order: 'ORD-10001', email: 'ann@acme-mail.io' }), b]);
    expect(result).toMatchObject({ leakedValues: 2, leakAppearances: 2 });
    expect(result.examples[0]).toEqual({
      runId: 'b',
      spanId: 'b-m',
      file: 't.jsonl',
      line: 2,
      note: '"ann@acme-mail.io" in its memory read, not obtained by this run',
      value: 'ann@acme-mail.io',
      source: { runId: 'a', spanId: 'a-t1', file: 't.jsonl', line: 1, note: '"ann@acme-mail.io" entered through its tool result' },
    });
  });

  it('finds a leak whichever run was read first', () => {
    const leak = makeRun('b', [llmStep('b-l1', { inputMessages: [SYSTEM, { role: 'assistant', content: 'Earlier you mentioned ORD-10001.' }, user('Hi')] })], { taskId: 'ticket-2' });
    const owner = task('a', 'ticket-1', 'Where is order ORD-10001?', { order: 'ORD-10001' });
    expect(analyze([leak, owner]).leakedValues).toBe(1);
    expect(analyze([owner, leak]).leakedValues).toBe(1);
  });

  it('does not count a value two tasks obtained themselves (shared data), or one trials of the same task share', () => {
    const shared = analyze([
      task('a', 'ticket-1', 'Is SKU-55123 in stock?', { sku: 'SKU-55123' }),
      task('b', 'ticket-2', 'Price of SKU-55123?', { sku: 'SKU-55123' }),
      makeRun('c', [llmStep('c-l', { inputMessages: [SYSTEM, { role: 'assistant', content: 'SKU-55123 again' }, user('hi')] })], { taskId: 'ticket-3' }),
    ]);
    expect(shared).toMatchObject({ sharedValues: 1, leakedValues: 0 });

    const trials = analyze([
      task('a1', 'ticket-1', 'Where is order ORD-10001?', { order: 'ORD-10001' }),
      makeRun('a2', [llmStep('a2-l', { inputMessages: [SYSTEM, { role: 'assistant', content: 'You asked about ORD-10001.' }, user('and now?')] })], { taskId: 'ticket-1' }),
    ]);
    expect(trials.leakedValues).toBe(0);
  });

  it('does not make a run the owner of a value it had before it obtained it', () => {
    const b = task('b', 'ticket-2', 'Hello', { order: 'ORD-10001' }, [memoryStep('b-m', { operation: 'read', content: 'ORD-10001 belongs to Ann' })]);
    // b read ORD-10001 from memory before its own lookup returned it: the leak stands, b is not a second owner.
    const reordered = makeRun('b', [b.steps[0]!, b.steps[2]!, b.steps[1]!, b.steps[3]!], { taskId: 'ticket-2' });
    const result = analyze([task('a', 'ticket-1', 'Where is order ORD-10001?', { order: 'ORD-10001' }), reordered]);
    expect(result).toMatchObject({ sharedValues: 0, leakedValues: 1 });
  });

  it('counts each run without a task id as a task of its own', () => {
    const result = analyze([task('a', undefined, 'Where is ORD-10001?', {}), task('b', undefined, 'Where is ORD-20002?', {})]);
    expect(result).toMatchObject({ tasks: 2, runsWithoutTaskId: 2 });
  });

  it('does not follow tool arguments before any model input was captured: their source is unknown', () => {
    const result = analyze([
      task('a', 'ticket-1', 'Where is order ORD-10001?', { order: 'ORD-10001' }),
      makeRun('b', [toolStep('b-t', 'lookup_order', { order: 'ORD-10001' }, { result: { status: 'shipped' } })], { taskId: 'ticket-2' }),
    ]);
    expect(result).toMatchObject({ runs: 2, leakedValues: 0 });
  });

  it('counts a run with only digit-free structured tool content as scanned, and still recognises a relayed memory read', () => {
    expect(analyze([makeRun('r', [toolStep('t', 'lookup_order', { q: 'latest' }, { result: { status: 'shipped' } })])])).toMatchObject({ runs: 1, ownedValues: 0 });
    // The memory read holds no identifier, but a tool message relaying it is still not the run's own source.
    const memoryRead = toolStep('b-m', 'search_memory', { query: 'preferences' }, { result: 'Customer prefers email contact always' });
    const relay = { role: 'tool' as const, content: 'Customer prefers email contact always; last order ORD-10001' };
    const result = analyze([
      task('a', 'ticket-1', 'Where is order ORD-10001?', { order: 'ORD-10001' }),
      makeRun('b', [llmStep('b-l1', { inputMessages: [SYSTEM, user('Hi')] }), memoryRead, llmStep('b-l2', { inputMessages: [SYSTEM, user('Hi'), relay] })], { taskId: 'ticket-2' }),
    ]);
    expect(result).toMatchObject({ leakedValues: 1, examples: [{ runId: 'b', value: 'ORD-10001' }] });
  });

  it('measures nothing in runs with no content', () => {
    expect(analyze([makeRun('r', [llmStep('l', { inputTokens: 10 })])])).toMatchObject({ runs: 0, tasks: 0, ownedValues: 0 });
  });
});
