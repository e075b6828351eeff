import { describe, expect, it } from 'vitest';
import { failedTool, llmStep, toolStep } from '../../test/support/synthetic-runs.js';
import type { Step } from '../model/index.js';
import { createFailureClassifier, longestBlockingStreak } from './failure-kinds.js';

/** A failed call whose recorded answer (its result) is `answer`, with the error as instrumentation recorded it. */
const answered = (answer: string, type = 'ToolError', message = answer): Step =>
  failedTool(`s-${answer}`, 'tool', { answer }, type, { error: { type, message }, result: answer });

describe('failure kinds', () => {
  it('a refusal the tool answered with is information; words that say the tool could not work make it blocking', () => {
    // tau-bench's refusals, as recorded: span status ERROR, the message returned to the agent as the result.
    for (const refusal of [
      'Error: gift card balance is not enough',
      'Error: flight HAT030 not available on date 2024-05-13',
      'Error: payment amount does not add up, total price is 1203, but paid 1000',
      'Error: payment method not found',
      'Error: not enough seats on flight HAT229',
    ]) {
      expect(createFailureClassifier().kind(answered(refusal)), refusal).toBe('information');
    }
    for (const blocked of [
      'Error: get_order failed: 503 Service Unavailable',
      'unavailable: reset_password backend is down (transient, retry later)',
      '429 Too Many Requests: rate limited, retry after 2 s',
      'connection refused',
      'request timed out after 30 s',
      'Error: permission denied for /orders',
      'output does not match the contract: malformed JSON',
    ]) {
      expect(createFailureClassifier().kind(answered(blocked)), blocked).toBe('blocking');
    }
  });

  it('exit codes: a command that ran and exited is information, one killed (124, 128 + n) blocks', () => {
    const exit = (code: number): Step => failedTool(`x${code}`, 'bash', { code }, 'exit-code', { error: { type: 'exit-code', message: `exited with code ${code}` } });
    expect([1, 2, 127].map((code) => createFailureClassifier().kind(exit(code)))).toEqual(['information', 'information', 'information']);
    expect([124, 137, 143].map((code) => createFailureClassifier().kind(exit(code)))).toEqual(['blocking', 'blocking', 'blocking']);
  });

  it('no recorded answer blocks; successful steps and model calls are classified as such', () => {
    const classifier = createFailureClassifier();
    expect(classifier.kind(failedTool('a', 'get_order', { id: 1 }))).toBe('blocking');
    expect(classifier.kind(answered('   '))).toBe('blocking');
    expect(classifier.kind(toolStep('b', 'get_order', { id: 2 }))).toBeUndefined();
    expect(classifier.kind(llmStep('c', { status: 'error', error: { type: 'rate_limit' } }))).toBe('blocking');
  });

  it('the longest blocking streak follows the cascade rules', () => {
    const timeout = (id: string): Step => failedTool(id, 'bash', { id }, 'timeout');
    expect(longestBlockingStreak([timeout('a'), llmStep('l1'), timeout('b'), llmStep('l2'), timeout('c')])).toBe(3);
    expect(longestBlockingStreak([timeout('a'), toolStep('ok', 'bash', {}), timeout('b'), timeout('c')])).toBe(2);
  });
});
