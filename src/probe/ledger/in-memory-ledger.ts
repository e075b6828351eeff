import type { LedgerEntry, LedgerRecord, LedgerSink } from '../types.js';
import { LedgerChain } from './chain.js';

/**
 * The same chain as `FileLedger`, kept in an array: for tests, benchmarks and runs that need no
 * file. `jsonLines()` gives the exact file `FileLedger` would have written.
 */
export class InMemoryLedger implements LedgerSink {
  private readonly chain = new LedgerChain();
  private readonly written: LedgerEntry[] = [];
  private readonly lines: string[] = [];

  get entries(): readonly LedgerEntry[] {
    return this.written;
  }

  get lastHash(): string {
    return this.chain.lastHash;
  }

  /** Chains synchronously (nothing to wait for), so concurrent callers still get one chain in call order. */
  append(record: LedgerRecord): Promise<LedgerEntry> {
    try {
      const chained = this.chain.next(record);
      this.chain.advance(chained);
      this.written.push(chained.entry);
      this.lines.push(chained.line);
      return Promise.resolve(chained.entry);
    } catch (error) {
      return Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
  }

  jsonLines(): string {
    return this.lines.join('');
  }
}
