import check from './escalation-path-exists.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'escalate_to_human opens a Zendesk ticket with summary, steps tried and blocker' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'no hand-over; stuck runs end with an apology' }],
  other: [
    { name: 'always applies', answer: 'not-applicable', note: 'the agent is fully autonomous', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
  ],
});
