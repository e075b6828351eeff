/** The lines the context analyses draw, named once: what counts as a long run, growth, pressure, a replayed error. */
/** A run is long from this many llm calls on: "by step six or seven it mostly reacts to itself". */
export const LONG_RUN_CALLS = 6;
/** A long run "grew" when its largest input is at least this multiple of its first. */
export const GROWTH_FACTOR = 2;
/** Growth needs managing once the largest input fills this share of the model's window (percent)… */
export const PRESSURE_PERCENT = 25;
/** … or, where no window is known, reaches this many tokens. */
export const LARGE_INPUT_TOKENS = 16_000;
/** An input below this fraction of the previous one (same conversation) shows context was trimmed or summarised. */
export const SHRINK_FACTOR = 0.9;
/** Error texts shorter than this ("Error", "timeout") are too generic to call a verbatim replay. */
export const MIN_ERROR_CHARS = 20;
/** A long error counts as replayed when its first this-many characters are (a stack trace's head is what gets pasted). */
export const ERROR_KEY_CHARS = 200;
/** A tool result shorter than this is too generic to recognise inside a user message. */
export const MIN_RELAY_CHARS = 20;
/** Per-step figures pool calls from this index on, so one runaway run cannot grow the table without bound. */
export const MAX_STEP_INDEX = 100;
/** OpenAI's chat format adds about this many tokens per message, and as many again to prime the reply. */
export const TOKENS_PER_MESSAGE = 3;


export const CONTEXT_EXCEEDED = /context[ _-]?(length|window|limit)|maximum context|too many tokens|prompt is too long|input is too long|token limit/i;
