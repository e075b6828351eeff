import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CompiledReadOptions } from '../../src/evidence/trace/conventions/compiled-options.js';
import { parseConfigFile } from '../../src/config/load-config.js';
import { UserError } from '../../src/shared/errors.js';
import { DEFAULT_ERROR_RESULT_PATTERNS } from '../../src/config/trace-defaults.js';
import { compileUserRegExp } from '../../src/shared/user-regexp.js';
import { OPTIONS } from './support.js';

/** Issue 12, point 5: work on input stays bounded, whatever the input. */

describe('user regular expressions run in linear time', () => {
  // No wall-clock assertion (it flaked on a loaded machine): a backtracking engine would take longer
  // than the universe on this input, so ending within the test's timeout is the proof.
  it('a catastrophic pattern over a hostile tool result ends', () => {
    // Nested repetition is refused outright (shared/user-regexp.test.ts); a polynomial pattern passes that check, and the engine keeps it linear.
    const options = new CompiledReadOptions({ ...OPTIONS, errorResultPatterns: ['^a*a*a*a*a*a*b$', '\\s*\\s*\\s*\\s*x'] });
    expect(options.looksLikeError('a'.repeat(100_000) + '!')).toBe(false);
    expect(options.looksLikeError(' '.repeat(100_000) + '!')).toBe(false);
  }, 60_000);

  it('the default patterns still work', () => {
    const options = new CompiledReadOptions({ ...OPTIONS, errorResultPatterns: ['^\\s*(Error|ERROR|Exception)\\b', '^\\s*\\{\\s*"error"\\s*:'] });
    expect(options.looksLikeError('  Error: no such order')).toBe(true);
    expect(options.looksLikeError('{"error": "x"}')).toBe(true);
    expect(options.looksLikeError('all fine')).toBe(false);
  });

  it("mimir's own patterns (run on the backtracking engine) answer as the linear-time engine does, and end on hostile text", () => {
    const own = new CompiledReadOptions({ ...OPTIONS, errorResultPatterns: [...DEFAULT_ERROR_RESULT_PATTERNS] });
    const linear = DEFAULT_ERROR_RESULT_PATTERNS.map((source) => {
      const compiled = compileUserRegExp(source);
      if (!('regexp' in compiled)) throw new Error(compiled.error);
      return compiled.regexp;
    });
    const pieces = fc.constantFrom(' ', '\t', '\n', '{', '}', '"', ':', 'error', 'Error', 'ERROR', 'Exception', 'Exceptional', 'x', '_', '\u00e9');
    fc.assert(
      fc.property(fc.array(pieces, { maxLength: 12 }).map((parts) => parts.join('')), (text) => {
        expect(own.looksLikeError(text)).toBe(linear.some((pattern) => pattern.test(text)));
      }),
      { numRuns: 2000 },
    );
    expect(own.looksLikeError(`${' '.repeat(100_000)}{${' '.repeat(100_000)}!`)).toBe(false);
  }, 60_000);

  it('a pattern that needs backtracking (backreference, lookaround) is refused with the reason', () => {
    expect(compileUserRegExp('(a)\\1')).toEqual({ error: expect.stringContaining('back-reference') as unknown });
    expect(compileUserRegExp('(?=x)y')).toEqual({ error: expect.stringContaining('linear time') as unknown });
    expect(() => new CompiledReadOptions({ ...OPTIONS, errorResultPatterns: ['(a)\\1'] })).toThrow(UserError);
  });
});

describe('reading mimir.yaml is linear in its size', () => {
  // Quadratic (the library's duplicate-key check, one key lookup per unknown key) took minutes here;
  // ending within the test's timeout is the proof, with no wall-clock assertion to flake under load.
  it('a config with 40,000 unknown keys is read and reported in seconds, not minutes', () => {
    const keys = Array.from({ length: 40_000 }, (_, i) => `key${i}: ${i}`).join('\n');
    let error: unknown;
    try {
      parseConfigFile(`version: 1\nsystem:\n  name: a\n${keys}\n`, 'mimir.yaml');
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(UserError);
    const problems = (error as UserError).problems;
    expect(problems.length).toBeLessThanOrEqual(51);
    expect(problems.at(-1)?.message).toContain('more problems like these');
    expect(problems[0]?.location?.line).toBe(4);
  }, 60_000);

  it('a duplicated key is still found, and located', () => {
    expect(() => parseConfigFile('version: 1\nsystem:\n  name: a\n  name: b\n', 'mimir.yaml')).toThrow(/not valid YAML/);
    try {
      parseConfigFile('version: 1\nsystem:\n  name: a\n  name: b\n', 'mimir.yaml');
    } catch (error) {
      expect((error as UserError).problems[0]?.location).toEqual({ file: 'mimir.yaml', line: 4, column: 3 });
    }
  });
});
