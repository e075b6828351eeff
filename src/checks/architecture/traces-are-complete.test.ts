import check from './traces-are-complete.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'OTel GenAI spans for chat and execute_tool, approval events, content captured with a PII redaction processor, no sampling' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'only model calls are traced; tool calls are plain logs' }],
  other: [{ name: 'always applies', answer: 'not-applicable', note: 'we use logs instead', outcome: 'insufficient-evidence', messageIncludes: 'always applies' }],
});
