import type { Message, StepKind, ToolDefinition } from '../../../model/index.js';
import type { AttrValue } from '../span.js';
import type { MessageHistoryCache } from './message-history.js';
import type { SpanView } from './span-view.js';
import type { ToolDefinitionCache } from './tool-definitions.js';

/**
 * What one trace convention (GenAI, Vercel AI SDK, OpenInference) can say about a span. A span is
 * read through a chain of conventions (see `chainFor` in normalize-span.ts): each field is taken
 * from the first convention in the chain that has it, so no method branches on which convention
 * speaks. Every method is optional: a convention that has no word for a field leaves it out.
 */
export interface ConventionReader {
  readonly model?: (view: SpanView) => string | undefined;
  readonly inputTokens?: (view: SpanView) => number | undefined;
  readonly outputTokens?: (view: SpanView) => number | undefined;
  readonly inputMessages?: (view: SpanView, histories: MessageHistoryCache) => readonly Message[] | undefined;
  readonly outputMessages?: (view: SpanView, histories: MessageHistoryCache) => readonly Message[] | undefined;
  readonly toolName?: (view: SpanView) => string | undefined;
  readonly toolCallId?: (view: SpanView) => string | undefined;
  /** The raw value: the normalizer makes it structured. */
  readonly toolArguments?: (view: SpanView) => AttrValue | undefined;
  readonly toolResult?: (view: SpanView) => AttrValue | undefined;
  readonly toolDefinitions?: (view: SpanView, cache: ToolDefinitionCache) => readonly ToolDefinition[] | undefined;
  readonly conversationId?: (view: SpanView) => string | undefined;
}

/** The convention a span speaks, found from its own markers, and the step kind those markers give. */
export interface SpeakingConvention {
  readonly id: 'genai' | 'vercel' | 'openinference' | 'none';
  /** The kind the convention's markers give (the mimir.* vocabulary is asked first, by the normalizer). */
  readonly kind: StepKind;
  /** Readers of the span's fields, in the order they are asked. */
  readonly chain: readonly ConventionReader[];
  /** Vercel AI SDK spans carry mimir.* names as telemetry metadata keys too. */
  readonly metadataNames: boolean;
}

/** The first answer of the chain: `undefined` from a reader means it has no word for the field. */
export function firstAnswer<T>(chain: readonly ConventionReader[], ask: (reader: ConventionReader) => T | undefined): T | undefined {
  for (const reader of chain) {
    const answer = ask(reader);
    if (answer !== undefined) return answer;
  }
  return undefined;
}
