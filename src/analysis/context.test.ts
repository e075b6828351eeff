import fc from 'fast-check';
import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import type { LlmStep, Message, Run, Step, ToolStep } from '../model/index.js';
import { containsAtWordBoundary, createContextAnalyzer, LONG_RUN_CALLS, type ContextAnalysis } from './context.js';
import { inRunOrder } from './run-order.js';
import { MAX_EXAMPLES } from './types.js';

let nextId = 0;
const id = (): string => `s${++nextId}`;
const system = (content: string): Message => ({ role: 'system', content });
const user = (content: string): Message => ({ role: 'user', content });
const assistant = (content: string): Message => ({ role: 'assistant', content });
const toolMessage = (content: string): Message => ({ role: 'tool', content });

function llm(inputMessages: readonly Message[] | undefined, extra: Partial<Omit<LlmStep, 'kind'>> = {}): LlmStep {
  return { id: id(), kind: 'llm', name: 'chat', status: 'ok', ...(inputMessages && { inputMessages }), ...extra };
}
function tool(toolName: string, extra: Partial<Omit<ToolStep, 'kind'>> = {}): ToolStep {
  return { id: id(), kind: 'tool', name: `execute_tool ${toolName}`, toolName, status: 'ok', ...extra };
}
function run(steps: readonly Step[], extra: Partial<Run> = {}): Run {
  return { id: `run-${++nextId}`, steps, claimedStatus: 'success', outcome: { status: 'unknown', source: 'test' }, source: { file: 'traces.jsonl', line: 3 }, ...extra };
}
function analyze(...runs: readonly Run[]): ContextAnalysis {
  const analyzer = createContextAnalyzer();
  for (const r of runs) analyzer.add(r);
  return analyzer.finish();
}
const tokens = (text: string): number => countTokens(text);

const SYSTEM = 'You are the back-office assistant of Acme. Follow the refund policy exactly and never guess order numbers.';
const GOAL = 'Refund order 4411 for Dana Smith: the blender arrived broken, she wants the money back on her card.';
const ORDER = '{"order": 4411, "customer": "Dana Smith", "total": 89.90, "items": ["blender"], "status": "delivered"}';
const ERROR = 'Error: upstream payments service timed out after 30000 ms (POST /refunds, request id 8c1f)';

describe('context analyzer: self share', () => {
  it('counts assistant messages and failed tool results as the agent\'s own share of the input, in tokens; fetched data is not', () => {
    const first = [system(SYSTEM), user(GOAL)];
    const second = [...first, assistant('I will look up the order first.'), toolMessage(ORDER)];
    const result = analyze(run([llm(first), tool('get_order', { result: ORDER }), llm(second)]));
    const self = tokens('I will look up the order first.');
    const total = tokens(SYSTEM) + tokens(GOAL) + self + tokens(ORDER);
    expect(result.callsWithContent).toBe(2);
    expect(result.runsWithContent).toBe(1);
    expect(result.selfShareByStep).toEqual([
      { index: 0, calls: 1, mean: 0, p90: 0 },
      { index: 1, calls: 1, mean: self / total, p90: Math.ceil((self / total) * 100) / 100 },
    ]);
    expect(result.selfShareGrowth).toBeCloseTo(self / total, 12);
    expect(result.maxSelfSharePercentByRun).toEqual({ [Math.ceil((self / total) * 100)]: 1 });
    // The fetched order still counts as a tool result entering the context.
    expect(result.toolResultTokens).toEqual({ [Math.ceil(tokens(ORDER) / 100) * 100]: 1 });
  });

  it('a failure that is information (a refusal the agent read) is the world\'s answer, not the agent\'s own', () => {
    const refusal = 'Error: gift card balance is not enough to pay for the new flights';
    const input = [system(SYSTEM), user(GOAL), assistant('Refunding now.'), toolMessage(refusal)];
    const result = analyze(run([llm([system(SYSTEM), user(GOAL)]), tool('refund', { status: 'error', error: { type: 'ToolError', message: refusal }, result: refusal }), llm(input)]));
    const self = tokens('Refunding now.');
    expect(result.selfShareByStep[1]?.mean).toBeCloseTo(self / (tokens(SYSTEM) + tokens(GOAL) + self + tokens(refusal)), 12);
  });

  it('counts what a blocking failure answered (a time-out here) as the agent\'s own: its mistake coming back', () => {
    const input = [system(SYSTEM), user(GOAL), assistant('Refunding now.'), toolMessage(ERROR)];
    const result = analyze(run([llm([system(SYSTEM), user(GOAL)]), tool('refund', { status: 'error', error: { type: 'ToolError', message: ERROR }, result: ERROR }), llm(input)]));
    const self = tokens('Refunding now.') + tokens(ERROR);
    expect(result.selfShareByStep[1]?.mean).toBeCloseTo(self / (tokens(SYSTEM) + tokens(GOAL) + self), 12);
  });

  it('counts a user message that relays a tool result as that result (fetched data, not the user\'s), and a clarification as the user\'s', () => {
    const clarification = 'Actually, refund only half: she keeps the jug, which is fine.';
    const relayed = `Tool result: ${ORDER}`;
    const input = [system(SYSTEM), user(GOAL), user(relayed), user(clarification)];
    const result = analyze(run([llm([system(SYSTEM), user(GOAL)]), tool('get_order', { result: ORDER }), llm(input)]));
    expect(result.selfShareByStep[1]?.mean).toBe(0);
    expect(result.toolResultTokens).toEqual({ [Math.ceil(tokens(relayed) / 100) * 100]: 1 });
    // Relaying what a blocking failure answered is the agent's mistake, whatever the role.
    const failedRelay = analyze(run([llm([system(SYSTEM), user(GOAL)]), tool('get_order', { status: 'error', error: { type: 'timeout' }, result: ORDER }), llm(input)]));
    // Only the failed answer it quotes counts, not the words around it.
    const quoted = tokens(ORDER.replace(/\s+/g, ' ').trim());
    expect(failedRelay.selfShareByStep[1]?.mean).toBeCloseTo(quoted / (tokens(SYSTEM) + tokens(GOAL) + tokens(relayed) + tokens(clarification)), 12);
  });

  it('takes a user message for a relay exactly when, whitespace aside, it holds a tool result of 20 characters or more', () => {
    // Results and messages built from the same words and whitespace runs, so a message may hold a
    // result verbatim, only once whitespace is normalized, or not at all; results may be mostly whitespace.
    const word = fc.constantFrom('order', '4411', 'Dana', 'refund', '{"ok":', 'true}', 'é', 'x');
    const space = fc.constantFrom(' ', '  ', '\n', '\t \n', '\u00a0');
    const text = fc.array(fc.tuple(word, space), { maxLength: 12 }).map((parts) => parts.map(([w, gap]) => w + gap).join(''));
    const normalized = (value: string): string => value.replace(/\s+/g, ' ').trim();
    fc.assert(
      fc.property(fc.array(text, { minLength: 1, maxLength: 3 }), text, text, fc.boolean(), (results, before, after, verbatim) => {
        const held = results[0] as string;
        const content = verbatim ? `${before}${held}${after}` : `${before}${normalized(held)}${after}`;
        const steps = [llm([system(SYSTEM), user(GOAL)]), ...results.map((result) => tool('run', { result })), llm([system(SYSTEM), user(GOAL), user(content)], { inputTokens: 10 })];
        const relay = results.some((result) => normalized(result).length >= 20 && normalized(content).includes(normalized(result)));
        const result = analyze(run(steps, { recording: { messages: 'delta' } }));
        // In a delta-recorded run only tool messages are counted: a user message only when it relays one.
        expect(Object.values(result.toolResultTokens).reduce((sum, count) => sum + count, 0)).toBe(relay ? 1 : 0);
      }),
      { numRuns: 500 },
    );
  });

  it('orders the worst runs first in the examples and keeps at most MAX_EXAMPLES', () => {
    const runs = Array.from({ length: MAX_EXAMPLES + 5 }, (_, i) =>
      run([llm([system(SYSTEM), user(GOAL), assistant('step '.repeat(i * 20 + 1))])]),
    );
    const result = analyze(...runs);
    expect(result.bleedExamples).toHaveLength(MAX_EXAMPLES);
    const shares = result.bleedExamples.map((e) => e.maxSelfShare);
    expect(shares).toEqual([...shares].sort((a, b) => b - a));
    expect(result.bleedExamples[0]?.runId).toBe(runs.at(-1)?.id);
    expect(result.bleedExamples[0]).toMatchObject({ file: 'traces.jsonl', line: 3 });
  });

  it('measures nothing from calls without captured content, but still counts them', () => {
    const result = analyze(run([llm(undefined, { inputTokens: 1200 }), llm([], { inputTokens: 1500 })]));
    expect(result.llmCalls).toBe(2);
    expect(result.callsWithContent).toBe(0);
    expect(result.runsWithContent).toBe(0);
    expect(result.selfShareByStep).toEqual([]);
    expect(result.selfShareGrowth).toBeNull();
    expect(result.goalRetention).toMatchObject({ trials: 0, rate: null });
  });

  it('does not throw on special-token text inside a message', () => {
    expect(() => analyze(run([llm([user('please print <|endoftext|> literally, it is part of the file name')])]))).not.toThrow();
  });
});

describe('context analyzer: goal retention', () => {
  it('retains the goal when every later call carries it verbatim, whitespace aside', () => {
    const reflowed = GOAL.replace(/ /g, '\n  ');
    const result = analyze(run([llm([system(SYSTEM), user(GOAL)]), llm([system(SYSTEM), user(reflowed), assistant('ok')]), llm([system(`${SYSTEM}\n<task>${GOAL}</task>`), assistant('done')])]));
    expect(result.goalRetention).toMatchObject({ successes: 1, trials: 1, rate: 1 });
    expect(result.goalLostAtStep).toEqual({});
  });

  it('records the first call that lost the goal, even if it comes back later', () => {
    const r = run([llm([system(SYSTEM), user(GOAL)]), llm([system(SYSTEM), assistant('The user wants a refund.')]), llm([system(SYSTEM), user(GOAL)])]);
    const result = analyze(r);
    expect(result.goalRetention).toMatchObject({ successes: 0, trials: 1 });
    expect(result.goalLostAtStep).toEqual({ 1: 1 });
    expect(result.goalLossExamples).toEqual([expect.objectContaining({ runId: r.id, spanId: r.steps[1]?.id })]);
  });

  it('does not find a goal glued to a longer word or number', () => {
    expect(containsAtWordBoundary('refund order 123 please', 'refund order 12')).toBe(false);
    expect(containsAtWordBoundary('x refund order 12.', 'refund order 12')).toBe(true);
    expect(containsAtWordBoundary('refund order 123 and refund order 12', 'refund order 12')).toBe(true);
  });

  it('leaves out single-call runs and counts runs with no user message apart', () => {
    const result = analyze(run([llm([system(SYSTEM), user(GOAL)])]), run([llm([system(SYSTEM)]), llm([system(SYSTEM), assistant('x')])]));
    expect(result.goalRetention.trials).toBe(0);
    expect(result.runsWithoutGoal).toBe(1);
  });
});

describe('context analyzer: error echo', () => {
  const reactWith = (extra: readonly Message[]): Message[] => [system(SYSTEM), user(GOAL), ...extra];

  it('flags a handled error replayed after the retry succeeded, not the call that reacted to it', () => {
    const r = run([
      llm(reactWith([])),
      tool('refund', { status: 'error', result: ERROR }),
      llm(reactWith([toolMessage(ERROR)])),
      tool('refund', { result: 'refunded 89.90' }),
      llm(reactWith([toolMessage(ERROR), toolMessage('refunded 89.90')])),
      llm(reactWith([toolMessage(ERROR), toolMessage('refunded 89.90'), assistant('Done.')])),
    ]);
    const result = analyze(r);
    expect(result.errorEcho).toMatchObject({ runsWithErrors: 1, runsEchoing: 1, echoingCalls: 2 });
    expect(result.errorEcho.examples[0]).toMatchObject({ runId: r.id, spanId: r.steps[4]?.id });
  });

  it('does not flag a run that summarised the error once handled', () => {
    const result = analyze(
      run([
        tool('refund', { status: 'error', error: { type: 'timeout', message: ERROR } }),
        llm(reactWith([toolMessage(ERROR)])),
        tool('refund', { result: 'refunded 89.90' }),
        llm(reactWith([assistant('refund timed out once; retried OK'), toolMessage('refunded 89.90')])),
      ]),
    );
    expect(result.errorEcho).toMatchObject({ runsWithErrors: 1, runsEchoing: 0, echoingCalls: 0, examples: [] });
  });

  it('ignores short errors, unhandled errors, and a parallel success before the model saw the failure', () => {
    const short = analyze(run([tool('a', { status: 'error', result: 'Error: 404' }), llm(reactWith([])), tool('a'), llm(reactWith([toolMessage('Error: 404')]))]));
    expect(short.errorEcho.runsWithErrors).toBe(0);
    const unhandled = analyze(run([tool('a', { status: 'error', result: ERROR }), llm(reactWith([toolMessage(ERROR)])), llm(reactWith([toolMessage(ERROR)]))]));
    expect(unhandled.errorEcho.runsWithErrors).toBe(0);
    const parallel = analyze(run([tool('a', { status: 'error', result: ERROR }), tool('b', { result: 'fine' }), llm(reactWith([toolMessage(ERROR)]))]));
    expect(parallel.errorEcho).toMatchObject({ runsWithErrors: 0, echoingCalls: 0 });
  });
});

describe('context analyzer: utilization', () => {
  it('divides input tokens by the window, in whole percent rounded up, per call and per run', () => {
    const result = analyze(
      run([llm(undefined, { inputTokens: 50_000, contextWindow: 128_000 }), llm(undefined, { inputTokens: 102_401, contextWindow: 128_000 })]),
      run([llm(undefined, { inputTokens: 1000 })]),
    );
    expect(result.utilizationPercent).toEqual({ 40: 1, 81: 1 });
    expect(result.maxUtilizationPercentByRun).toEqual({ 81: 1 });
    expect(result.callsWithoutWindow).toBe(1);
    expect(result.utilizationExamples[0]).toMatchObject({ maxUtilizationPercent: 81 });
  });

  it('tokenizes the input when the trace has no token count', () => {
    const messages = [system(SYSTEM), user(GOAL)];
    const estimate = tokens(SYSTEM) + tokens(GOAL) + 3 * 3;
    const result = analyze(run([llm(messages, { contextWindow: 100 })]));
    expect(result.utilizationPercent).toEqual({ [Math.ceil(estimate)]: 1 });
  });

  it('counts a call that failed on the context length as over the window', () => {
    const r = run([llm(undefined, { inputTokens: 1000, contextWindow: 128_000 }), llm(undefined, { status: 'error', error: { type: 'context_length_exceeded', message: 'maximum context length is 128000 tokens' } })]);
    const result = analyze(r);
    expect(result.contextExceeded.calls).toBe(1);
    expect(result.contextExceeded.examples[0]).toMatchObject({ runId: r.id, spanId: r.steps[1]?.id });
    expect(result.maxUtilizationPercentByRun).toEqual({ 101: 1 });
  });
});

describe('context analyzer: memory strategy', () => {
  const growing = (sizes: readonly number[], extra: (i: number) => Partial<LlmStep> = () => ({})): LlmStep[] =>
    sizes.map((inputTokens, i) => llm(undefined, { inputTokens, ...extra(i) }));

  it(`calls a run long from ${LONG_RUN_CALLS} llm calls and sees the strategy in a shrinking input`, () => {
    const result = analyze(run(growing([1000, 3000, 6000, 9000, 4000, 5000])));
    expect(result.memoryStrategy).toMatchObject({ longRuns: 1, runsWhereItRan: 1, runsThatGrewWithoutIt: 0 });
  });

  it('sees the strategy in a memory step', () => {
    const result = analyze(run([...growing([1000, 3000, 6000]), { id: id(), kind: 'memory', name: 'summarise', status: 'ok' }, ...growing([9000, 12_000, 15_000])]));
    expect(result.memoryStrategy).toMatchObject({ longRuns: 1, runsWhereItRan: 1 });
  });

  it('flags a long run that grew large without it, and leaves out one that never grew or stayed small', () => {
    const grew = run(growing([4000, 8000, 12000, 16000, 20000, 24000]));
    const flat = run(growing([1000, 1100, 1200, 1300, 1400, 1500]));
    // Doubled, but 6,000 tokens with no window known is nothing to manage yet.
    const small = run(growing([1000, 2000, 3000, 4000, 5000, 6000]));
    const short = run(growing([1000, 90000]));
    const result = analyze(grew, flat, small, short);
    expect(result.memoryStrategy).toMatchObject({ longRuns: 3, runsWhereItRan: 0, runsThatGrewWithoutIt: 1, runsThatGrewSmall: 1 });
    expect(result.memoryStrategy.examples.map((e) => e.runId)).toEqual([grew.id]);
  });

  it('does not take a smaller final call, or a sub-agent with its own system prompt, for the strategy', () => {
    const finalCall = analyze(run(growing([10000, 20000, 30000, 40000, 50000, 5000])));
    expect(finalCall.memoryStrategy).toMatchObject({ runsWhereItRan: 0, runsThatGrewWithoutIt: 1 });
    const subAgent = [10000, 20000, 3000, 30000, 40000, 50000].map((inputTokens, i) =>
      llm([system(i === 2 ? 'You are the lookup sub-agent.' : SYSTEM), user(GOAL)], { inputTokens }),
    );
    expect(analyze(run(subAgent)).memoryStrategy).toMatchObject({ runsWhereItRan: 0, runsThatGrewWithoutIt: 1 });
  });
});

describe('context analyzer: tool results', () => {
  it('counts each tool message once per run however often it is replayed, by size rounded up to 100s', () => {
    const big = JSON.stringify({ rows: Array.from({ length: 200 }, (_, i) => ({ id: i, name: `item ${i}` })) });
    const r = run([llm([user(GOAL), toolMessage(big)]), llm([user(GOAL), toolMessage(big), toolMessage('ok')]), llm([user(GOAL), toolMessage(big), toolMessage('ok')])]);
    const result = analyze(r);
    expect(result.toolResultTokens).toEqual({ 100: 1, [Math.ceil(tokens(big) / 100) * 100]: 1 });
    expect(result.toolResultExamples[0]).toMatchObject({ runId: r.id, spanId: r.steps[0]?.id, tokens: tokens(big) });
  });
});

describe('run order', () => {
  it('sorts by start time when every step has one, and keeps the recorded order otherwise', () => {
    const a = tool('a', { startedAt: '2026-01-01T00:00:02Z' });
    const b = tool('b', { startedAt: '2026-01-01T00:00:01Z' });
    const c = tool('c');
    expect(inRunOrder([a, b]).map((s) => s.id)).toEqual([b.id, a.id]);
    expect(inRunOrder([a, b, c]).map((s) => s.id)).toEqual([a.id, b.id, c.id]);
  });
});

describe('context analyzer: properties', () => {
  const message = fc.record({
    role: fc.constantFrom('system', 'user', 'assistant', 'tool'),
    content: fc.string({ maxLength: 80 }),
  }) as fc.Arbitrary<Message>;
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ messages: fc.option(fc.array(message, { maxLength: 6 }), { nil: undefined }), tokens: fc.option(fc.nat(300_000), { nil: undefined }), window: fc.option(fc.integer({ min: 1, max: 200_000 }), { nil: undefined }) }).map(({ messages, tokens: inputTokens, window }) =>
      llm(messages, { ...(inputTokens !== undefined && { inputTokens }), ...(window !== undefined && { contextWindow: window }) }),
    ),
    fc.record({ ok: fc.boolean(), result: fc.string({ maxLength: 60 }) }).map(({ ok, result }) => tool('t', { status: ok ? 'ok' : 'error', result })),
    fc.constant<Step>({ id: 'm', kind: 'memory', name: 'trim', status: 'ok' }),
  );

  it('keeps shares and rates in [0, 1] and counts consistent', () => {
    fc.assert(
      fc.property(fc.array(fc.array(step, { maxLength: 10 }), { maxLength: 6 }), (stepLists) => {
        const result = analyze(...stepLists.map((steps) => run(steps)));
        for (const s of result.selfShareByStep) {
          expect(s.mean).toBeGreaterThanOrEqual(0);
          expect(s.mean).toBeLessThanOrEqual(1);
          expect(s.p90).toBeGreaterThanOrEqual(0);
          expect(s.p90).toBeLessThanOrEqual(1);
        }
        for (const e of result.bleedExamples) expect(e.maxSelfShare).toBeLessThanOrEqual(1);
        const g = result.goalRetention;
        expect(g.successes).toBeLessThanOrEqual(g.trials);
        if (g.rate !== null) expect(g.rate).toBeGreaterThanOrEqual(0);
        expect(result.callsWithContent).toBeLessThanOrEqual(result.llmCalls);
        expect(result.errorEcho.runsEchoing).toBeLessThanOrEqual(result.errorEcho.runsWithErrors);
        const m = result.memoryStrategy;
        expect(m.runsWhereItRan + m.runsThatGrewWithoutIt).toBeLessThanOrEqual(m.longRuns);
        expect(result.bleedExamples.length).toBeLessThanOrEqual(MAX_EXAMPLES);
      }),
      { numRuns: 150 },
    );
  });
});

describe('context analyzer: replayed histories', () => {
  // Inputs that repeat the previous one (the same Message objects, as the readers share a replayed
  // history) are worked out from where they differ; copies of the same messages are worked out
  // whole. The figures must not tell the two apart.
  const TEXTS = [
    SYSTEM,
    GOAL,
    `${GOAL} (again)`,
    'Refund order 4411',
    ORDER,
    `Tool result: ${ORDER}`,
    ERROR,
    `Retrying after: ${ERROR}`,
    'Actually, refund only half.',
    'I will look up the order first.',
    '',
  ];
  const text = fc.constantFrom(...TEXTS);
  const newMessage = fc.record({ role: fc.constantFrom('system', 'user', 'assistant', 'tool'), content: text }) as fc.Arbitrary<Message>;
  type Command =
    | { readonly kind: 'llm'; readonly keep: number; readonly add: readonly Message[]; readonly ok: boolean; readonly inputTokens: number | undefined }
    | { readonly kind: 'tool'; readonly ok: boolean; readonly result: string };
  const command: fc.Arbitrary<Command> = fc.oneof(
    fc.record({
      kind: fc.constant('llm' as const),
      // How much of the current history the call keeps (1 and more: all of it, the usual case).
      keep: fc.oneof(fc.constant(1), fc.constant(1), fc.constantFrom(0, 0.3, 0.5, 0.7), fc.double({ min: 0, max: 1, noNaN: true })),
      add: fc.array(newMessage, { maxLength: 3 }),
      ok: fc.boolean(),
      inputTokens: fc.option(fc.nat(5000), { nil: undefined }),
    }),
    fc.record({ kind: fc.constant('tool' as const), ok: fc.boolean(), result: text }),
  );

  function build(commands: readonly Command[], copy: boolean): Run {
    let history: Message[] = [];
    const steps: Step[] = commands.map((c, index): Step => {
      const base = { id: `step-${index}`, startedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, index)).toISOString() };
      if (c.kind === 'tool') return { ...base, kind: 'tool', name: 'execute_tool t', toolName: 't', status: c.ok ? 'ok' : 'error', result: c.result };
      history = [...history.slice(0, Math.floor(history.length * c.keep)), ...c.add];
      const input = copy ? history.map((m) => ({ ...m })) : [...history];
      return {
        ...base,
        kind: 'llm',
        name: 'chat',
        status: c.ok ? 'ok' : 'error',
        ...(!c.ok && { error: { type: 'error', message: ERROR } }),
        ...(input.length > 0 && { inputMessages: input }),
        ...(c.inputTokens !== undefined && { inputTokens: c.inputTokens, contextWindow: 8000 }),
      };
    });
    return run(steps, { id: 'run-replayed' });
  }

  it('sees a replayed error leave the history when the input is trimmed', () => {
    const commands: Command[] = [
      { kind: 'llm', keep: 1, add: [system(SYSTEM), user(GOAL)], ok: true, inputTokens: undefined },
      { kind: 'tool', ok: false, result: ERROR },
      { kind: 'llm', keep: 1, add: [toolMessage(ERROR)], ok: true, inputTokens: undefined },
      { kind: 'tool', ok: true, result: ORDER },
      { kind: 'llm', keep: 1, add: [toolMessage(ORDER)], ok: true, inputTokens: undefined },
      // Trimmed to the system prompt and the goal: the error is gone.
      { kind: 'llm', keep: 0.5, add: [assistant('I will look up the order first.')], ok: true, inputTokens: undefined },
    ];
    for (const copy of [false, true]) {
      const result = analyze(build(commands, copy));
      expect(result.errorEcho).toMatchObject({ runsWithErrors: 1, runsEchoing: 1, echoingCalls: 1 });
    }
  });

  it('finds the goal in an earlier message of a trimmed input', () => {
    const commands: Command[] = [
      { kind: 'llm', keep: 1, add: [assistant(GOAL), user(GOAL)], ok: true, inputTokens: undefined },
      // Keeps the assistant message that repeats the goal, drops the user's.
      { kind: 'llm', keep: 0.5, add: [toolMessage(ORDER)], ok: true, inputTokens: undefined },
    ];
    for (const copy of [false, true]) expect(analyze(build(commands, copy)).goalRetention).toMatchObject({ successes: 1, trials: 1 });
  });

  it('gives the same figures for a shared history as for copies of it', () => {
    fc.assert(
      fc.property(fc.array(command, { minLength: 1, maxLength: 14 }), (commands) => {
        expect(analyze(build(commands, false))).toEqual(analyze(build(commands, true)));
      }),
      { numRuns: 3000 },
    );
  });
});
