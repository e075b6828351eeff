export { entryHash, entryShapeProblem, LedgerChain, MAX_LEDGER_LINE_BYTES, recomputeHash, type ChainedEntry, type ChainHead } from './chain.js';
export { FileLedger, openLedger, type OpenLedgerOptions, type RotatedLedger } from './file-ledger.js';
export { InMemoryLedger } from './in-memory-ledger.js';
export {
  LEDGER_PROBLEM_KINDS,
  MAX_REPORTED_PROBLEMS,
  readLedger,
  verifyLedger,
  type LedgerExpectation,
  type LedgerProblem,
  type LedgerProblemKind,
  type LedgerVerification,
  type VerifyLedgerOptions,
} from './verify-ledger.js';
