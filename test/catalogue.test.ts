import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AREAS } from '../src/model/index.js';
import { CHECKS, findCheck } from '../src/checks/registry.js';
import { readCheckDoc } from '../src/checks/docs.js';

/** Meta-tests in the spirit of ESLint's and Scorecard's: registry, files and docs must agree. */
const CHECKS_DIR = join(import.meta.dirname, '..', 'src', 'checks');

describe('the catalogue', () => {
  it('has at least 32 checks and at least 7 in each area', () => {
    expect(CHECKS.length).toBeGreaterThanOrEqual(32);
    for (const area of AREAS) expect(CHECKS.filter((c) => c.area === area).length, area).toBeGreaterThanOrEqual(7);
  });

  it('has unique ids', () => {
    expect(new Set(CHECKS.map((c) => c.id)).size).toBe(CHECKS.length);
  });

  it('registers exactly the check modules on disk: none missing, none extra', () => {
    const onDisk = AREAS.flatMap((area) =>
      readdirSync(join(CHECKS_DIR, area))
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && f !== 'index.ts')
        .map((f) => `${area}/${f.replace(/\.ts$/, '')}`),
    );
    expect(onDisk.sort()).toEqual(CHECKS.map((c) => `${c.area}/${c.id}`).sort());
  });

  describe.each(CHECKS.map((c) => [c.id, c] as const))('%s', (id, check) => {
    const base = join(CHECKS_DIR, check.area, id);

    it('has a test file and a doc page beside it', () => {
      expect(existsSync(`${base}.test.ts`)).toBe(true);
      expect(existsSync(`${base}.md`)).toBe(true);
    });

    it('documents itself in the agreed shape', () => {
      const doc = readCheckDoc(check);
      expect(doc.split('\n')[0]).toBe(`# ${id}`);
      const headings = [...doc.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
      expect(headings.slice(0, 3)).toEqual(['What good looks like', 'What failing looks like', 'How mimir answers it']);
      const evidenceSection = doc.split('## How mimir answers it')[1]!.split(/^## /m)[0]!;
      const kinds = [...evidenceSection.matchAll(/^- \*\*(probe|trace|attestation)\*\*:/gm)].map((m) => m[1]);
      expect(kinds).toEqual([...check.answerableBy]);
      // A kind mimir has no evaluator for must not be described as if it were measured.
      for (const kind of ['probe', 'trace'] as const) {
        const bullet = new RegExp(`^- \\*\\*${kind}\\*\\*: (.*)$`, 'm').exec(evidenceSection)?.[1];
        if (bullet !== undefined) expect(bullet.startsWith('not answered yet'), `${kind} bullet vs evaluator`).toBe(check.evaluators[kind] === undefined);
      }
      expect(headings.includes('When it does not apply')).toBe(check.notApplicableWhen !== undefined);
      const options = Object.keys(check.options.parse({}));
      expect(headings.includes('Options')).toBe(options.length > 0);
      for (const option of options) expect(doc).toContain(`\`${option}\``);
    });

    it('has texts a reviewer can use', () => {
      expect(check.title.length).toBeLessThanOrEqual(70);
      expect(check.question.trim().endsWith('?')).toBe(true);
      expect(check.rationale.length).toBeGreaterThan(80);
      expect(check.remediation.text.length).toBeGreaterThan(60);
    });
  });

  it('only uses test files that belong to a registered check', () => {
    for (const area of AREAS) {
      for (const file of readdirSync(join(CHECKS_DIR, area)).filter((f) => f.endsWith('.test.ts') || f.endsWith('.md'))) {
        expect(findCheck(file.replace(/\.(test\.ts|md)$/, '')), `${area}/${file}`).toBeDefined();
      }
    }
  });
});

/**
 * The readiness literature's concerns, each answered by a named check. Renaming or dropping one of
 * these checks must be a deliberate decision that updates this list.
 */
const CONCERNS: Readonly<Record<string, string>> = {
  "each step's input and output defined and validated": 'step-io-contracts-are-validated',
  'state not silently overwritten': 'state-changes-are-explicit',
  'checkpoints to restart from a known-good state': 'checkpoints-enable-restart',
  'resume without repeating side effects': 'resume-skips-completed-side-effects',
  'a canonical log, append-only and tamper-evident': 'canonical-log-is-append-only',
  'context assembled deliberately, not from leftovers': 'context-is-assembled-deliberately',
  'run budgets (steps, tokens, time) enforced': 'run-budgets-are-enforced',
  'trace completeness': 'traces-are-complete',
  'context bleed bounded': 'context-bleed-is-bounded',
  'the original goal kept in context at every step': 'goal-stays-in-context',
  'earlier errors not replayed verbatim': 'errors-are-not-replayed-verbatim',
  'headroom in the context window': 'context-window-has-headroom',
  'a memory strategy that actually runs': 'memory-strategy-runs',
  'memory writes scoped and auditable': 'memory-writes-are-scoped-and-audited',
  'a defined response for every failure type': 'failure-responses-are-defined',
  'retries capped, with backoff': 'retries-are-bounded',
  'cascades halt instead of compounding': 'cascades-halt',
  'loops detected': 'loops-are-detected',
  'timeouts on every tool call': 'tool-calls-have-timeouts',
  'malformed tool output rejected': 'malformed-tool-output-is-rejected',
  'failures reported honestly': 'failures-are-reported-honestly',
  'a rollback plan that has been exercised': 'rollback-plan-is-exercised',
  "per-step reliability high enough for the workflow's length": 'step-reliability-fits-workflow-length',
  'high-risk actions require approval before they run': 'high-risk-actions-need-prior-approval',
  'a denial is respected': 'denials-are-respected',
  'low-confidence outputs go to human review': 'low-confidence-outputs-go-to-review',
  'injected instructions cannot trigger high-risk actions': 'injected-instructions-cannot-trigger-high-risk-actions',
  'approvals are recorded (who, when, what, which call)': 'approvals-are-recorded',
  'an escalation path exists': 'escalation-path-exists',
  'a way to pause or stop the agent': 'agent-can-be-paused-and-stopped',
};

describe('coverage of the readiness literature', () => {
  it.each(Object.entries(CONCERNS))('%s → %s', (_concern, id) => {
    expect(findCheck(id)).toBeDefined();
  });

  it('rates the concerns that lose money or trust silently as critical', () => {
    const critical = CHECKS.filter((c) => c.severity === 'critical').map((c) => c.id).sort();
    expect(critical).toEqual(
      [
        'cascades-halt',
        'denials-are-respected',
        'failures-are-reported-honestly',
        'high-risk-actions-need-prior-approval',
        'injected-instructions-cannot-trigger-high-risk-actions',
        'resume-skips-completed-side-effects',
      ].sort(),
    );
  });
});

describe('committed JSON Schemas', () => {
  it.each([
    ['schemas/mimir.schema.json', async () => (await import('../src/checks/json-schemas.js')).configJsonSchema()],
    ['schemas/answers.schema.json', async () => (await import('../src/checks/json-schemas.js')).answersJsonSchema()],
    ['schemas/scenarios.schema.json', async () => (await import('../src/probe/scenarios/json-schema.js')).scenariosJsonSchema()],
  ] as const)('%s is in sync with the zod schema (npm run schemas)', async (path, generate) => {
    const committed: unknown = JSON.parse(readFileSync(join(import.meta.dirname, '..', path), 'utf8'));
    expect(committed).toEqual(await generate());
  });
});
