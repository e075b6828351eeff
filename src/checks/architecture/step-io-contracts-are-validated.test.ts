import check from './step-io-contracts-are-validated.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'zod schemas on all 14 tools, validated before dispatch; model output via structured outputs' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'tool arguments are passed through as the model wrote them' }],
  other: [{ name: 'always applies', answer: 'not-applicable', note: 'our tools are simple', outcome: 'insufficient-evidence', messageIncludes: 'always applies' }],
});
