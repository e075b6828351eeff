import { GENESIS_HASH } from '../types.js';

/**
 * Explains how a ledger file departs from one unbroken hash chain, in a single streaming pass plus
 * a small offline step whose memory grows with the number of *breaks*, never with the file.
 *
 * While reading, consecutive lines that link (each `prev` is the hash of the line before and each
 * `seq` is one more) are folded into a **run**; a run keeps only its ends and its last few links. An
 * untampered ledger is one run from seq 0 chained to the genesis hash. Afterwards the runs are put
 * back together by their hashes, in seq order, and every place the file differs from that chain is
 * named:
 * - a seq range no line holds (and no unreadable line stands in for) → `deleted`;
 * - a run that links correctly but sits elsewhere in the file → `reordered` (the fewest entries
 *   that must move to restore file order: a heaviest increasing subsequence of the runs);
 * - two branches from one entry → the shorter is `inserted` (on a tie, the earlier line: a forged
 *   entry is usually placed before the one it imitates), and so is a run that links to nothing;
 * - a run whose seq follows on but whose `prev` does not match → the entry before it was `edited`
 *   and its hash recomputed (or this `prev` was), and at the start → `bad-genesis`.
 * A line whose own hash does not match its content is reported as `edited` by the reader; it still
 * links by either its written or its true hash, so one edited field gives exactly one problem.
 *
 * Two cases no unkeyed hash chain can see, and this one does not claim to: entries cut from the end
 * at a line boundary, and entries forged onto the end with correct hashes. `expect` (the count and
 * last hash the writer reported when it closed) closes both.
 */

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

/** Links kept per run, so a branch a few entries back can still be recognised. */
const RING_SIZE = 16;
/** Past this many runs the file is too broken to explain; further breaks are named one by one. */
const MAX_RUNS = 10_000;
/** Unreadable lines remembered to account for gaps; beyond this a gap may be reported twice. */
const MAX_OPAQUE_LINES = 100_000;
/** The reordering search is quadratic in segments; past this a greedy pass is used. */
const MAX_SEGMENTS_FOR_SEARCH = 3_000;

interface Link {
  readonly seq: number;
  readonly line: number;
  /** The written hash, then the true one when they differ: a successor may chain to either. */
  readonly hashes: readonly string[];
}

interface Run {
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
interface Segment {
  readonly run: Run;
  readonly fromSeq: number;
  toSeq: number;
}

export interface ChainAnalysis {
  readonly problems: LedgerProblem[];
  /** Hash of the chain's last entry (the genesis hash when there is none). */
  readonly lastHash: string;
}

export class ChainAnalyzer {
  private readonly runs: Run[] = [];
  /** The run the next line may extend; none after an unreadable line. */
  private current: Run | undefined;
  private readonly opaqueLines: number[] = [];
  private lastLine = 0;
  /** Breaks found after MAX_RUNS, already named. */
  private readonly overflowProblems: LedgerProblem[] = [];

  entry(facts: EntryFacts): void {
    this.lastLine = facts.line;
    const edited = facts.hash !== facts.computed;
    const hashes = edited ? [facts.hash, facts.computed] : [facts.hash];
    const run = this.current;
    const before = run?.ring[run.ring.length - 1];
    if (run && before) {
      const links = before.hashes.includes(facts.prev);
      const follows = facts.seq === before.seq + 1;
      // An edited entry's own seq or prev may be the edited field: either one placing it is enough.
      if (edited ? links || follows : links && follows) {
        pushLink(run, { seq: before.seq + 1, line: facts.line, hashes });
        return;
      }
    }
    const seq = edited && facts.prev === GENESIS_HASH ? 0 : facts.seq;
    const next: Run = {
      firstLine: facts.line,
      firstSeq: seq,
      firstWrittenSeq: facts.seq,
      firstPrev: facts.prev,
      firstEdited: edited,
      firstHashes: hashes,
      lastLine: facts.line,
      lastSeq: seq,
      ring: [{ seq, line: facts.line, hashes }],
      consumed: false,
    };
    if (this.runs.length >= MAX_RUNS) {
      if (before) this.overflowProblems.push(localBreak(facts, before));
    } else {
      this.runs.push(next);
    }
    this.current = next;
  }

  /** A line that is not a readable entry: it ends the current run, and may stand in for a missing seq. */
  opaque(line: number): void {
    this.lastLine = line;
    this.current = undefined;
    if (this.opaqueLines.length < MAX_OPAQUE_LINES) this.opaqueLines.push(line);
  }

  finish(expect: LedgerExpectation = {}): ChainAnalysis {
    return new ChainAssembly(this.runs, this.opaqueLines, this.lastLine, this.overflowProblems).assemble(expect);
  }
}

function pushLink(run: Run, link: Link): void {
  run.ring.push(link);
  if (run.ring.length > RING_SIZE) run.ring.shift();
  run.lastLine = link.line;
  run.lastSeq = link.seq;
}

/** A break named without the whole picture (only past MAX_RUNS). */
function localBreak(facts: EntryFacts, before: Link): LedgerProblem {
  const at = `line ${facts.line} (seq ${facts.seq})`;
  if (facts.seq > before.seq + 1) {
    return { line: facts.line, seq: facts.seq, kind: 'deleted', message: `${at}: seq ${range(before.seq + 1, facts.seq - 1)} missing before this line` };
  }
  if (facts.seq <= before.seq) {
    return { line: facts.line, seq: facts.seq, kind: 'reordered', message: `${at}: out of order — it follows seq ${before.seq} (line ${before.line})`, relatedLine: before.line };
  }
  return { line: facts.line, seq: facts.seq, kind: 'edited', message: `${at}: prev does not match the hash of line ${before.line}`, relatedLine: before.line };
}

function range(from: number, to: number): string {
  return from === to ? `${from} is` : `${from}–${to} are`;
}

function lineOf(run: Run, seq: number): number {
  return run.firstLine + (seq - run.firstSeq);
}

function linkAt(run: Run, seq: number): Link | undefined {
  return run.ring.find((link) => link.seq === seq);
}

function entriesIn(run: Run): number {
  return run.lastSeq - run.firstSeq + 1;
}

/** Among runs that fit equally, the longest; on a tie, the later line (see the module comment). */
function preferred(candidates: readonly Run[]): Run | undefined {
  let best: Run | undefined;
  for (const run of candidates) {
    if (!best || entriesIn(run) > entriesIn(best) || (entriesIn(run) === entriesIn(best) && run.firstLine > best.firstLine)) best = run;
  }
  return best;
}

function where(firstLine: number, lastLine: number, firstSeq: number, lastSeq: number): string {
  return firstLine === lastLine ? `line ${firstLine} (seq ${firstSeq})` : `lines ${firstLine}–${lastLine} (seq ${firstSeq}–${lastSeq})`;
}

class ChainAssembly {
  private readonly problems: LedgerProblem[] = [];
  private readonly chain: Segment[] = [];
  private readonly byFirstSeq = new Map<number, Run[]>();
  private readonly bySeqOrder: Run[];

  constructor(
    private readonly runs: readonly Run[],
    private readonly opaqueLines: readonly number[],
    private readonly lastLine: number,
    overflowProblems: readonly LedgerProblem[],
  ) {
    this.problems.push(...overflowProblems);
    for (const run of runs) {
      const list = this.byFirstSeq.get(run.firstSeq);
      if (list) list.push(run);
      else this.byFirstSeq.set(run.firstSeq, [run]);
    }
    this.bySeqOrder = [...runs].sort((a, b) => a.firstSeq - b.firstSeq || a.firstLine - b.firstLine);
  }

  assemble(expect: LedgerExpectation): ChainAnalysis {
    if (this.start()) {
      while (this.extend()) {
        // each step places one run (or sets one aside) until none fits
      }
    }
    this.reportLeftovers();
    this.reportReordering();
    const head = this.head();
    this.checkExpectation(expect, head);
    return { problems: this.problems, lastHash: head?.hashes[0] ?? GENESIS_HASH };
  }

  private unconsumed(seq: number): Run[] {
    return (this.byFirstSeq.get(seq) ?? []).filter((run) => !run.consumed);
  }

  private place(run: Run): void {
    run.consumed = true;
    this.chain.push({ run, fromSeq: run.firstSeq, toSeq: run.lastSeq });
  }

  /** The chain's last link. */
  private head(): Link | undefined {
    const segment = this.chain[this.chain.length - 1];
    if (!segment) return undefined;
    return linkAt(segment.run, segment.toSeq);
  }

  private opaqueBetween(afterLine: number, beforeLine: number): number {
    let count = 0;
    for (const line of this.opaqueLines) if (line > afterLine && line < beforeLine) count++;
    return count;
  }

  private start(): boolean {
    const atZero = this.unconsumed(0);
    const genesis = preferred(atZero.filter((run) => run.firstPrev === GENESIS_HASH));
    if (genesis) {
      this.place(genesis);
      return true;
    }
    const first = preferred(atZero);
    if (first) {
      if (!first.firstEdited) {
        this.problems.push({
          line: first.firstLine,
          seq: first.firstWrittenSeq,
          kind: 'bad-genesis',
          message: `line ${first.firstLine} (seq 0): prev is not the genesis hash (64 zeros) — the ledger does not begin where its chain begins`,
        });
      }
      this.place(first);
      return true;
    }
    const earliest = this.bySeqOrder[0];
    if (!earliest) return false;
    if (this.opaqueBetween(0, earliest.firstLine) < earliest.firstSeq) {
      this.problems.push({
        line: earliest.firstLine,
        seq: earliest.firstWrittenSeq,
        kind: 'deleted',
        message: `line ${earliest.firstLine} (seq ${earliest.firstSeq}): the ledger starts at seq ${earliest.firstSeq} — ${earliest.firstSeq === 1 ? 'seq 0 is missing: 1 entry was' : `seq 0–${earliest.firstSeq - 1} are missing: ${earliest.firstSeq} entries were`} deleted from its beginning`,
      });
    }
    this.place(earliest);
    return true;
  }

  /** Places the next run after the chain's head; false when none fits. */
  private extend(): boolean {
    const head = this.head();
    if (!head) return false;
    const next = head.seq + 1;
    const candidates = this.unconsumed(next);

    const linked = preferred(candidates.filter((run) => head.hashes.includes(run.firstPrev)));
    if (linked) {
      this.place(linked);
      return true;
    }

    const following = preferred(candidates.filter((run) => run.firstLine > head.line));
    if (following) {
      if (!following.firstEdited) {
        this.problems.push({
          line: following.firstLine,
          seq: following.firstWrittenSeq,
          kind: 'edited',
          message: `line ${following.firstLine} (seq ${following.firstWrittenSeq}): prev does not match the hash of line ${head.line} (seq ${head.seq}) — line ${head.line} was edited and its hash recomputed, or this entry's prev was changed`,
          relatedLine: head.line,
        });
      }
      this.place(following);
      return true;
    }

    if (this.resolveBranch(head)) return true;

    const gap = this.bySeqOrder.find((run) => !run.consumed && run.firstSeq > next && run.firstLine > head.line);
    if (gap) {
      const missing = gap.firstSeq - next;
      if (this.opaqueBetween(head.line, gap.firstLine) < missing) {
        this.problems.push({
          line: gap.firstLine,
          seq: gap.firstWrittenSeq,
          kind: 'deleted',
          message: `line ${gap.firstLine} (seq ${gap.firstSeq}): seq ${range(next, gap.firstSeq - 1)} missing — ${missing === 1 ? '1 entry was' : `${missing} entries were`} deleted before this line`,
          relatedLine: head.line,
        });
      }
      this.place(gap);
      return true;
    }
    return false;
  }

  /**
   * A run that chains to an entry a few links back in the head's run: two branches from one entry.
   * The longer branch is the ledger; the other was inserted. Returns false when there is none.
   */
  private resolveBranch(head: Link): boolean {
    const segment = this.chain[this.chain.length - 1];
    if (!segment) return false;
    for (const fork of segment.run.ring) {
      if (fork.seq < segment.fromSeq || fork.seq >= head.seq) continue;
      const branchSeq = fork.seq + 1;
      const rival = this.unconsumed(branchSeq).find((run) => fork.hashes.includes(run.firstPrev));
      if (!rival) continue;
      const ours = head.seq - fork.seq;
      const theirs = entriesIn(rival);
      const ourFirstLine = lineOf(segment.run, branchSeq);
      const ourFirst = linkAt(segment.run, branchSeq);
      const copy = ourFirst !== undefined && ourFirst.hashes[0] === rival.firstHashes[0];
      const rivalWins = theirs > ours || (theirs === ours && rival.firstLine > ourFirstLine);
      const tie = theirs === ours;
      if (rivalWins) {
        segment.toSeq = fork.seq;
        this.reportBranch(ourFirstLine, ourFirstLine + ours - 1, branchSeq, head.seq, rival.firstLine, fork.line, copy, tie);
        this.place(rival);
      } else {
        rival.consumed = true;
        this.reportBranch(rival.firstLine, rival.lastLine, rival.firstSeq, rival.lastSeq, ourFirstLine, fork.line, copy, tie);
      }
      return true;
    }
    return false;
  }

  private reportBranch(firstLine: number, lastLine: number, firstSeq: number, lastSeq: number, otherLine: number, forkLine: number, copy: boolean, tie: boolean): void {
    const at = where(firstLine, lastLine, firstSeq, lastSeq);
    const single = firstLine === lastLine;
    const message = copy
      ? `${at}: repeats line ${otherLine} — ${single ? 'the entry was' : 'these entries were'} written twice`
      : tie
        ? `${at}: line ${otherLine} also follows line ${forkLine} with seq ${firstSeq} — one of the two was inserted (the earlier is named)`
        : `${at}: not part of the chain — line ${otherLine} also has seq ${firstSeq} and the rest of the ledger follows it; ${single ? 'the entry was' : 'these entries were'} inserted`;
    this.problems.push({ line: firstLine, seq: firstSeq, kind: 'inserted', message, relatedLine: otherLine });
  }

  private chainLineOf(seq: number): number | undefined {
    const segment = this.chain.find((s) => s.fromSeq <= seq && seq <= s.toSeq);
    return segment ? lineOf(segment.run, seq) : undefined;
  }

  private reportLeftovers(): void {
    for (const run of this.runs) {
      if (run.consumed) continue;
      const taken = this.chainLineOf(run.firstSeq);
      const at = where(run.firstLine, run.lastLine, run.firstWrittenSeq, run.firstWrittenSeq + entriesIn(run) - 1);
      const what = run.firstLine === run.lastLine ? 'the entry was' : 'these entries were';
      this.problems.push({
        line: run.firstLine,
        seq: run.firstWrittenSeq,
        kind: 'inserted',
        message:
          taken === undefined
            ? `${at}: not part of the chain — its prev matches no entry of the ledger; ${what} inserted`
            : `${at}: not part of the chain — seq ${run.firstSeq} is at line ${taken} and this prev matches no entry before it; ${what} inserted`,
        ...(taken !== undefined && { relatedLine: taken }),
      });
    }
  }

  /** Chain segments out of file order: the fewest entries that must move are reported as moved. */
  private reportReordering(): void {
    const segments = this.chain;
    const positions = segments.map((segment) => lineOf(segment.run, segment.fromSeq));
    if (positions.every((position, i) => i === 0 || position > (positions[i - 1] ?? 0))) return;
    const kept = segments.length <= MAX_SEGMENTS_FOR_SEARCH ? heaviestIncreasing(segments, positions) : greedyIncreasing(positions);
    segments.forEach((segment, i) => {
      if (kept.has(i)) return;
      const firstLine = positions[i] ?? 0;
      const lastLine = firstLine + (segment.toSeq - segment.fromSeq);
      const at = where(firstLine, lastLine, segment.fromSeq, segment.toSeq);
      const single = firstLine === lastLine;
      const before = segments[i - 1];
      const afterLine = before ? lineOf(before.run, before.toSeq) : undefined;
      this.problems.push({
        line: firstLine,
        seq: segment.fromSeq,
        kind: 'reordered',
        message:
          afterLine === undefined
            ? `${at}: out of order — ${single ? 'it belongs' : 'they belong'} at the start of the ledger`
            : `${at}: out of order — ${single ? 'it belongs' : 'they belong'} after seq ${segment.fromSeq - 1} (line ${afterLine})`,
        ...(afterLine !== undefined && { relatedLine: afterLine }),
      });
    });
  }

  private checkExpectation(expect: LedgerExpectation, head: Link | undefined): void {
    const have = head ? head.seq + 1 : 0;
    if (expect.entries !== undefined && have < expect.entries) {
      const missing = expect.entries - have;
      this.problems.push({
        line: this.lastLine + 1,
        kind: 'deleted',
        message: `line ${this.lastLine + 1}: the ledger ends ${head ? `at seq ${head.seq}` : 'with no entries'}, but ${expect.entries} were written — ${missing === 1 ? '1 entry was' : `${missing} entries were`} deleted from its end`,
      });
      return;
    }
    if (expect.entries !== undefined && have > expect.entries) {
      const line = this.chainLineOf(expect.entries) ?? this.lastLine;
      this.problems.push({
        line,
        seq: expect.entries,
        kind: 'inserted',
        message: `line ${line} (seq ${expect.entries}): the ledger was closed after ${expect.entries} entries — this entry and those after it were added later`,
      });
      return;
    }
    if (expect.lastHash !== undefined && head && !head.hashes.includes(expect.lastHash)) {
      this.problems.push({
        line: head.line,
        seq: head.seq,
        kind: 'edited',
        message: `line ${head.line} (seq ${head.seq}): not the last entry the writer wrote (its hash differs) — it was rewritten with a fresh hash, or entries were cut from the end and forged onto it`,
      });
    } else if (expect.lastHash !== undefined && !head && expect.lastHash !== GENESIS_HASH) {
      this.problems.push({ line: 1, kind: 'deleted', message: 'line 1: the ledger is empty, but the writer had written entries — they were deleted' });
    }
  }
}

/**
 * Indices of a subsequence of segments whose file positions increase, holding as many entries as
 * possible; among equals, the one whose segments moved least (so of three entries written in reverse,
 * the middle one stays and the outer two are named).
 */
function heaviestIncreasing(segments: readonly Segment[], positions: readonly number[]): Set<number> {
  const count = segments.length;
  const fileRank = new Map([...positions].sort((a, b) => a - b).map((position, rank) => [position, rank]));
  const weight = segments.map((segment) => segment.toSeq - segment.fromSeq + 1);
  const displacement = positions.map((position, i) => Math.abs((fileRank.get(position) ?? i) - i));
  const bestWeight: number[] = [];
  const bestDisplacement: number[] = [];
  const previous: number[] = [];
  for (let i = 0; i < count; i++) {
    let w = 0;
    let d = 0;
    let from = -1;
    for (let j = 0; j < i; j++) {
      if ((positions[j] ?? 0) >= (positions[i] ?? 0)) continue;
      const wj = bestWeight[j] ?? 0;
      const dj = bestDisplacement[j] ?? 0;
      if (wj > w || (wj === w && dj < d)) {
        w = wj;
        d = dj;
        from = j;
      }
    }
    bestWeight.push(w + (weight[i] ?? 0));
    bestDisplacement.push(d + (displacement[i] ?? 0));
    previous.push(from);
  }
  let end = -1;
  for (let i = 0; i < count; i++) {
    const better = end === -1 || (bestWeight[i] ?? 0) > (bestWeight[end] ?? 0) || ((bestWeight[i] ?? 0) === (bestWeight[end] ?? 0) && (bestDisplacement[i] ?? 0) < (bestDisplacement[end] ?? 0));
    if (better) end = i;
  }
  const kept = new Set<number>();
  for (let i = end; i !== -1; i = previous[i] ?? -1) kept.add(i);
  return kept;
}

function greedyIncreasing(positions: readonly number[]): Set<number> {
  const kept = new Set<number>();
  let last = -Infinity;
  positions.forEach((position, i) => {
    if (position > last) {
      kept.add(i);
      last = position;
    }
  });
  return kept;
}
