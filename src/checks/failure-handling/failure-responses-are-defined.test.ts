import check from './failure-responses-are-defined.js';
import { runCase, testCheck } from '../test-support/check-tester.js';
import { expect, it } from 'vitest';
import { observed, probeEvidence, probeScenario, probeTrial } from '../test-support/probe-evidence.js';

const responded = (expectation: string) => probeTrial('pass', [observed(expectation, true)]);
const everyType = [
  probeScenario('persistent-failure--t--get_order', 'persistent-failure', [responded('claimIn')]),
  probeScenario('transient-failure--t--get_order', 'transient-failure', [responded('recovers')]),
  probeScenario('hang--t--get_order', 'hang', [responded('endsBeforeTimeout')]),
];

testCheck(check, {
  pass: [
    { name: 'probes: the agent responded as expected to each injected failure type', probes: probeEvidence(everyType) },{ name: 'attested yes', answer: 'yes', note: 'failure table in docs/failures.md; one injection test per row in CI' }],
  fail: [
    {
      name: 'probes: the agent hung with the tool',
      probes: probeEvidence([...everyType.slice(0, 2), probeScenario('hang--t--get_order', 'hang', [probeTrial('fail', [observed('endsBeforeTimeout', false, 'still running when the 60.0 s limit stopped it', [])])])]),
    },
    {
      name: 'probes: a failure fails the check even with a failure type unshown',
      probes: probeEvidence([probeScenario('persistent-failure--t--get_order', 'persistent-failure', [probeTrial('fail', [observed('claimIn', false)])])]),
    },{ name: 'attested no', answer: 'no', note: 'errors are logged and the model is asked to continue' }],
  other: [
    {
      name: 'probes must show every failure type before they pass',
      probes: probeEvidence(everyType.slice(0, 2)),
      outcome: 'insufficient-evidence',
      messageIncludes: 'no conclusive trial of the hang family',
    },
    {
      name: 'unshown failure types fall back to the attestation',
      probes: probeEvidence(everyType.slice(1)),
      answer: 'yes',
      outcome: 'pass',
      evidenceKind: 'attestation',
    },
    { name: 'attested partial', answer: 'partial', note: 'tool errors and timeouts handled; refusals and budget not', outcome: 'partial', credit: 0.5 },
    { name: 'always applies', answer: 'not-applicable', note: 'our tools never fail', outcome: 'insufficient-evidence', messageIncludes: 'always applies' },
  ],
});

it('failure-responses-are-defined from probes: says which failure types the proxy cannot inject', () => {
  expect(runCase(check, { name: 'all', probes: probeEvidence(everyType) }).message).toBe(
    'The agent took the expected response in 3 of 3 probe trials of injected tool failures (persistent-failure, transient-failure and hang; 100%, at least 100% required). Model refusals and exhausted budgets cannot be injected through the proxy and are not covered.',
  );
  expect(check.options.parse({})).toEqual({ minPassRate: 1 });
});
