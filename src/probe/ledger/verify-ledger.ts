import { isUtf8 } from 'node:buffer';
import { createReadStream } from 'node:fs';
import { LineSplitter, type Line, type LineHandlers } from '../../evidence/trace/input/line-splitter.js';
import { UserError } from '../../shared/errors.js';
import type { LedgerEntry } from '../types.js';
import { ChainAnalyzer } from './chain-analysis.js';
import type { LedgerExpectation, LedgerProblem } from './chain-runs.js';
import { MAX_LEDGER_LINE_BYTES, entryShapeProblem, recomputeHash } from './chain.js';
import { firstDuplicateKey, type DuplicateKey } from './duplicate-keys.js';

export { LEDGER_PROBLEM_KINDS, type LedgerExpectation, type LedgerProblem, type LedgerProblemKind } from './chain-runs.js';

export interface LedgerVerification {
  /** True when the file is one unbroken chain from the genesis hash (and matches `expect`, if given). */
  readonly ok: boolean;
  /** Lines that read as ledger entries (whether or not they chain). */
  readonly entries: number;
  /** Hash of the chain's last entry: where an appender resumes. The genesis hash for an empty ledger. */
  readonly lastHash: string;
  /** In line order, at most MAX_REPORTED_PROBLEMS of them. */
  readonly problems: readonly LedgerProblem[];
  /** Problems found beyond those listed. */
  readonly omittedProblems: number;
}

export interface VerifyLedgerOptions {
  /** The count and last hash the writer reported on close: catches entries cut from or forged onto the end. */
  readonly expect?: LedgerExpectation;
}

/** A file with more problems than this is listed in part; the count says how many more. */
export const MAX_REPORTED_PROBLEMS = 1000;

const KIND_ORDER = ['truncated', 'malformed', 'bad-genesis', 'edited', 'deleted', 'inserted', 'reordered'];

/**
 * Checks a ledger file's hash chain, streaming it line by line (a line at a time in memory, plus a
 * few links per break; see chain-analysis.ts). A user error only when the file cannot be read; every
 * problem inside it is a located entry of the result.
 */
export async function verifyLedger(path: string, options: VerifyLedgerOptions = {}): Promise<LedgerVerification> {
  const analyzer = new ChainAnalyzer();
  const found: LedgerProblem[] = [];
  let entries = 0;
  await forEachLedgerLine(path, {
    line: (line) => {
      const parsed = parseLedgerLine(line);
      if (!line.terminated) {
        found.push({
          line: line.number,
          ...(parsed.seq !== undefined && { seq: parsed.seq }),
          kind: 'truncated',
          message: `${at(line.number, parsed.seq)}: the last line ends without a newline${parsed.entry ? '' : ' and is not a complete entry'} — the write was cut short`,
        });
        analyzer.opaque(line.number);
        return;
      }
      if (!parsed.entry) {
        found.push({ line: line.number, ...(parsed.seq !== undefined && { seq: parsed.seq }), kind: 'malformed', message: `${at(line.number, parsed.seq)}: ${parsed.problem}` });
        analyzer.opaque(line.number);
        return;
      }
      entries++;
      const entry = parsed.entry;
      // The hash covers what JSON.parse read; a reader that takes the first of two values reads
      // another entry. The line still links, so the chain around it is judged as usual.
      if (parsed.duplicate) found.push({ line: line.number, seq: entry.seq, kind: 'edited', message: `${at(line.number, entry.seq)}: ${duplicateMessage(parsed.duplicate)}` });
      const computed = recomputeHash(entry as unknown as Record<string, unknown>);
      if (computed !== entry.hash) {
        found.push({ line: line.number, seq: entry.seq, kind: 'edited', message: `${at(line.number, entry.seq)}: hash does not match its content — the entry was edited` });
      }
      analyzer.entry({ line: line.number, seq: entry.seq, prev: entry.prev, hash: entry.hash, computed });
    },
    oversized: (line) => {
      found.push({
        line: line.number,
        kind: 'malformed',
        message: `line ${line.number}: ${line.bytes} bytes, over the ${MAX_LEDGER_LINE_BYTES / (1024 * 1024)} MiB a ledger entry may have — not read`,
      });
      analyzer.opaque(line.number);
    },
  });
  const analysis = analyzer.finish(options.expect);
  const problems = [...found, ...analysis.problems].sort((a, b) => a.line - b.line || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind));
  return {
    ok: problems.length === 0,
    entries,
    lastHash: analysis.lastHash,
    problems: problems.slice(0, MAX_REPORTED_PROBLEMS),
    omittedProblems: Math.max(0, problems.length - MAX_REPORTED_PROBLEMS),
  };
}

/**
 * Reads a ledger's entries (those `filter` keeps), checking each line's shape but not the chain:
 * verifiers read the ledger their own trial wrote. A line that is not an entry is a user error
 * naming file:line. Only the kept entries are held in memory.
 */
export async function readLedger(path: string, filter?: (entry: LedgerEntry) => boolean): Promise<LedgerEntry[]> {
  const kept: LedgerEntry[] = [];
  const invalid = (line: number, message: string): never => {
    throw new UserError('invalid-ledger', `${path}:${line}: ${message}`, {
      location: { file: path, line },
      expected: 'one ledger entry (a JSON object with seq, prev, hash, runId, scenarioId, trial, event, startedAt) per line',
      hint: 'The ledger is written by `mimir probe`; run `mimir ledger verify` on it to see what changed.',
    });
  };
  await forEachLedgerLine(path, {
    line: (line) => {
      const parsed = parseLedgerLine(line);
      if (!parsed.entry) {
        invalid(line.number, line.terminated ? parsed.problem : `the last line is incomplete (${parsed.problem}) — the write was cut short`);
        return;
      }
      if (parsed.duplicate) invalid(line.number, duplicateMessage(parsed.duplicate));
      if (!filter || filter(parsed.entry)) kept.push(parsed.entry);
    },
    oversized: (line) => invalid(line.number, `${line.bytes} bytes, over the ${MAX_LEDGER_LINE_BYTES / (1024 * 1024)} MiB a ledger entry may have`),
  });
  return kept;
}

function at(line: number, seq: number | undefined): string {
  return seq === undefined ? `line ${line}` : `line ${line} (seq ${seq})`;
}

type ParsedLine =
  | { readonly entry: LedgerEntry; readonly seq: number; readonly duplicate?: DuplicateKey }
  | { readonly entry?: undefined; readonly seq?: number; readonly problem: string };

function duplicateMessage({ key, within }: DuplicateKey): string {
  return `the key ${JSON.stringify(key)} appears twice${within === '' ? '' : ` in ${within}`} — readers disagree on which value counts; the entry was edited`;
}

function parseLedgerLine(line: Line): ParsedLine {
  let bytes = line.bytes;
  // A byte-order mark is not JSON; an editor may add one. The content (and its hash) is unchanged.
  if (line.number === 1 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
  if (bytes.length === 0) return { problem: 'an empty line, not a ledger entry' };
  if (!isUtf8(bytes)) return { problem: 'bytes that are not UTF-8, not a ledger entry' };
  let value: unknown;
  const text = bytes.toString('utf8');
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { problem: `not JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const problem = entryShapeProblem(value);
  const written = (value as { seq?: unknown } | null)?.seq;
  const seq = typeof written === 'number' && Number.isSafeInteger(written) ? written : undefined;
  if (problem !== undefined) return { problem: `not a ledger entry: ${problem}`, ...(seq !== undefined && { seq }) };
  const entry = value as LedgerEntry;
  const duplicate = firstDuplicateKey(text);
  return { entry, seq: entry.seq, ...(duplicate && { duplicate }) };
}

/** Streams a ledger file's lines; missing and unreadable files are user errors. */
async function forEachLedgerLine(path: string, handlers: LineHandlers): Promise<void> {
  const splitter = new LineSplitter(handlers, MAX_LEDGER_LINE_BYTES);
  const stream = createReadStream(path);
  try {
    for await (const chunk of stream) splitter.push(chunk as Buffer);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new UserError('file-not-found', `ledger not found: ${path}`, { location: { file: path }, hint: 'Check the path; `mimir probe` writes the ledger into its output directory.' });
    if (code === 'EISDIR' || code === 'EACCES' || code === 'EPERM') {
      throw new UserError('file-unreadable', `cannot read the ledger ${path}: ${code === 'EISDIR' ? 'it is a directory' : 'permission denied'}`, { location: { file: path } });
    }
    throw error;
  } finally {
    stream.destroy();
  }
  splitter.end();
}
