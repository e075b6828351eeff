/**
 * Hand-built trace evidence for the trace reporters. Built by hand, not by the analyzers, so the
 * golden files change only when a reporter does. The realistic sample is a back-office refund
 * agent over 200 runs whose numbers hang together (per-step p, p^n, the observed success), in the
 * spirit of the tau-bench airline trajectories DESIGN.md cites: most runs that claim success were
 * graded wrong.
 */
import type { Histogram, Rate, RunRef, TraceAnalyses } from '../../src/analysis/types.js';
import type { TraceEvidence, TraceProblemSummary } from '../../src/evidence/types.js';

/** A proportion with its Wilson 95% interval, as the analyzers report it. */
export function rate(successes: number, trials: number): Rate {
  if (trials === 0) return { successes, trials, rate: null, interval: null };
  const z = 1.959963984540054;
  const p = successes / trials;
  const denominator = 1 + (z * z) / trials;
  const centre = (p + (z * z) / (2 * trials)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / trials + (z * z) / (4 * trials * trials))) / denominator;
  return { successes, trials, rate: p, interval: [Math.max(0, centre - half), Math.min(1, centre + half)] };
}

const FILES = ['traces/refund-agent-2026-11-20.otlp.jsonl', 'traces/refund-agent-2026-11-21.otlp.jsonl'] as const;

function ref(runId: string, line: number, note?: string, spanId?: string): RunRef {
  return { runId, file: FILES[line % 2] ?? FILES[0], line, ...(spanId !== undefined && { spanId }), ...(note !== undefined && { note }) };
}

/** A reference with the figure an analyzer attaches to it (retries, tokens, seconds …). */
function sized<Extra extends object>(base: RunRef, extra: Extra): RunRef & Extra {
  return { ...base, ...extra };
}

const NO_PROBLEMS: TraceProblemSummary = { total: 0, byCode: {}, examples: [], damagedRuns: 0, skippedRecords: 0 };

export function realisticAnalyses(): TraceAnalyses {
  const perStep = rate(1478, 1620);
  const p = perStep.rate ?? 0;
  const observedAt: Readonly<Record<number, readonly [number, number]>> = {
    3: [9, 10],
    4: [11, 14],
    5: [12, 17],
    6: [10, 19],
    7: [8, 21],
    8: [7, 24],
    9: [4, 18],
    10: [3, 15],
    11: [2, 12],
    12: [1, 10],
    13: [1, 8],
    14: [0, 6],
    16: [1, 4],
    18: [0, 3],
    20: [0, 2],
    24: [0, 1],
  };
  const curve = Object.entries(observedAt).map(([steps, [ok, n]]) => ({ steps: Number(steps), projected: p ** Number(steps), observed: rate(ok, n) }));
  const silentExamples = [
    ref('run-0007', 214, 'claimed success; graded failure', 'a1f3c09e'),
    ref('run-0019', 611, 'claimed success; graded failure'),
    ref('run-0023', 742, 'claimed success; refund_order failed and was never retried', '5be20d11'),
    ref('run-0031', 1003, 'claimed success; graded failure'),
    ref('run-0042', 1388, 'claimed success; graded failure'),
    ref('run-0056', 1820, 'claimed success; graded failure'),
    ref('run-0061', 1975, 'claimed success; graded failure'),
    ref('run-0077', 2460, 'claimed success; send_email failed unrecovered', '90dd41aa'),
    ref('run-0090', 2891, 'claimed success; graded failure'),
    ref('run-0104', 3302, 'claimed success; graded failure'),
  ];
  return {
    runs: 200,
    steps: 1634,
    reliability: {
      steps: perStep,
      toolSteps: rate(702, 790),
      llmSteps: rate(776, 830),
      byTool: {
        lookup_order: rate(310, 318),
        search_kb: rate(120, 124),
        refund_order: rate(30, 40),
        send_email: rate(44, 48),
        update_address: rate(18, 22),
        cancel_order: rate(25, 28),
        get_customer: rate(100, 101),
        create_ticket: rate(20, 25),
        escalate_to_human: rate(9, 9),
        list_orders: rate(40, 41),
        charge_card: rate(8, 10),
        calc_refund: rate(23, 24),
      },
      failedStepExamples: [
        ref('run-0023', 745, 'refund_order: Error: payment gateway timeout', '5be20d11'),
        ref('run-0048', 1502, 'update_address: 422 invalid postcode', '77c0e2f4'),
        ref('run-0077', 2466, 'send_email: SMTP 451', '90dd41aa'),
        ref('run-0131', 4120, 'charge_card: card declined', '0c9a8b31'),
      ],
      excludedInfrastructureRuns: 4,
    },
    outcomes: {
      runs: 200,
      graded: 180,
      endToEnd: rate(61, 180),
      claimed: { success: 150, failure: 22, escalated: 18, unknown: 10 },
      infrastructureFailures: 4,
      silentFailures: { count: 97, gradedFailures: 91, unrecoveredToolFailures: 6, rate: rate(97, 146), amongFailedRuns: rate(97, 121), failedRuns: 125, examples: silentExamples },
    },
    passK: {
      tasks: 45,
      trialsPerTask: { min: 4, max: 5 },
      passK: [
        { k: 1, value: 0.339 },
        { k: 2, value: 0.2104 },
        { k: 3, value: 0.1522 },
        { k: 4, value: 0.1185 },
      ],
      excludedInfrastructure: 4,
      excludedUngraded: 16,
      gradedTrials: 180,
    },
    compounding: {
      perStep,
      stepCounts: { runs: 200, mean: 8.135, median: 8, p90: 13, max: 24 },
      observed: rate(61, 180),
      projectedAtMedian: p ** 8,
      curve,
      stepsBelowHalf: 8,
    },
    retries: {
      failingCalls: 88,
      retriesPerFailingCall: { 0: 38, 1: 22, 2: 11, 3: 8, 5: 4, 12: 2 },
      failingCallsWithoutArguments: 3,
      recovered: 39,
      retrySequences: 25,
      sequencesWithBackoff: 6,
      timedRetrySequences: 23,
      backoffByRetries: { 2: { timed: 10, withBackoff: 3 }, 3: { timed: 7, withBackoff: 2 }, 5: { timed: 4, withBackoff: 1 }, 12: { timed: 2, withBackoff: 0 } },
      examples: [
        sized(ref('run-0088', 2790, 'lookup_order retried 12 times, no backoff', 'd4e5f6a7'), { retries: 12, tool: 'lookup_order', recovered: false, backoff: false }),
        sized(ref('run-0150', 4701, 'refund_order retried 5 times'), { retries: 5, tool: 'refund_order', recovered: true, backoff: true }),
      ],
    },
    loops: {
      maxIdenticalCallsPerRun: { 0: 9, 1: 133, 2: 41, 3: 12, 4: 3, 9: 2 },
      examples: [
        sized(ref('run-0088', 2790, 'search_kb × 9 with the same query'), { calls: 9, tool: 'search_kb' }),
        sized(ref('run-0162', 5033, 'lookup_order × 9'), { calls: 9, tool: 'lookup_order' }),
      ],
    },
    cascades: {
      byLongestStreak: { 1: 40, 2: 14, 3: 6, 5: 2 },
      reachingStreak: {
        1: { runs: 62, halted: 7, escalated: 11, continued: 44 },
        2: { runs: 22, halted: 4, escalated: 5, continued: 13 },
        3: { runs: 8, halted: 1, escalated: 1, continued: 6 },
        4: { runs: 2, halted: 0, escalated: 0, continued: 2 },
        5: { runs: 2, halted: 0, escalated: 0, continued: 2 },
      },
      informativeFailures: { steps: 31, runs: 12 },
      blockingFailures: 104,
      examples: [
        sized(ref('run-0023', 742, '5 consecutive blocking failures, the first: get_order timed out'), {
          streak: 5,
          after: ['continued', 'continued', 'continued', 'continued', 'continued'] as const,
        }),
      ],
    },
    budgets: {
      runs: 200,
      runsWithSyntheticTiming: 0,
      steps: { max: 24, p95: 17 },
      tokens: { max: 184220, p95: 61240 },
      durationSeconds: { max: 412.5, p95: 96.2 },
      largestRuns: [sized(ref('run-0088', 2790, '24 model and tool calls'), { value: 24 }), sized(ref('run-0162', 5033, '22 model and tool calls'), { value: 22 })],
      largestRunsByTokens: [sized(ref('run-0088', 2790, '184220 tokens'), { value: 184220 })],
      longestRuns: [sized(ref('run-0131', 4120, 'ran 412.5 s'), { value: 412.5 })],
      toolCalls: {
        timed: 781,
        seconds: { max: 120, p95: 8.4 },
        timeouts: 7, longestTimeoutSeconds: null,
        unended: 9,
        hung: 2,
        slowest: [sized(ref('run-0131', 4117, 'lookup_order took 120 s', '1b2c3d4e'), { value: 120 })],
        hungExamples: [ref('run-0190', 5901, 'charge_card never ended, nor did the run', '6a7b8c9d')],
      },
    },
    context: {
      llmCalls: 830,
      callsWithContent: 812,
      runsWithContent: 160, runsWithDeltaMessages: 0,
      selfShareByStep: [
        { index: 0, calls: 160, mean: 0.04, p90: 0.09 },
        { index: 1, calls: 158, mean: 0.17, p90: 0.29 },
        { index: 2, calls: 150, mean: 0.28, p90: 0.44 },
        { index: 3, calls: 131, mean: 0.37, p90: 0.55 },
        { index: 4, calls: 102, mean: 0.45, p90: 0.63 },
        { index: 5, calls: 66, mean: 0.52, p90: 0.7 },
        { index: 6, calls: 41, mean: 0.58, p90: 0.76 },
        { index: 7, calls: 24, mean: 0.63, p90: 0.8 },
        { index: 8, calls: 12, mean: 0.66, p90: 0.83 },
        { index: 9, calls: 8, mean: 0.69, p90: 0.84 },
        { index: 10, calls: 5, mean: 0.71, p90: 0.86 },
        { index: 11, calls: 3, mean: 0.72, p90: 0.86 },
      ],
      selfShareGrowth: 0.463,
      maxSelfSharePercentByRun: { 10: 12, 30: 40, 50: 48, 70: 40, 86: 18, 92: 2 },
      bleedExamples: [sized(ref('run-0162', 5033, 'self-share 86% at llm call 11'), { maxSelfShare: 0.86 }), sized(ref('run-0088', 2790, 'self-share 81% at llm call 9'), { maxSelfShare: 0.81 })],
      goalRetention: rate(118, 158),
      goalLostAtStep: { 3: 9, 4: 14, 5: 10, 7: 5, 9: 2 },
      goalLossExamples: [ref('run-0131', 4120, "llm call 5 no longer has the customer's request")],
      runsWithoutGoal: 2,
      errorEcho: { runsWithErrors: 54, runsEchoing: 31, runsEchoingLong: 9, echoingCalls: 77, examples: [sized(ref('run-0048', 1502, 'the 422 error text is in 4 later inputs'), { calls: 4 })] },
      utilizationPercent: { 3: 120, 8: 200, 15: 180, 27: 150, 41: 90, 58: 50, 76: 15, 93: 5, 104: 2 },
      maxUtilizationPercentByRun: { 15: 60, 41: 60, 58: 25, 76: 10, 93: 3, 104: 2 },
      callsWithoutWindow: 18,
      contextExceeded: { calls: 2, examples: [ref('run-0162', 5040, 'context_length_exceeded at llm call 12', '0f1e2d3c')] },
      utilizationExamples: [sized(ref('run-0162', 5033, '104% of the window at llm call 11'), { maxUtilizationPercent: 104 })],
      memoryStrategy: { longRuns: 38, runsWhereItRan: 9, runsThatGrewWithoutIt: 21, runsThatGrewSmall: 0, examples: [ref('run-0088', 2790, 'input grew 6× with no trimming')] },
      toolResultTokens: { 100: 510, 200: 90, 500: 40, 1200: 12, 4800: 3 },
      toolResultExamples: [sized(ref('run-0131', 4118, 'lookup_order returned 4800 tokens of HTML', '2c3d4e5f'), { tokens: 4800 })],
    },
    oversight: {
      highRiskCalls: 58,
      approvedBefore: 41,
      approvedByNameOnly: 3,
      approvedExamples: [ref('run-0003', 95, 'refund_order approved by dana before the call')],
      unapproved: {
        count: 17,
        byTool: { refund_order: 11, send_email: 4, charge_card: 2 },
        examples: [ref('run-0012', 402, 'refund_order 180.00 EUR with no approval', '3e8f0b12'), ref('run-0077', 2460, 'send_email to the customer, no approval')],
      },
      denials: 6,
      denialExamples: [ref('run-0104', 3302, 'refund_order denied by dana')],
      executedAfterDenial: { count: 1, examples: [ref('run-0104', 3306, 'refund_order denied by dana, called 2 steps later', 'f00dcafe')] },
      approvals: { total: 47, withActor: 39, withToolCallId: 44, withTime: 45, complete: 37, examples: [ref('run-0019', 611, 'approval without actor'), ref('run-0027', 870, 'approval without tool call id')] },
      confidence: { 35: { outputs: 12, reviewed: 3 }, 48: { outputs: 8, reviewed: 1 }, 62: { outputs: 40, reviewed: 6 }, 71: { outputs: 60, reviewed: 4 }, 85: { outputs: 120, reviewed: 2 }, 93: { outputs: 300, reviewed: 0 }, 100: { outputs: 50, reviewed: 0 } },
      unreviewedExamples: [sized(ref('run-0066', 2101, 'confidence 0.35, not reviewed', '4d5e6f70'), { confidence: 0.35 })],
      escalatedRuns: 18,
      stuck: { runs: 41, escalated: 18, reportedFailure: 0, examples: [ref('run-0023', 742, '5 failing steps in a row, not escalated')] },
      unclassifiedTools: ['calc_refund', 'list_orders'],
      unclassifiedToolExamples: [ref('run-0002', 61, 'calc_refund first called here'), ref('run-0005', 150, 'list_orders first called here')],
      calledTools: 12,
      toolNamesTruncated: false,
    },
    checkpoints: {
      runs: 200,
      runsWithCheckpoints: 64,
      resumedRuns: 7,
      repeatedSideEffects: { count: 2, examples: [ref('run-0140', 4433, 'send_email sent again after resuming from ckpt-3'), ref('run-0141', 4470, 'refund_order repeated after resume')] },
      longestStretchWithoutCheckpoint: { 2: 30, 4: 50, 6: 40, 8: 40, 12: 25, 18: 10, 24: 5 },
      longStretchExamples: [sized(ref('run-0088', 2790, '24 steps without a checkpoint'), { steps: 24 })],
      matchedResumes: 6,
      resumesAfterSideEffects: 4,
      startedOver: { count: 1, examples: [ref('run-0142', 4502, 'redid all 7 calls of run-0139')] },
    },
    contracts: {
      callsWithSchema: 612,
      callsInRunsWithDefinitions: 760,
      validatedCalls: 598,
      callsWithUnusableSchema: 4,
      argumentViolations: { count: 23, ran: 9, examples: [{ ...ref('run-0048', 1499, 'update_address: postcode must match ^[0-9]{5}$'), ran: true }] },
      results: { structured: 540, freeText: 250 },
      resultsWithSchema: 402,
      malformedResults: { count: 9, actedOn: 5, examples: [{ ...ref('run-0131', 4118, 'lookup_order returned HTML; the agent quoted a price from it'), actedOn: true }] },
    },
    stateWrites: {
      runsWithWrites: 64,
      writes: 310,
      keys: 128,
      versioned: 212,
      merged: 40,
      plainExamples: [ref('run-0151', 4810, 'write to "case_notes" with no base version or merge', '5a1e7b3c')],
      judged: 180,
      lostUpdates: { count: 3, examples: [ref('run-0112', 3540, 'write to "ticket/8812" based on version 14 succeeded after version 15 was written', '3b9f02aa')] },
      blindConcurrentWrites: { count: 2, examples: [ref('run-0151', 4810, 'write to "case_notes" with no base version or merge overlapped the write in span 0f4d2c11', '5a1e7b3c')] },
      conflictsDetected: 6,
      unkeyedWriteCalls: 142,
    },
    assembly: {
      runs: 180,
      shortRuns: 20,
      pairs: 1040,
      appendedPairs: 1002,
      appendSharePercentByRun: { 80: 6, 90: 14, 100: 160 },
      appendSharePercentByLongRun: { 80: 6, 90: 14, 100: 160 },
      carriedSharePercentByRun: { 90: 10, 100: 170 },
      examples: [sized(ref('run-0073', 2301, '9 of 9 model calls (100%) re-sent the previous input with messages appended'), { appendShare: 1, longestConversation: 10 })],
    },
    memory: {
      runsWithMemory: 88,
      reads: 176,
      scopedReads: 150,
      writes: 120,
      deletes: 4,
      scopedChanges: 101,
      identifiedChanges: 124,
      auditableChanges: 101,
      unauditableExamples: [ref('run-0093', 2968, 'memory write by remember: no scope', '8e21f0c4')],
      unscopedReadExamples: [ref('run-0097', 3100, 'memory read by search_memory names no scope', '2c7d55e9')],
      memoryStepsWithoutOperation: 0,
      recognisedByToolName: 60,
    },
    isolation: {
      runs: 200,
      tasks: 200,
      runsWithoutTaskId: 0,
      ownedValues: 1480,
      sharedValues: 96,
      leakedValues: 1,
      leakAppearances: 1,
      widespreadValues: 0,
      examples: [
        {
          ...ref('run-0166', 5302, '"dana.smith@example.com" in its memory read, not obtained by this run', 'e4a9c2f1'),
          value: 'dana.smith@example.com',
          source: ref('run-0031', 1003, '"dana.smith@example.com" entered through its tool result', '1d0c8b7e'),
        },
      ],
      untrackedValues: 0,
    },
  };
}

export function realisticTraceEvidence(): TraceEvidence {
  return { runCount: 200, spanCount: 1834, files: [...FILES], analyses: realisticAnalyses(), problems: NO_PROBLEMS, partial: false };
}

/** The same figures, read from input where some lines were damaged. */
export function partialTraceEvidence(): TraceEvidence {
  const problems: TraceProblemSummary = {
    total: 9,
    byCode: { 'invalid-json': 4, 'missing-parent': 2, truncated: 1, 'unended-span': 1, 'unmatched-label': 1 },
    examples: [
      { code: 'invalid-json', message: 'Unexpected end of JSON input', file: FILES[0], line: 1207 },
      { code: 'missing-parent', message: 'span 9c1d… names parent 44aa… which is not in the trace; attached to the root', file: FILES[0], line: 1530, runId: 'run-0051', spanId: '9c1d2e3f' },
      { code: 'truncated', message: 'the file ends inside a span record', file: 'traces/export.otlp.pb', byteOffset: 1048576 },
      { code: 'unended-span', message: 'span has no end time; its duration is unknown', file: FILES[1], line: 77, runId: 'run-0007', spanId: 'a1f3c09e' },
      { code: 'unmatched-label', message: 'the labels file names run-0999, which no trace has', file: 'labels.jsonl', line: 200 },
    ],
    damagedRuns: 3,
    skippedRecords: 5,
  };
  return { ...realisticTraceEvidence(), files: [...FILES, 'traces/export.otlp.pb'], problems, partial: true };
}

const EMPTY_RATE: Rate = { successes: 0, trials: 0, rate: null, interval: null };
const EMPTY_HISTOGRAM: Histogram = {};

/** Files were read but held no runs: every figure must say "not measured", none 0%. */
export function emptyTraceEvidence(): TraceEvidence {
  return {
    runCount: 0,
    spanCount: 0,
    files: ['traces/empty.otlp.jsonl'],
    problems: NO_PROBLEMS,
    partial: false,
    analyses: {
      runs: 0,
      steps: 0,
      reliability: { steps: EMPTY_RATE, toolSteps: EMPTY_RATE, llmSteps: EMPTY_RATE, byTool: {}, failedStepExamples: [], excludedInfrastructureRuns: 0 },
      outcomes: {
        runs: 0,
        graded: 0,
        endToEnd: EMPTY_RATE,
        claimed: { success: 0, failure: 0, escalated: 0, unknown: 0 },
        infrastructureFailures: 0,
        silentFailures: { count: 0, gradedFailures: 0, unrecoveredToolFailures: 0, rate: EMPTY_RATE, amongFailedRuns: EMPTY_RATE, failedRuns: 0, examples: [] },
      },
      passK: { tasks: 0, trialsPerTask: null, passK: [], excludedInfrastructure: 0, excludedUngraded: 0, gradedTrials: 0 },
      compounding: { perStep: EMPTY_RATE, stepCounts: null, observed: EMPTY_RATE, projectedAtMedian: null, curve: [], stepsBelowHalf: null },
      retries: {
        failingCalls: 0,
        retriesPerFailingCall: EMPTY_HISTOGRAM,
        failingCallsWithoutArguments: 0,
        recovered: 0,
        retrySequences: 0,
        sequencesWithBackoff: 0,
        timedRetrySequences: 0,
        backoffByRetries: {},
        examples: [],
      },
      loops: { maxIdenticalCallsPerRun: EMPTY_HISTOGRAM, examples: [] },
      cascades: { byLongestStreak: {}, reachingStreak: {}, informativeFailures: { steps: 0, runs: 0 }, blockingFailures: 0, examples: [] },
      budgets: {
        runs: 0,
        runsWithSyntheticTiming: 0,
        steps: null,
        tokens: null,
        durationSeconds: null,
        largestRuns: [],
        largestRunsByTokens: [],
        longestRuns: [],
        toolCalls: { timed: 0, seconds: null, timeouts: 0, longestTimeoutSeconds: null, unended: 0, hung: 0, slowest: [], hungExamples: [] },
      },
      context: {
        llmCalls: 0,
        callsWithContent: 0,
        runsWithContent: 0, runsWithDeltaMessages: 0,
        selfShareByStep: [],
        selfShareGrowth: null,
        maxSelfSharePercentByRun: EMPTY_HISTOGRAM,
        bleedExamples: [],
        goalRetention: EMPTY_RATE,
        goalLostAtStep: EMPTY_HISTOGRAM,
        goalLossExamples: [],
        runsWithoutGoal: 0,
        errorEcho: { runsWithErrors: 0, runsEchoing: 0, runsEchoingLong: 0, echoingCalls: 0, examples: [] },
        utilizationPercent: EMPTY_HISTOGRAM,
        maxUtilizationPercentByRun: EMPTY_HISTOGRAM,
        callsWithoutWindow: 0,
        contextExceeded: { calls: 0, examples: [] },
        utilizationExamples: [],
        memoryStrategy: { longRuns: 0, runsWhereItRan: 0, runsThatGrewWithoutIt: 0, runsThatGrewSmall: 0, examples: [] },
        toolResultTokens: EMPTY_HISTOGRAM,
        toolResultExamples: [],
      },
      oversight: {
        highRiskCalls: 0,
        approvedBefore: 0,
        approvedByNameOnly: 0,
        approvedExamples: [],
        unapproved: { count: 0, byTool: {}, examples: [] },
        denials: 0,
        denialExamples: [],
        executedAfterDenial: { count: 0, examples: [] },
        approvals: { total: 0, withActor: 0, withToolCallId: 0, withTime: 0, complete: 0, examples: [] },
        confidence: {},
        unreviewedExamples: [],
        escalatedRuns: 0,
        stuck: { runs: 0, escalated: 0, reportedFailure: 0, examples: [] },
        unclassifiedTools: [],
        unclassifiedToolExamples: [],
        calledTools: 0,
        toolNamesTruncated: false,
      },
      checkpoints: {
        runs: 0,
        runsWithCheckpoints: 0,
        resumedRuns: 0,
        repeatedSideEffects: { count: 0, examples: [] },
        longestStretchWithoutCheckpoint: EMPTY_HISTOGRAM,
        longStretchExamples: [],
        matchedResumes: 0,
        resumesAfterSideEffects: 0,
        startedOver: { count: 0, examples: [] },
      },
      contracts: {
        callsWithSchema: 0,
        callsInRunsWithDefinitions: 0,
        validatedCalls: 0,
        callsWithUnusableSchema: 0,
        argumentViolations: { count: 0, ran: 0, examples: [] },
        results: { structured: 0, freeText: 0 },
        resultsWithSchema: 0,
        malformedResults: { count: 0, actedOn: 0, examples: [] },
      },
      stateWrites: {
        runsWithWrites: 0,
        writes: 0,
        keys: 0,
        versioned: 0,
        merged: 0,
        plainExamples: [],
        judged: 0,
        lostUpdates: { count: 0, examples: [] },
        blindConcurrentWrites: { count: 0, examples: [] },
        conflictsDetected: 0,
        unkeyedWriteCalls: 0,
      },
      assembly: { runs: 0, shortRuns: 0, pairs: 0, appendedPairs: 0, appendSharePercentByRun: EMPTY_HISTOGRAM, appendSharePercentByLongRun: EMPTY_HISTOGRAM, carriedSharePercentByRun: EMPTY_HISTOGRAM, examples: [] },
      memory: {
        runsWithMemory: 0,
        reads: 0,
        scopedReads: 0,
        writes: 0,
        deletes: 0,
        scopedChanges: 0,
        identifiedChanges: 0,
        auditableChanges: 0,
        unauditableExamples: [],
        unscopedReadExamples: [],
        memoryStepsWithoutOperation: 0,
        recognisedByToolName: 0,
      },
      isolation: { runs: 0, tasks: 0, runsWithoutTaskId: 0, ownedValues: 0, sharedValues: 0, leakedValues: 0, leakAppearances: 0, widespreadValues: 0, examples: [], untrackedValues: 0 },
    },
  };
}

/**
 * Runs whose tools recorded no content and no grades: the runs are there, but outcomes, pass^k and
 * context cannot be measured. The common case for a team that has not turned on content capture.
 */
export function ungradedTraceEvidence(): TraceEvidence {
  const empty = emptyTraceEvidence().analyses;
  const full = realisticAnalyses();
  return {
    ...realisticTraceEvidence(),
    analyses: {
      ...full,
      outcomes: {
        ...full.outcomes,
        graded: 0,
        endToEnd: EMPTY_RATE,
        silentFailures: {
          ...full.outcomes.silentFailures,
          count: 6,
          gradedFailures: 0,
          rate: rate(6, 6),
          amongFailedRuns: rate(6, 9),
          examples: full.outcomes.silentFailures.examples.filter((r) => r.note?.includes('graded') !== true),
        },
      },
      passK: { ...empty.passK, excludedUngraded: 200 },
      compounding: { ...full.compounding, observed: EMPTY_RATE, curve: full.compounding.curve.map((point) => ({ ...point, observed: null })) },
      context: {
        ...empty.context,
        llmCalls: 830,
        utilizationPercent: full.context.utilizationPercent,
        maxUtilizationPercentByRun: full.context.maxUtilizationPercentByRun,
        toolResultTokens: full.context.toolResultTokens,
        memoryStrategy: { longRuns: 38, runsWhereItRan: 0, runsThatGrewWithoutIt: 30, runsThatGrewSmall: 0, examples: [] },
      },
    },
  };
}

/** Run ids, tool names, notes and file names as an attacker would write them into a trace. */
export function maliciousTraceEvidence(): TraceEvidence {
  const evil = '<script>alert(1)</script>';
  const tool = '<img src=x onerror=alert(2)>\u001b[31mred';
  const base = partialTraceEvidence();
  const a = base.analyses;
  const evilRef: RunRef = { runId: `run"><svg onload=alert(3)>${evil}`, spanId: `' onmouseover='alert(4)`, file: 'a</code><script>x()</script>.jsonl', line: 1, note: `note & ${evil}` };
  return {
    ...base,
    files: ['traces/<b>bold</b>.jsonl'],
    problems: { ...base.problems, examples: [{ code: 'invalid-json', message: `bad ${evil}`, file: `f${evil}.jsonl`, line: 3, runId: evilRef.runId }] },
    analyses: {
      ...a,
      reliability: { ...a.reliability, byTool: { [tool]: rate(1, 4), ...a.reliability.byTool }, failedStepExamples: [evilRef] },
      outcomes: { ...a.outcomes, silentFailures: { ...a.outcomes.silentFailures, examples: [evilRef, evilRef] } },
      oversight: { ...a.oversight, unclassifiedTools: [tool], unapproved: { ...a.oversight.unapproved, byTool: { [tool]: 3 }, examples: [evilRef] } },
    },
  };
}

export const TRACE_SAMPLES = {
  realistic: realisticTraceEvidence,
  partial: partialTraceEvidence,
  empty: emptyTraceEvidence,
  ungraded: ungradedTraceEvidence,
  malicious: maliciousTraceEvidence,
} as const;
