import { writeSync } from 'node:fs';
import { mkdir, open, rename, stat, type FileHandle } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { InternalError, UserError } from '../../shared/errors.js';
import type { LedgerEntry, LedgerRecord, LedgerSink } from '../types.js';
import type { LedgerProblem } from './chain-runs.js';
import { EMPTY_CHAIN, LedgerChain, MAX_LEDGER_LINE_BYTES, type ChainHead } from './chain.js';
import { verifyLedger } from './verify-ledger.js';

export { InMemoryLedger } from './in-memory-ledger.js';

export interface OpenLedgerOptions {
  /**
   * An existing ledger that verifies is always resumed (its chain continues). One that does not:
   * - `resume` (default): refused, with a user error naming the lines at fault;
   * - `rotate`: renamed aside to `<path>.invalid-<time>` (see `FileLedger.rotated`), and a new chain starts.
   */
  readonly onExisting?: 'resume' | 'rotate';
}

/** Where a ledger that failed verification was moved, and why. */
export interface RotatedLedger {
  readonly to: string;
  readonly problems: readonly LedgerProblem[];
}

/** Ledgers open in this process, by absolute path: two chains appending to one file would fork it. */
const openPaths = new Set<string>();

/**
 * An append-only, hash-chained JSON Lines file shared by concurrent trials. Each append is chained
 * and written at once, in the call to `append`: the entry gets its seq and prev, and its line goes
 * to the file in one write call on the file's descriptor (opened for appending) before `append`
 * returns. Entries therefore never interleave or fork the chain, whatever order the callers'
 * promises settle in, and an entry is in the file before its caller can act on it. Writes go
 * straight to the operating system (a reader sees them at once); `flush` and `close` also fsync.
 *
 * The write is synchronous on purpose: it is a write of a line to the page cache, a few
 * microseconds, where an asynchronous one costs a round trip through libuv's thread pool on every
 * tool call the proxy records.
 */
export class FileLedger implements LedgerSink {
  private readonly chain: LedgerChain;
  private closing: Promise<void> | undefined;
  /** Set by a failed write: the file's end is then unknown, so nothing more is appended. */
  private failure: unknown;

  constructor(
    readonly path: string,
    private readonly handle: FileHandle,
    start: ChainHead,
    /** Set when an invalid ledger at `path` was renamed aside on open. */
    readonly rotated?: RotatedLedger,
  ) {
    this.chain = new LedgerChain(start);
  }

  /** Entries in the file, including those appended before it was reopened. */
  get entries(): number {
    return this.chain.entries;
  }

  /** Hash of the last entry written: with `entries`, what `verifyLedger`'s `expect` takes. */
  get lastHash(): string {
    return this.chain.lastHash;
  }

  append(record: LedgerRecord): Promise<LedgerEntry> {
    if (this.closing) return Promise.reject(new InternalError(`append to the ledger ${this.path} after close()`));
    try {
      return Promise.resolve(this.write(record));
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  /** Forces the appends made so far to disk. */
  async flush(): Promise<void> {
    if (this.failure === undefined) await this.handle.sync();
  }

  /** Forces the appends to disk and closes the file. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      try {
        if (this.failure === undefined) await this.handle.sync();
      } finally {
        openPaths.delete(resolve(this.path));
        await this.handle.close();
      }
    })();
    return this.closing;
  }

  private write(record: LedgerRecord): LedgerEntry {
    if (this.failure !== undefined) {
      throw new Error(`the ledger ${this.path} accepts no more entries after a failed write`, { cause: this.failure });
    }
    const chained = this.chain.next(record);
    const bytes = Buffer.from(chained.line, 'utf8');
    if (bytes.length > MAX_LEDGER_LINE_BYTES) {
      throw new RangeError(`a ledger entry of ${bytes.length} bytes is over the ${MAX_LEDGER_LINE_BYTES} bytes a line may have (${record.event} ${record.tool ?? ''})`);
    }
    try {
      let offset = 0;
      // One write call for the line; the loop only continues a short write (a full disk, a signal).
      while (offset < bytes.length) offset += writeSync(this.handle.fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      this.failure = error;
      throw error;
    }
    this.chain.advance(chained);
    return chained.entry;
  }
}

/**
 * Opens a ledger for appending, creating it (and its folder) when missing. An existing ledger is
 * verified first and its chain resumed from its last entry; see `OpenLedgerOptions` for one that
 * does not verify. One process opens a path once at a time (another process appending to the same
 * file is not detected here; verification would show the fork).
 */
export async function openLedger(path: string, options: OpenLedgerOptions = {}): Promise<FileLedger> {
  const absolute = resolve(path);
  if (openPaths.has(absolute)) throw new InternalError(`the ledger ${path} is already open in this process: share that FileLedger instead`);
  openPaths.add(absolute);
  try {
    return await openUnguarded(path, options);
  } catch (error) {
    openPaths.delete(absolute);
    throw error;
  }
}

async function openUnguarded(path: string, options: OpenLedgerOptions): Promise<FileLedger> {
  let start = EMPTY_CHAIN;
  let rotated: RotatedLedger | undefined;
  if (await isFile(path)) {
    const verification = await verifyLedger(path);
    if (verification.ok) {
      start = { entries: verification.entries, lastHash: verification.lastHash };
    } else if (options.onExisting === 'rotate') {
      rotated = { to: await renameAside(path), problems: verification.problems };
    } else {
      const first = verification.problems[0];
      const count = verification.problems.length + verification.omittedProblems;
      throw new UserError('invalid-ledger', `the ledger ${path} fails verification${first ? `: ${first.message}` : ''}${count > 1 ? ` (and ${count - 1} more)` : ''}`, {
        problems: verification.problems.map((problem) => ({ message: problem.message, location: { file: path, line: problem.line } })),
        hint: 'Appending would extend a broken chain. Move the file aside (or delete it) to start a new ledger; `mimir ledger verify` lists every problem.',
      });
    }
  }
  let handle: FileHandle;
  try {
    await mkdir(dirname(path), { recursive: true });
    handle = await open(path, 'a');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UserError('file-unreadable', `cannot write the ledger ${path}: ${code === 'EISDIR' ? 'it is a directory' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (error as Error).message}`, {
      location: { file: path },
      hint: 'Point the probe output at a writable folder.',
    });
  }
  return new FileLedger(path, handle, start, rotated);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function renameAside(path: string): Promise<string> {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  for (let attempt = 0; ; attempt++) {
    const to = `${path}.invalid-${stamp}${attempt === 0 ? '' : `-${attempt}`}`;
    if (await isFile(to)) continue;
    await rename(path, to);
    return to;
  }
}
