import check from './memory-writes-are-scoped-and-audited.js';
import { testCheck } from '../test-support/check-tester.js';

testCheck(check, {
  pass: [{ name: 'attested yes', answer: 'yes', note: 'memory API requires tenant + user; entries store run id, step id and source; writes logged, deletable per run' }],
  fail: [{ name: 'attested no', answer: 'no', note: 'remember() writes free text to one shared collection' }],
  other: [
    { name: 'not applicable with a reason', answer: 'not-applicable', note: 'stateless: nothing persists between runs', outcome: 'not-applicable' },
    { name: 'not applicable without a reason', answer: 'not-applicable', outcome: 'insufficient-evidence', messageIncludes: 'written reason' },
  ],
});
