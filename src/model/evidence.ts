/** Evidence kinds, strongest first: what mimir made happen, what the agent recorded, what a person said. */
export const EVIDENCE_KINDS = ['probe', 'trace', 'attestation'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** Kinds that measure rather than claim. A check answerable by one of these but only attested is discounted. */
export const MEASURED_EVIDENCE_KINDS: readonly EvidenceKind[] = ['probe', 'trace'];

/** Something a reader can follow to the proof behind a finding. */
export interface Reference {
  readonly kind: 'run' | 'span' | 'probe' | 'answer' | 'file';
  /** Run id, span id, probe id, check id of an answer, or a path. */
  readonly id: string;
  readonly label?: string;
  /** Where the referenced thing sits in a file, when it has a place (an answer's line, a trace line). */
  readonly file?: string;
  readonly line?: number;
}

/** One figure a check measured, with its uncertainty when it has one. */
export interface MeasuredValue {
  readonly name: string;
  readonly value: number | string | boolean;
  readonly unit?: string;
  /** A 95% interval for rates, e.g. Wilson. */
  readonly interval?: readonly [number, number];
  /** How many observations the figure rests on. */
  readonly sampleSize?: number;
}

/** A file or stream that evidence came from, with its digest so an audit can be reproduced. */
export interface EvidenceSource {
  readonly kind: EvidenceKind;
  readonly path: string;
  readonly sha256: string;
}

/** What can be wrong with trace input. Every problem is counted and located; none is silent. */
export const TRACE_PROBLEM_CODES = [
  'unreadable',
  'unknown-format',
  'invalid-utf8',
  'invalid-json',
  'truncated',
  'invalid-document',
  'oversized-value',
  'wrong-attribute-type',
  'missing-parent',
  'parent-cycle',
  'duplicate-span-id',
  'unended-span',
  'clock-skew',
  'no-root',
  'multiple-roots',
  'invalid-label',
  'unmatched-label',
] as const;
export type TraceProblemCode = (typeof TRACE_PROBLEM_CODES)[number];

export interface TraceProblem {
  readonly code: TraceProblemCode;
  readonly message: string;
  readonly file: string;
  /** 1-based line for text formats; byte offset for binary ones or when lines are unknown. */
  readonly line?: number;
  readonly byteOffset?: number;
  readonly runId?: string;
  readonly spanId?: string;
}

export interface TraceProblemSummary {
  readonly total: number;
  readonly byCode: Readonly<Partial<Record<TraceProblemCode, number>>>;
  /** The first problems of each code, bounded so a corrupt corpus cannot exhaust memory. */
  readonly examples: readonly TraceProblem[];
  /** Runs the readers had to drop or repair: never counted as successes. */
  readonly damagedRuns: number;
  /** Spans or documents skipped entirely. */
  readonly skippedRecords: number;
}

/** What an audit says about its trace evidence: how much there was, and whether it was whole. */
export interface TraceSummary {
  readonly runs: number;
  readonly spans: number;
  readonly files: readonly string[];
  /** True when any input was skipped or repaired: the audit rests on partial evidence. */
  readonly partial: boolean;
  readonly problems: TraceProblemSummary;
  /** What the probe session's own traces added (they are among `runs` and `files`). */
  readonly fromProbes?: ProbeTraceRuns;
}

/** What the probe session's own traces added to the trace evidence. */
export interface ProbeTraceRuns {
  /** Runs read and analysed. */
  readonly runs: number;
  /** Of those, runs mimir interfered with (a fault, a denial): left out of the reliability figures. */
  readonly interfered: number;
  /** Runs given an outcome by what the probe saw in the world. */
  readonly withOutcome: number;
  /** Runs left out entirely, because mimir stopped the agent (a planned kill, its deadline): they say nothing about how runs end. */
  readonly leftOut: number;
  readonly files: number;
}

