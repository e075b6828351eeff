import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { parsePort, parseQuietMs } from './options.js';

describe('whole-number options', () => {
  it('take whole numbers in their range', () => {
    expect(parsePort('0')).toBe(0);
    expect(parsePort('65535')).toBe(65535);
    expect(parseQuietMs('3600000')).toBe(3_600_000);
  });

  it.each([
    [parsePort, '65536', 'expected a port from 0 to 65535, got "65536"'],
    [parsePort, '80.5', 'expected a port from 0 to 65535, got "80.5"'],
    [parsePort, 'http', 'expected a port from 0 to 65535, got "http"'],
    [parseQuietMs, '-1', 'expected milliseconds from 0 to 3600000, got "-1"'],
  ])('refuse anything else with what was expected and what was given', (parse, value, message) => {
    expect(() => parse(value)).toThrow(new InvalidArgumentError(message));
  });
});
