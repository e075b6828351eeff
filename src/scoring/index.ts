export { SEVERITY_WEIGHTS } from './weights.js';
export { decideVerdict, formatScore, scoreArea, scoreFinding, scoreFindings, type ScoredAudit } from './score.js';
