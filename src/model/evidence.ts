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
