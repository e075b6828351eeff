import type { Audit, EvidenceSource, Policy, SystemDescription } from '../model/index.js';
import type { EvidenceBundle } from '../evidence/types.js';
import { readAnswersFile } from '../evidence/attestation/answers-file.js';
import type { AnyCheck } from '../checks/define-check.js';
import { evaluateCheck } from '../checks/evaluate-check.js';
import { catalogueDigest } from '../checks/catalogue.js';
import { CATALOGUE_VERSION, CHECKS } from '../checks/registry.js';
import { scoreFindings } from '../scoring/index.js';
import { loadConfig } from '../config/load-config.js';
import { sha256 } from '../shared/hash.js';
import { MIMIR_VERSION } from '../shared/version.js';

export interface AuditInput {
  readonly system: SystemDescription;
  readonly policy: Policy;
  readonly evidence: EvidenceBundle;
  /** The audit's clock; answers expire relative to it. */
  readonly now: Date;
  readonly configPath: string;
  readonly configHash: string;
  /** Defaults to the built-in catalogue; custom checks are appended by the caller. */
  readonly checks?: readonly AnyCheck[];
}

/**
 * The pure core of the main job: evidence → findings → scores. Disabled checks are not evaluated
 * at all; they stay visible through the policy the audit carries.
 */
export function auditSystem(input: AuditInput): Audit {
  const checks = input.checks ?? CHECKS;
  const disabled = new Set(input.policy.disabled.map((d) => d.checkId));
  const findings = checks
    .filter((check) => !disabled.has(check.id))
    .map((check) => {
      const options = input.policy.checkOptions[check.id];
      return evaluateCheck(check, {
        system: input.system,
        evidence: input.evidence,
        ...(options && { options }),
        now: input.now,
        attestationValidityDays: input.policy.attestationValidityDays,
      });
    });
  const scored = scoreFindings(findings, input.policy);
  return {
    schemaVersion: 1,
    system: { name: input.system.name, ...(input.system.description !== undefined && { description: input.system.description }) },
    stamp: {
      mimirVersion: MIMIR_VERSION,
      catalogueVersion: CATALOGUE_VERSION,
      catalogueDigest: catalogueDigest(checks),
      configPath: input.configPath,
      configHash: input.configHash,
      evidence: input.evidence.sources,
      generatedAt: input.now.toISOString(),
    },
    policy: input.policy,
    findings: scored.findings,
    score: scored.score,
  };
}

export interface RunAuditOptions {
  /** Path of mimir.yaml. */
  readonly config: string;
  /** Overrides the answers file named in mimir.yaml. */
  readonly answers?: string;
  readonly now?: Date;
  readonly checks?: readonly AnyCheck[];
}

/** The main job as a library call: reads mimir.yaml and its evidence, returns the audit. */
export async function runAudit(options: RunAuditOptions): Promise<Audit> {
  const loaded = await loadConfig(options.config);
  const checks = options.checks ?? CHECKS;
  const answersPath = options.answers ?? loaded.answersPath;
  const sources: EvidenceSource[] = [];
  let attestations: EvidenceBundle['attestations'];
  if (answersPath !== undefined) {
    const answers = await readAnswersFile(answersPath, checks.map((c) => c.id));
    attestations = answers.attestations;
    sources.push({ kind: 'attestation', path: answersPath, sha256: sha256(answers.source.text) });
  }
  return auditSystem({
    system: loaded.system,
    policy: loaded.policy,
    evidence: { ...(attestations && { attestations }), sources },
    now: options.now ?? new Date(),
    configPath: options.config,
    configHash: loaded.hash,
    checks,
  });
}
