import type { RiskClass } from '../../model/index.js';
import { CompiledReadOptions } from './conventions/compiled-options.js';
import { riskFrom, ValueClipper, type Report } from './framework-records.js';
import type { ProblemPlace } from './problems.js';
import type { TraceReadOptions } from './types.js';

/**
 * What a framework reader (LangSmith, OpenAI Agents SDK) holds for one file while it builds runs:
 * the options, where problems go, and what is compiled once per file (error patterns, tool risks and
 * context windows, shared with the OTLP reader; the attribute clipper).
 */
export class FrameworkFile {
  readonly compiled: CompiledReadOptions;
  readonly clipper: ValueClipper;

  constructor(
    readonly path: string,
    readonly options: TraceReadOptions,
    readonly report: Report,
  ) {
    this.compiled = new CompiledReadOptions(options);
    this.clipper = new ValueClipper(options.maxAttributeBytes, report);
  }

  /** Where a record or span sits, for its problems. */
  place(item: { readonly line: number; readonly id: string }, runId: string): ProblemPlace {
    return { line: item.line, runId, spanId: item.id };
  }

  /** A tool's risk: mimir.yaml's declaration first, else what the trace recorded (`recorded`, read as `what`). */
  risk(toolName: string, recorded: unknown, what: string, place: ProblemPlace): RiskClass | undefined {
    return this.compiled.declaredRisk(toolName) ?? riskFrom(recorded, what, place, this.report);
  }
}
