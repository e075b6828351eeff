import { GENESIS_HASH } from '../types.js';
import { ChainAssembly } from './chain-assembly.js';
import { type ChainAnalysis, type EntryFacts, type LedgerExpectation, type LedgerProblem, type Link, RING_SIZE, type Run, range } from './chain-runs.js';

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

/** Past this many runs the file is too broken to explain; further breaks are named one by one. */
const MAX_RUNS = 10_000;

/** Unreadable lines remembered to account for gaps; beyond this a gap may be reported twice. */
const MAX_OPAQUE_LINES = 100_000;

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
