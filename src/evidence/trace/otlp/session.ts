import type { Run } from '../../../model/index.js';
import { DEFAULT_ASSEMBLY_LIMITS, TraceAssembler, type AssemblyLimits } from '../assemble.js';
import { CompiledReadOptions } from '../conventions/compiled-options.js';
import { SpanNormalizer } from '../conventions/normalize-span.js';
import { FileProblems } from '../problems.js';
import type { ProblemSink, ReadProgress, TraceReadOptions } from '../types.js';
import { OtlpDecoder, normalizeId, type DecodedSpanHandlers, type DocumentContext } from './decode.js';

/**
 * One file being read as OTLP: decoding → conventions → assembly, wired once. The JSON and the
 * protobuf readers differ only in how they find documents; everything after is here.
 */

export interface OtlpReaderLimits extends AssemblyLimits {
  /** Longest JSON Lines line read; a longer one is skipped (and reported) without being buffered. */
  readonly maxLineBytes: number;
  /** Largest single (non-JSON-Lines) document read whole. */
  readonly maxDocumentBytes: number;
}

export const DEFAULT_OTLP_LIMITS: OtlpReaderLimits = {
  ...DEFAULT_ASSEMBLY_LIMITS,
  maxLineBytes: 256 * 1024 * 1024,
  maxDocumentBytes: 256 * 1024 * 1024,
};

/** Progress is reported at most this often (bytes of the file, or spans), and once at the end. */
const PROGRESS_BYTES = 4 * 1024 * 1024;
const PROGRESS_SPANS = 50_000;

/** `"traceId": "…"` in text that would not parse: which traces a damaged record touched. */
const TRACE_ID_IN_TEXT = /"trace_?[iI]d"\s*:\s*"([0-9A-Za-z+/=]{12,64})"/g;
/** One per span (links and parents have other keys). */
const SPAN_ID_KEY = /"span_?[iI]d"\s*:/g;

function countMatches(text: string, pattern: RegExp): number {
  return text.match(pattern)?.length ?? 0;
}

export class OtlpSession {
  readonly problems: FileProblems;
  private readonly decoder: OtlpDecoder;
  private readonly normalizer: SpanNormalizer;
  private readonly assembler: TraceAssembler;
  private readonly handlers: DecodedSpanHandlers;
  private pending: Run[] = [];
  private spanCount = 0;
  private lastProgressBytes = 0;
  private lastProgressSpans = 0;

  constructor(
    readonly file: string,
    options: TraceReadOptions,
    sink: ProblemSink,
    readonly limits: OtlpReaderLimits,
    private readonly onProgress: ((progress: ReadProgress) => void) | undefined,
  ) {
    this.problems = new FileProblems(file, sink);
    const compiled = new CompiledReadOptions(options);
    this.decoder = new OtlpDecoder(this.problems, compiled.maxAttributeBytes);
    this.normalizer = new SpanNormalizer(compiled, this.problems);
    this.assembler = new TraceAssembler(this.problems, limits, options.approvalTools);
    this.handlers = {
      span: (span) => {
        this.spanCount++;
        this.assembler.add(this.normalizer.normalize(span));
      },
      damagedTrace: (traceId) => { this.assembler.markDamaged(traceId); },
      unattributedLoss: () => { this.assembler.markAllInFlightDamaged(); },
    };
  }

  /** Decodes one document (a JSON Lines line, a whole file) and closes it as a record. */
  document(document: unknown, context: DocumentContext): void {
    this.decoder.decodeDocument(document, context, this.handlers);
    this.endRecord();
  }

  /** One span decoded on its own (protobuf); the caller closes the record with endRecord. */
  span(span: unknown, context: DocumentContext): void {
    this.decoder.decodeLoneSpan(span, context, this.handlers);
  }

  /** A loss inside a record whose trace cannot be known. */
  unattributedLoss(): void {
    this.assembler.markUncertain();
  }

  /**
   * A record was skipped. The traces it named are damaged. When it may have held spans whose trace
   * cannot be known (it was cut short, or some of its spans' trace ids did not survive), the loss is
   * unattributable: see TraceAssembler#markUncertain.
   */
  lostRecord(text: string | undefined, cutShort: boolean): void {
    let named = 0;
    if (text !== undefined) {
      for (const match of text.matchAll(TRACE_ID_IN_TEXT)) {
        const traceId = normalizeId(match[1], 16);
        if (traceId === undefined) continue;
        this.assembler.markDamaged(traceId);
        named++;
      }
    }
    // Every span names its trace: fewer trace ids than spans means some spans cannot be attributed.
    const spans = text === undefined ? 1 : countMatches(text, SPAN_ID_KEY);
    if (cutShort || named === 0 || named < spans) this.assembler.markUncertain();
    this.endRecord();
  }

  /** The input was cut short: whatever is in flight may be missing spans. */
  inputCut(): void {
    this.assembler.markAllInFlightDamaged();
  }

  endRecord(): void {
    this.collect(this.assembler.endRecord());
  }

  private collect(runs: readonly Run[]): void {
    for (const run of runs) {
      if (run.source?.traceId !== undefined) this.normalizer.forgetTrace(run.source.traceId);
      this.pending.push(run);
    }
  }

  /** Runs completed since the last call. */
  takeRuns(): Run[] {
    if (this.pending.length === 0) return [];
    const runs = this.pending;
    this.pending = [];
    return runs;
  }

  /** End of input: everything still in flight. */
  finish(): Run[] {
    this.collect(this.assembler.finish());
    return this.takeRuns();
  }

  progress(bytesRead: number, totalBytes: number | undefined, final = false): void {
    if (!this.onProgress) return;
    if (!final && bytesRead - this.lastProgressBytes < PROGRESS_BYTES && this.spanCount - this.lastProgressSpans < PROGRESS_SPANS) return;
    this.lastProgressBytes = bytesRead;
    this.lastProgressSpans = this.spanCount;
    this.onProgress({ file: this.file, bytesRead, totalBytes, spans: this.spanCount, runs: this.assembler.runsEmitted });
  }
}
