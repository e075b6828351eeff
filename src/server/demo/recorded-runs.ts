import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { UserError } from '../../shared/errors.js';

/**
 * The recorded runs `mimir serve --demo` replays: the example back-office agent's corpora
 * (examples/agents/<build>/traces), one OTLP/JSON export request per line and one run per request,
 * graded by the labels file beside them (from the back office's state after each run).
 */
export interface RecordedRun {
  readonly build: DemoBuild;
  readonly runId: string;
  /** The OTLP/JSON `ExportTraceServiceRequest` as recorded. */
  readonly request: OtlpRequest;
  /** The root span's end, Unix ms as recorded (virtual time). */
  readonly endMs: number;
  readonly label: { readonly outcome: 'success' | 'failure'; readonly score?: number } | undefined;
}

/** The builds the demo plays: the careful one first, then the demo-ware that replaces it. */
export type DemoBuild = 'hardened' | 'naive';

export interface OtlpAttribute {
  key: string;
  value: Record<string, unknown>;
}
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpAttribute[];
  events?: { timeUnixNano: string; attributes?: OtlpAttribute[] }[];
  links?: unknown[];
}
export interface OtlpRequest {
  resourceSpans: { resource?: { attributes?: OtlpAttribute[] }; scopeSpans: { scope?: unknown; spans: OtlpSpan[] }[] }[];
}

/** examples/agents of mimir's repository, from this module in src/ or in dist/. */
export const EXAMPLE_AGENTS_DIR = fileURLToPath(new URL('../../../examples/agents', import.meta.url));
/**
 * The same corpora packed beside the compiled module at build time (scripts/package-demo.mjs,
 * gzipped), so the demo runs from an installed package, which has no examples/.
 */
const PACKED_RECORDINGS_DIR = fileURLToPath(new URL('./recorded', import.meta.url));

/** One build's recorded corpus and labels: from `agentsDir` when given, else the packed copy, else the repository's examples/agents. */
export async function readRecordedRuns(build: DemoBuild, agentsDir?: string): Promise<RecordedRun[]> {
  const packed = agentsDir === undefined && existsSync(PACKED_RECORDINGS_DIR);
  const traces = packed ? join(PACKED_RECORDINGS_DIR, build) : join(agentsDir ?? EXAMPLE_AGENTS_DIR, build, 'traces');
  let corpus: string;
  let labelsText: string;
  try {
    const corpusText = packed
      ? readFile(join(traces, 'corpus.otlp.jsonl.gz')).then((zipped) => gunzipSync(zipped).toString('utf8'))
      : readFile(join(traces, 'corpus.otlp.jsonl'), 'utf8');
    [corpus, labelsText] = await Promise.all([corpusText, readFile(join(traces, 'labels.jsonl'), 'utf8')]);
  } catch (error) {
    throw new UserError('file-not-found', `the demo's recorded traces are not here: ${(error as Error).message}`, {
      location: { file: traces },
      hint: packed
        ? 'The package is incomplete: install it again (`npm install mimir-audit`).'
        : "The demo replays the example agents' traces (examples/agents in mimir's repository; `npm run build` packs them beside the compiled demo).",
    });
  }
  const labels = new Map<string, RecordedRun['label']>();
  for (const line of lines(labelsText)) {
    const label = JSON.parse(line) as { run: string; outcome: 'success' | 'failure'; score?: number };
    labels.set(label.run, { outcome: label.outcome, ...(label.score !== undefined && { score: label.score }) });
  }
  return lines(corpus).map((line) => {
    const request = JSON.parse(line) as OtlpRequest;
    const spans = request.resourceSpans.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
    const ids = new Set(spans.map((span) => span.spanId));
    const root = spans.find((span) => span.parentSpanId === undefined || span.parentSpanId === '' || !ids.has(span.parentSpanId));
    const runId = stringAttribute(root?.attributes, 'mimir.run.id') ?? root?.traceId ?? '';
    return { build, runId, request, endMs: Number(BigInt(root?.endTimeUnixNano ?? '0') / 1_000_000n), label: labels.get(runId) };
  });
}

/**
 * Runs in the order a busy desk would see them: every ticket once (first trials), then every ticket
 * again, rather than one ticket's trials back to back.
 */
export function interleaveByTrial(runs: readonly RecordedRun[]): RecordedRun[] {
  const trialOf = (run: RecordedRun): number => Number(/-t(\d+)$/.exec(run.runId)?.[1] ?? 0);
  return runs
    .map((run, index) => ({ run, index }))
    .sort((a, b) => trialOf(a.run) - trialOf(b.run) || a.index - b.index)
    .map(({ run }) => run);
}

const lines = (text: string): string[] => text.split('\n').filter((line) => line.trim() !== '');

export function stringAttribute(attributes: readonly OtlpAttribute[] | undefined, key: string): string | undefined {
  const value = attributes?.find((attribute) => attribute.key === key)?.value.stringValue;
  return typeof value === 'string' ? value : undefined;
}
