import check from './state-changes-are-explicit.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'LangGraph state with a reducer per key; case records updated with ETag compare-and-set' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'sub-agents write to one shared dict, last write wins' }],
  other: [{ name: 'always applies', answer: 'not-applicable', note: 'single-threaded agent', outcome: 'insufficient-evidence', messageIncludes: 'always applies' }],
});
