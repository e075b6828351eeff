import { canonicalJson, sha256 } from '../shared/hash.js';
import type { AnyCheck } from './define-check.js';

/** Digest of what scoring depends on, so two audits can tell whether they used the same catalogue. */
export function catalogueDigest(checks: readonly AnyCheck[]): string {
  return sha256(canonicalJson(checks.map((c) => ({ id: c.id, area: c.area, severity: c.severity, answerableBy: c.answerableBy }))));
}
