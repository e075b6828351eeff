import { LineSplitter } from '../../evidence/trace/input/line-splitter.js';
import type { AgentClaim } from '../types.js';

const CLAIMED: readonly string[] = ['success', 'failure', 'escalated'];

/**
 * The claim in one line of output: a JSON object whose `status` is success, failure or escalated.
 * `summary` is kept when it is a string; every other key goes to `report`. Anything else: undefined.
 */
export function parseClaim(text: string): AgentClaim | undefined {
  const trimmed = text.trim();
  // Cheap test first: most lines of a chatty agent are not JSON objects at all.
  if (!trimmed.startsWith('{') || !trimmed.endsWith('}')) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const { status, summary, ...rest } = value as Record<string, unknown>;
  if (typeof status !== 'string' || !CLAIMED.includes(status)) return undefined;
  const report: Record<string, unknown> = rest;
  if (summary !== undefined && typeof summary !== 'string') report.summary = summary;
  return {
    status: status as AgentClaim['status'],
    ...(typeof summary === 'string' && { summary }),
    ...(Object.keys(report).length > 0 && { report }),
  };
}

/**
 * Reads an agent's output as it streams, keeping only what the claim needs: the line being
 * assembled (at most `maxLineBytes`, longer lines are dropped unread) and the last claim seen.
 * Every byte is counted; memory does not grow with the output.
 */
export class ClaimScanner {
  private readonly splitter: LineSplitter;
  private last: AgentClaim | undefined;
  private total = 0;
  private droppedLine = false;
  private whole: Buffer[] | undefined;

  /** `keepWhole`: also keep the output while it is within `maxLineBytes`, to parse it as one JSON document at the end (an HTTP body may be pretty-printed). */
  constructor(
    private readonly maxLineBytes: number,
    options: { readonly keepWhole?: boolean } = {},
  ) {
    this.splitter = new LineSplitter(
      {
        line: (line) => {
          const claim = parseClaim(line.bytes.toString('utf8'));
          if (claim) this.last = claim;
        },
        oversized: () => {
          this.droppedLine = true;
        },
      },
      maxLineBytes,
    );
    if (options.keepWhole) this.whole = [];
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    this.splitter.push(chunk);
    if (this.whole) {
      if (this.total <= this.maxLineBytes) this.whole.push(chunk);
      else this.whole = undefined;
    }
  }

  end(): void {
    this.splitter.end();
    if (!this.last && this.whole) {
      const claim = parseClaim(Buffer.concat(this.whole).toString('utf8'));
      if (claim) this.last = claim;
    }
    this.whole = undefined;
  }

  get claim(): AgentClaim {
    return this.last ?? { status: 'unknown' };
  }

  get bytes(): number {
    return this.total;
  }

  /** More output than the cap: the runner did not keep all of it (a line may have been dropped unread). */
  get truncated(): boolean {
    return this.droppedLine || this.total > this.maxLineBytes;
  }
}

/** The last `limit` bytes of a stream, as text. */
export class TailBuffer {
  private chunks: Buffer[] = [];
  private size = 0;
  private total = 0;

  constructor(private readonly limit: number) {}

  push(chunk: Buffer): void {
    this.total += chunk.length;
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - (this.chunks[0]?.length ?? 0) >= this.limit && this.chunks.length > 1) {
      this.size -= this.chunks.shift()?.length ?? 0;
    }
  }

  get bytes(): number {
    return this.total;
  }

  text(): string {
    const all = Buffer.concat(this.chunks, this.size);
    const tail = all.length > this.limit ? all.subarray(all.length - this.limit) : all;
    // A cut through a multi-byte character decodes as U+FFFD; drop that fragment.
    return tail.toString('utf8').replace(/^\uFFFD+/, '');
  }
}
