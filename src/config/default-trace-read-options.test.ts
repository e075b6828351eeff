import { describe, expect, it } from 'vitest';
import { defaultTraceReadOptions } from './default-trace-read-options.js';
import type { TraceReadingConfig } from './load-config.js';
import { configSchema } from './schema.js';

describe('defaultTraceReadOptions', () => {
  it('gives what the schema gives for an evidence.traces section that sets nothing', () => {
    const parsed = configSchema.shape.evidence.unwrap().shape.traces.unwrap().parse({ sources: ['-'] });
    const system = { name: 'refunds', tools: [{ name: 'issue_refund', risk: 'money' as const }] };
    const expected: TraceReadingConfig = {
      tools: system.tools,
      mapping: parsed.mapping,
      errorResultPatterns: parsed.errorResultPatterns,
      contextWindows: parsed.contextWindows,
      maxAttributeBytes: parsed.maxAttributeBytes,
    };
    const options: TraceReadingConfig = defaultTraceReadOptions(system);
    expect(options).toEqual(expected);
    expect(defaultTraceReadOptions().tools).toEqual([]);
  });

  it('hands out its own copies, so a caller that changes them changes no later default', () => {
    const first = defaultTraceReadOptions();
    first.errorResultPatterns.push('^oops');
    expect(defaultTraceReadOptions().errorResultPatterns).not.toContain('^oops');
  });
});
