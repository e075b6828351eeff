// The runs a ledger file folds into, and the problems named about them: shared by the streaming pass
// (chain-analysis.ts) and the offline assembly that puts the runs back together (chain-assembly.ts).

export const LEDGER_PROBLEM_KINDS = ['malformed', 'edited', 'deleted', 'reordered', 'inserted', 'truncated', 'bad-genesis'] as const;

export type LedgerProblemKind = (typeof LEDGER_PROBLEM_KINDS)[number];

export interface LedgerProblem {
  /** 1-based line of the file; for entries missing from the end, the line after the last. */
  readonly line: number;
  /** The seq written on that line, when it has one. */
  readonly seq?: number;
  readonly kind: LedgerProblemKind;
  readonly message: string;
  /** Another line the problem involves: the entry it competes with, or the one it belongs after. */
  readonly relatedLine?: number;
}

/** What the writer knew when it closed the ledger, to detect entries cut from or forged onto its end. */
export interface LedgerExpectation {
  readonly entries?: number;
  readonly lastHash?: string;
}

/** One well-formed line, as the analyzer needs it. */
export interface EntryFacts {
  readonly line: number;
  readonly seq: number;
  readonly prev: string;
  /** The hash written on the line. */
  readonly hash: string;
  /** The hash its content actually has. Differs from `hash` when the entry was edited. */
  readonly computed: string;
}

export interface ChainAnalysis {
  readonly problems: LedgerProblem[];
  /** Hash of the chain's last entry (the genesis hash when there is none). */
  readonly lastHash: string;
}

/** Links kept per run, so a branch a few entries back can still be recognised. */
export const RING_SIZE = 16;

export interface Link {
  readonly seq: number;
  readonly line: number;
  /** The written hash, then the true one when they differ: a successor may chain to either. */
  readonly hashes: readonly string[];
}

export interface Run {
  readonly firstLine: number;
  readonly firstSeq: number;
  readonly firstWrittenSeq: number;
  readonly firstPrev: string;
  readonly firstEdited: boolean;
  readonly firstHashes: readonly string[];
  lastLine: number;
  lastSeq: number;
  /** The last links of the run, oldest first, at most RING_SIZE. */
  readonly ring: Link[];
  consumed: boolean;
}

/** A part of a run placed in the chain. Runs hold consecutive lines and seqs, so lines follow from seqs. */
export interface Segment {
  readonly run: Run;
  readonly fromSeq: number;
  toSeq: number;
}

export function range(from: number, to: number): string {
  return from === to ? `${from} is` : `${from}–${to} are`;
}

export function lineOf(run: Run, seq: number): number {
  return run.firstLine + (seq - run.firstSeq);
}

export function linkAt(run: Run, seq: number): Link | undefined {
  return run.ring.find((link) => link.seq === seq);
}

export function entriesIn(run: Run): number {
  return run.lastSeq - run.firstSeq + 1;
}

export function where(firstLine: number, lastLine: number, firstSeq: number, lastSeq: number): string {
  return firstLine === lastLine ? `line ${firstLine} (seq ${firstSeq})` : `lines ${firstLine}–${lastLine} (seq ${firstSeq}–${lastSeq})`;
}
