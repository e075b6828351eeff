/**
 * The documented defaults of mimir.yaml's `evidence.traces` reading options, in a module that
 * imports nothing: schema.ts declares its defaults from these, and default-trace-read-options.ts
 * builds reading options from them without loading zod or yaml (≈85 ms of start-up that
 * `mimir traces file.jsonl` with no mimir.yaml does not need).
 */
export const DEFAULT_ERROR_RESULT_PATTERNS: readonly string[] = ['^\\s*(Error|ERROR|Exception)\\b', '^\\s*\\{\\s*"error"\\s*:'];
export const DEFAULT_MAX_ATTRIBUTE_BYTES = 1_048_576;
