import type { SystemDescription, ToolDeclaration } from '../model/index.js';
import type { MimirConfig } from './schema.js';
import { DEFAULT_ERROR_RESULT_PATTERNS, DEFAULT_MAX_ATTRIBUTE_BYTES } from './trace-defaults.js';

type TracesSection = NonNullable<MimirConfig['evidence']['traces']>;

/** load-config.ts's TraceReadingConfig, spelled out here because load-config re-exports this module (a type import back would be a cycle). */
interface DefaultTraceReadingConfig extends Pick<TracesSection, 'mapping' | 'errorResultPatterns' | 'contextWindows' | 'maxAttributeBytes'> {
  readonly tools: readonly ToolDeclaration[];
}

/**
 * Reading options for trace files named without a mimir.yaml (`mimir traces file.jsonl`): the
 * documented defaults, as the schema's parse of an empty `evidence.traces` section gives them
 * (default-trace-read-options.test.ts compares the two), without loading zod or yaml.
 */
export function defaultTraceReadOptions(system: SystemDescription = { name: 'unnamed system', tools: [] }): DefaultTraceReadingConfig {
  return {
    tools: system.tools,
    mapping: {},
    errorResultPatterns: [...DEFAULT_ERROR_RESULT_PATTERNS],
    contextWindows: {},
    maxAttributeBytes: DEFAULT_MAX_ATTRIBUTE_BYTES,
  };
}
