import { describe, expect, it } from 'vitest';
import { compileUserRegExp, unsafeRegexReason } from './user-regexp.js';
import { redactSecrets, userSecretPattern } from './redact.js';

/** One check for every user pattern (errorResultPatterns, redaction.patterns): it refuses what either of the two former checkers refused. */
describe('unsafeRegexReason', () => {
  it('refuses nested repetition, repeated alternation and back-references', () => {
    const refused = [
      // refused by the former redaction check
      '(a+)+', '(a|aa)*', '((ab)*c)+', '(x+){2,}', '(a)\\1', '((a|b)c)*',
      // refused by the former errorResultPatterns fallback
      '^(a+)+$', '(x*)*', '(x{2}){3}', '(a{2,})+', '\\k<name>',
    ];
    for (const pattern of refused) expect(unsafeRegexReason(pattern), pattern).toBeDefined();
  });

  it('accepts the usual secret shapes and error patterns', () => {
    const accepted = ['ACME-[0-9]{12}', 'tok_[a-z0-9]{20,}', '(?:live|test)_[A-Za-z0-9]+', 'key-(ab)?[0-9]+', '[(+*)]+', '^\\s*(Error|ERROR|Exception)\\b', '^\\s*\\{\\s*"error"\\s*:', '[(+]+(ab)'];
    for (const pattern of accepted) expect(unsafeRegexReason(pattern), pattern).toBeUndefined();
  });
});

describe('compileUserRegExp', () => {
  it('refuses what the static check refuses, lookaround and invalid syntax, with the reason', () => {
    expect(compileUserRegExp('^(a+)+$')).toEqual({ error: expect.stringContaining('hostile text') as unknown });
    expect(compileUserRegExp('(?=x)y')).toEqual({ error: expect.stringContaining('linear time') as unknown });
    expect(compileUserRegExp('(')).toEqual({ error: expect.stringContaining('not a valid regular expression') as unknown });
  });

  it('runs what it accepts in linear time, with the flags asked for', () => {
    const compiled = compileUserRegExp('a*a*a*a*a*a*b', 'g');
    if (!('regexp' in compiled)) throw new Error(compiled.error);
    expect(compiled.regexp.global).toBe(true);
    const started = performance.now();
    expect(compiled.regexp.test('a'.repeat(50_000))).toBe(false);
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

describe('redaction patterns go through the same compiler', () => {
  it('a user secret pattern is refused for what errorResultPatterns are refused for', () => {
    expect(() => userSecretPattern('bad', '^(a+)+$')).toThrow(/hostile text/);
    expect(() => userSecretPattern('bad', '(?<=x)y')).toThrow(/linear time/);
  });

  it('a polynomial user pattern over hostile text stays bounded, and still redacts', () => {
    const pattern = userSecretPattern('acme', 'x*x*x*x*x*y');
    const started = performance.now();
    redactSecrets('x'.repeat(50_000), [pattern]);
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(redactSecrets('id xxy here', [pattern])).toBe('id [redacted:acme] here');
  });
});
