import check from './memory-strategy-runs.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'summariser fires at 60k input tokens, emits a memory.summarise span; seen on 31 of 31 runs over 60k last week' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'summarisation is configured, but we have never seen it run' }],
  other: [{ name: 'always applies', answer: 'not-applicable', note: 'the context never gets big', outcome: 'insufficient-evidence', messageIncludes: 'always applies' }],
});
