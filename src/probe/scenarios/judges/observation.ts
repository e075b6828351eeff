import type { ProbeExpectation, VerifierObservation } from '../../../model/index.js';
import { unique } from '../trial-words.js';

// The one way a judge reports: an observation names its expectation and the ledger entries behind it.

export function observation(expectation: ProbeExpectation, ok: boolean, detail: string, seqs?: readonly number[]): VerifierObservation {
  return { expectation, ok, detail, ...(seqs !== undefined && seqs.length > 0 && { ledgerSeqs: unique(seqs) }) };
}
