import { GENESIS_HASH } from '../types.js';
import { type ChainAnalysis, type LedgerExpectation, type LedgerProblem, type Link, type Run, type Segment, entriesIn, lineOf, linkAt, range, where } from './chain-runs.js';

// The offline step of the chain analysis (see chain-analysis.ts): the runs put back together by their
// hashes in seq order, and every place the file departs from that chain named.

/** The reordering search is quadratic in segments; past this a greedy pass is used. */
const MAX_SEGMENTS_FOR_SEARCH = 3_000;

/** Among runs that fit equally, the longest; on a tie, the later line (see the module comment). */
function preferred(candidates: readonly Run[]): Run | undefined {
  let best: Run | undefined;
  for (const run of candidates) {
    if (!best || entriesIn(run) > entriesIn(best) || (entriesIn(run) === entriesIn(best) && run.firstLine > best.firstLine)) best = run;
  }
  return best;
}

export class ChainAssembly {
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
