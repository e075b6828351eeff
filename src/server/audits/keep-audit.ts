import type { Audit } from '../../model/index.js';
import { renderReport } from '../../report/index.js';
import { sha256 } from '../../shared/hash.js';
import type { SecretPattern } from '../../shared/redact.js';
import type { StoredAudit } from '../store/types.js';

/**
 * A pushed audit as the server keeps it. The report is rendered again by the JSON reporter with the
 * server's redaction (the built-in shapes and mimir.yaml's patterns), so a report written with
 * `--no-redact` loses its secrets here, as spans do before storage; only a server started with
 * `--no-redact` keeps a report as pushed. The id is the digest of what is kept: the same report
 * pushed twice (an exporter's retry, a re-run CI step) is one audit, not two.
 */
export function auditToKeep(audit: Audit, redaction: readonly SecretPattern[] | undefined, receivedAtMs: number): StoredAudit {
  let reportJson: string;
  if (redaction === undefined) reportJson = `${JSON.stringify(audit, null, 2)}\n`;
  else {
    // Redacted now: the marker of a report written with --no-redact would no longer be true.
    const rest: Audit = { ...audit };
    delete (rest as { unredacted?: true }).unredacted;
    reportJson = renderReport(rest, 'json', { color: false, width: 80, redaction: { enabled: true, patterns: redaction } });
  }
  return {
    id: sha256(reportJson).slice(0, 16),
    receivedAtMs,
    auditedAt: audit.stamp.generatedAt,
    system: audit.system.name,
    score: audit.score.overall,
    verdict: audit.score.verdict,
    source: 'pushed',
    reportJson,
  };
}
