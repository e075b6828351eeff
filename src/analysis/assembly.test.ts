import { describe, expect, it } from 'vitest';
import { llmStep, makeRun } from '../../test/support/synthetic-runs.js';
import type { Message, Run } from '../model/index.js';
import { createAssemblyAnalyzer, isAppend, MIN_COMPARED_PAIRS } from './assembly.js';

function analyze(runs: readonly Run[]) {
  const analyzer = createAssemblyAnalyzer();
  for (const run of runs) analyzer.add(run);
  return analyzer.finish();
}

const system = (content = 'You are the refunds agent.'): Message => ({ role: 'system', content });
const user = (content: string): Message => ({ role: 'user', content });
const assistant = (content: string): Message => ({ role: 'assistant', content });
const tool = (content: string): Message => ({ role: 'tool', content });
const GOAL = user('Refund order 4411 for Dana.');

const run = (id: string, inputs: readonly (readonly Message[])[], model = 'gpt-4o'): Run =>
  makeRun(id, inputs.map((inputMessages, i) => llmStep(`${id}-${i}`, { model, inputMessages })), { source: { file: 't.jsonl', line: 1 } });

/** A ReAct loop: every input is the previous one plus the answer and the tool result. */
function transcript(id: string, calls: number): Run {
  const inputs: Message[][] = [[system(), GOAL]];
  for (let i = 1; i < calls; i++) inputs.push([...(inputs[i - 1] ?? []), assistant(`step ${i}`), tool(`result ${i}`)]);
  return run(id, inputs);
}

/** A builder: goal, current state, and only the latest result. */
function rebuilt(id: string, calls: number): Run {
  return run(
    id,
    Array.from({ length: calls }, (_, i) => [system(), GOAL, user(`State: ${i} of ${calls} steps done.`), ...(i > 0 ? [tool(`result ${i}`)] : [])]),
  );
}

describe('context assembly', () => {
  it('recognises an append: the previous input, message for message, with more after it', () => {
    const a = [system(), GOAL];
    expect(isAppend(a, [...a, assistant('x')])).toBe(true);
    expect(isAppend(a, a)).toBe(false);
    expect(isAppend([...a, assistant('x')], [...a, assistant('y'), tool('z')])).toBe(false);
  });

  it('measures a replayed transcript: every call appends, every added message is carried to the end', () => {
    const result = analyze([transcript('r', 5)]);
    expect(result).toMatchObject({ runs: 1, shortRuns: 0, pairs: 4, appendedPairs: 4, appendSharePercentByRun: { 100: 1 }, carriedSharePercentByRun: { 100: 1 } });
    expect(result.appendSharePercentByLongRun).toEqual({});
    expect(result.examples).toEqual([
      { runId: 'r', file: 't.jsonl', line: 1, note: '4 of 4 model calls (100%) re-sent the previous input with messages appended; 6 of 6 messages added along the way are still in the last input', appendShare: 1, longestConversation: 5 },
    ]);
    // From six calls in one conversation on, the run counts among the long ones.
    expect(analyze([transcript('long', 6)]).appendSharePercentByLongRun).toEqual({ 100: 1 });
  });

  it('measures a deliberately built context: no call appends, old results are dropped', () => {
    const result = analyze([rebuilt('r', 5)]);
    expect(result).toMatchObject({ runs: 1, pairs: 4, appendedPairs: 0, appendSharePercentByRun: { 0: 1 } });
    // Results 1–3 and states 1–3 entered between the first and last call; none is in the last input.
    expect(result.carriedSharePercentByRun).toEqual({ 0: 1 });
  });

  it('compares by non-system messages: a system prompt re-rendered each call does not hide a replay', () => {
    const base = transcript('r', 4);
    const restamped = makeRun(
      'r',
      base.steps.map((step, i) => (step.kind === 'llm' ? { ...step, inputMessages: [system(`Today is day ${i}.`), ...(step.inputMessages ?? []).slice(1)] } : step)),
    );
    expect(analyze([restamped])).toMatchObject({ pairs: 3, appendedPairs: 3 });
  });

  it("keeps a sub-agent's calls apart from the main agent's, and skips retries", () => {
    const main = [system(), GOAL];
    const sub = [system('You are the lookup sub-agent.'), user('Find order 4411.')];
    const result = analyze([
      run('r', [main, sub, [...main, assistant('a'), tool('t')], [...sub, assistant('b')], [...main, assistant('a'), tool('t')], [...main, assistant('a'), tool('t'), assistant('c')]]),
    ]);
    // Main: 3 distinct inputs (one retry skipped) → 2 appends; sub: 1 append.
    expect(result).toMatchObject({ pairs: 3, appendedPairs: 3 });
  });

  it(`leaves runs with fewer than ${MIN_COMPARED_PAIRS} compared calls unjudged, and runs without content out`, () => {
    const result = analyze([transcript('short', 2), makeRun('none', [llmStep('x', { inputTokens: 100 })])]);
    expect(result).toMatchObject({ runs: 0, shortRuns: 1, pairs: 0, appendSharePercentByRun: {} });
  });

  it('ranks examples by the share of appended calls', () => {
    const mixed = run('mixed', [[system(), GOAL], [system(), GOAL, assistant('a')], [system(), GOAL, user('state 2')], [system(), GOAL, user('state 2'), assistant('b')]]);
    const result = analyze([rebuilt('deliberate', 4), mixed, transcript('replayed', 4)]);
    expect(result.examples.map((e) => [e.runId, Math.round(e.appendShare * 100)])).toEqual([
      ['replayed', 100],
      ['mixed', 67],
      ['deliberate', 0],
    ]);
    expect(result.appendSharePercentByRun).toEqual({ 0: 1, 67: 1, 100: 1 });
  });
});
