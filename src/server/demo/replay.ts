import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { interleaveByTrial, readRecordedRuns, type DemoBuild, type OtlpAttribute, type OtlpRequest, type RecordedRun } from './recorded-runs.js';

/**
 * `mimir serve --demo`: the example back-office agent's recorded runs, replayed to the server in
 * real time, as its exporter would send them: each run's spans in one OTLP/HTTP JSON request to
 * `/v1/traces` when the run ends, its times shifted so that it ends now, with fresh trace and span
 * ids and a run id of its own (so a replay never collides with an earlier one); then its grade, as a
 * grader would post it, to `/api/labels`.
 *
 * The fault: part-way through, the **naive** build replaces the hardened one — the demo version of
 * the same agent, recorded under the same transient tool faults, with no approval before refunds,
 * emails or deletions and tool errors swallowed behind a "Done". From then on high-risk calls go
 * unapproved, tool calls fail without recovery and runs claim success they did not have: the
 * dashboard's silent-failure rate, tool reliability and unapproved-call counts move, and the alert
 * rules fire. Nothing is made up: every span is one the agent emitted when its corpus was recorded.
 */
export interface DemoReplayOptions {
  /** The server's base URL. */
  readonly url: string;
  readonly token?: string | undefined;
  /** How long the replay takes, start to last run. */
  readonly durationMs: number;
  /** When the naive build takes over, from the start. */
  readonly faultAtMs: number;
  /** How many runs in all, spread evenly over the duration. */
  readonly runs: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: DemoProgress) => void;
  /** Where the example agents are (tests); default: the repository's examples/agents. */
  readonly agentsDir?: string;
}

export type DemoProgress =
  | { readonly kind: 'phase'; readonly build: DemoBuild; readonly atMs: number }
  | { readonly kind: 'run'; readonly build: DemoBuild; readonly runId: string; readonly sent: number; readonly atMs: number }
  | { readonly kind: 'refused'; readonly what: string; readonly status: number; readonly reason: string };

export interface DemoReplaySummary {
  readonly sent: Readonly<Record<DemoBuild, number>>;
  readonly labelled: number;
  readonly refused: number;
}

export async function replayDemo(options: DemoReplayOptions): Promise<DemoReplaySummary> {
  const corpora: Record<DemoBuild, RecordedRun[]> = {
    hardened: interleaveByTrial(await readRecordedRuns('hardened', options.agentsDir)),
    naive: interleaveByTrial(await readRecordedRuns('naive', options.agentsDir)),
  };
  const headers = { 'content-type': 'application/json', ...(options.token !== undefined && { authorization: `Bearer ${options.token}` }) };
  const sent: Record<DemoBuild, number> = { hardened: 0, naive: 0 };
  let labelled = 0;
  let refused = 0;
  const post = async (what: string, path: string, body: string): Promise<boolean> => {
    const response = await fetch(`${options.url}${path}`, { method: 'POST', headers, body, ...(options.signal && { signal: options.signal }) });
    const text = await response.text();
    if (response.ok) return true;
    refused++;
    options.onProgress?.({ kind: 'refused', what, status: response.status, reason: text.slice(0, 300) });
    return false;
  };

  const startedAt = Date.now();
  const gapMs = options.durationMs / Math.max(1, options.runs - 1);
  let phase: DemoBuild | undefined;
  for (let index = 0; index < options.runs; index++) {
    const dueMs = index * gapMs;
    const build: DemoBuild = dueMs < options.faultAtMs ? 'hardened' : 'naive';
    const wait = startedAt + dueMs - Date.now();
    if (wait > 0) await sleep(wait, undefined, options.signal ? { signal: options.signal } : {});
    if (options.signal?.aborted) break;
    if (build !== phase) {
      phase = build;
      options.onProgress?.({ kind: 'phase', build, atMs: Date.now() - startedAt });
    }
    const corpus = corpora[build];
    const recorded = corpus[sent[build] % corpus.length];
    if (recorded === undefined) continue;
    const replayed = replayedRun(recorded, `demo${index + 1}-${recorded.runId}`, Date.now());
    if (!(await post(`run ${replayed.runId}`, '/v1/traces', JSON.stringify(replayed.request)))) continue;
    sent[build]++;
    if (recorded.label !== undefined && (await post(`label of ${replayed.runId}`, '/api/labels', JSON.stringify({ run: replayed.runId, ...recorded.label })))) labelled++;
    options.onProgress?.({ kind: 'run', build, runId: replayed.runId, sent: sent.hardened + sent.naive, atMs: Date.now() - startedAt });
  }
  return { sent, labelled, refused };
}

/** Keys whose value names the run: they get the replayed run's id, so labels and run links find it. */
const RUN_ID_KEYS = new Set(['mimir.run.id', 'gen_ai.conversation.id']);

/**
 * One recorded run as a new run that ends at `endMs`: every time shifted by the same amount (so
 * durations, gaps and backoff stay as recorded), new trace and span ids (parent links kept), the run
 * id replaced, and the service named as one deployment whose version is the build.
 */
export function replayedRun(recorded: RecordedRun, runId: string, endMs: number): { readonly runId: string; readonly request: OtlpRequest } {
  const shiftNs = BigInt(Math.round(endMs - recorded.endMs)) * 1_000_000n;
  const shift = (nanos: string): string => String(BigInt(nanos) + shiftNs);
  const traceId = randomBytes(16).toString('hex');
  const spanIds = new Map<string, string>();
  const newSpanId = (old: string): string => {
    let id = spanIds.get(old);
    if (id === undefined) {
      id = randomBytes(8).toString('hex');
      spanIds.set(old, id);
    }
    return id;
  };
  const attributes = (list: OtlpAttribute[]): OtlpAttribute[] =>
    list.map((attribute) => (RUN_ID_KEYS.has(attribute.key) ? { key: attribute.key, value: { stringValue: runId } } : attribute));
  const request: OtlpRequest = {
    resourceSpans: recorded.request.resourceSpans.map((resource) => ({
      resource: { attributes: [...(resource.resource?.attributes ?? []).filter((a) => a.key !== 'service.name' && a.key !== 'service.version'), { key: 'service.name', value: { stringValue: 'back-office-agent' } }, { key: 'service.version', value: { stringValue: recorded.build } }] },
      scopeSpans: resource.scopeSpans.map((scope) => ({
        ...scope,
        spans: scope.spans.map((span) => ({
          ...span,
          traceId,
          spanId: newSpanId(span.spanId),
          ...(span.parentSpanId !== undefined && span.parentSpanId !== '' && { parentSpanId: newSpanId(span.parentSpanId) }),
          startTimeUnixNano: shift(span.startTimeUnixNano),
          endTimeUnixNano: shift(span.endTimeUnixNano),
          ...(span.attributes && { attributes: attributes(span.attributes) }),
          ...(span.events && { events: span.events.map((event) => ({ ...event, timeUnixNano: shift(event.timeUnixNano), ...(event.attributes && { attributes: attributes(event.attributes) }) })) }),
          // A link names a span of another recorded trace, which this replay does not send.
          links: [],
        })),
      })),
    })),
  };
  return { runId, request };
}
