import { expect, it } from 'vitest';
import type { Run, Step } from '../../model/index.js';
import check from './low-confidence-outputs-go-to-review.js';
import { testCheck } from '../test-support/check-tester.js';
import { traceEvidence } from '../test-support/traces.js';

const output = (id: string, confidence: number): Step => ({ id, kind: 'llm', name: 'chat', status: 'ok', confidence });
const review: Step = { id: 'review', kind: 'review', name: 'human review', status: 'ok' };
const reply: Step = { id: 'reply', kind: 'tool', name: 'execute_tool send_reply', toolName: 'send_reply', risk: 'outbound-message', status: 'ok' };
const lookup: Step = { id: 'lookup', kind: 'tool', name: 'execute_tool get_order', toolName: 'get_order', risk: 'read-only', status: 'ok' };
const run = (id: string, ...steps: Step[]): Run => ({ id, steps, claimedStatus: 'success', outcome: { status: 'unknown', source: 'test' } });
/** Low confidence, a read-only lookup, then a review before the reply goes out. */
const reviewed = (id: string): Run => run(id, output(`${id}-o`, 0.42), lookup, review, reply);
/** Low confidence and the reply goes out anyway. */
const shipped = (id: string): Run => run(id, output(`${id}-o`, 0.42), reply);

testCheck(check, {
  pass: [
    { name: 'attested yes', answer: 'yes', note: 'verifier score under 0.7 opens a review ticket; the reply waits for the reviewer' },
    { name: 'traces: low-confidence outputs are reviewed first', traces: traceEvidence([reviewed('r1'), run('r2', output('r2-o', 0.95), reply)]) },
    { name: 'traces: a low-confidence run that ends escalated', traces: traceEvidence([{ ...run('r1', output('o', 0.3)), claimedStatus: 'escalated' }]) },
  ],
  fail: [
    { name: 'attested no', answer: 'no', note: 'confidence is only logged' },
    { name: 'traces: the low-confidence reply goes out unreviewed', traces: traceEvidence([shipped('r1'), shipped('r2')]) },
  ],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'we do not compute confidence', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
    { name: 'traces: one of two reviewed', traces: traceEvidence([reviewed('r1'), shipped('r2')]), outcome: 'partial', credit: 0.5, messageIncludes: '1 of 2 outputs' },
    { name: 'traces: no confidence recorded', traces: traceEvidence([run('r1', { id: 'o', kind: 'llm', name: 'chat', status: 'ok' }, reply)]), outcome: 'insufficient-evidence', messageIncludes: 'mimir.confidence' },
    { name: 'traces: a lower threshold leaves nothing low', traces: traceEvidence([shipped('r1')]), options: { minConfidence: 0.3 }, outcome: 'insufficient-evidence', messageIncludes: 'below 0.3' },
  ],
});

it('low-confidence-outputs-go-to-review options: defaults parse, invalid values are rejected', () => {
  expect(check.options.parse({})).toEqual({ minConfidence: 0.7 });
  expect(check.options.safeParse({ minConfidence: 70 }).success).toBe(false);
});
