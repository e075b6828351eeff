import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/audit/load-config.js';
import type { StoredVerification } from '../../../src/server/store/history-types.js';
import { parseAnswer } from '../../../src/server/verifiers/call-verifier.js';
import { sampled, type VerifierStats } from '../../../src/server/verifiers/verifier-pool.js';
import { eventually, getJson, startTestServer } from '../support.js';
import { sendRuns, startReceiver } from '../windows/support.js';

const dir = mkdtempSync(join(tmpdir(), 'mimir-verifiers-'));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

describe('a verifier answer', () => {
  it('counts only as {outcome: success|failure, reason}; anything else is a bad answer, never a success', () => {
    expect(parseAnswer('{"outcome":"failure","reason":"refund not in the ledger"}')).toEqual({ status: 'answered', outcome: 'failure', reason: 'refund not in the ledger' });
    expect(parseAnswer('{"outcome":"success"}')).toEqual({ status: 'answered', outcome: 'success', reason: '' });
    for (const bad of ['', 'ok', '"success"', '[]', '{"outcome":"done"}', '{"outcome":true}', '{"outcome":"success","reason":3}', 'null']) {
      expect(parseAnswer(bad).status, bad).toBe('bad-answer');
      expect(parseAnswer(bad).outcome, bad).toBeUndefined();
    }
  });

  it('samples by the run id: the same decision every time, none at 0, all at 1, more as the rate grows', () => {
    fc.assert(
      fc.property(fc.string(), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (runId, a, b) => {
        const [low, high] = a <= b ? [a, b] : [b, a];
        expect(sampled(runId, low)).toBe(sampled(runId, low));
        expect(sampled(runId, 0)).toBe(false);
        expect(sampled(runId, 1)).toBe(true);
        if (sampled(runId, low)) expect(sampled(runId, high)).toBe(true);
      }),
    );
    const ids = Array.from({ length: 2000 }, (_, i) => `run-${i}`);
    expect(ids.filter((id) => sampled(id, 0.25)).length / ids.length).toBeCloseTo(0.25, 1);
  });
});

/**
 * Verifiers in a real server: a command verifier and an HTTP verifier on loopback grade closed runs
 * that carry no outcome of their own. Their answers become the runs' outcomes (source
 * `verifier:<name>`), so a run that claimed success and failed in the world counts as a silent
 * failure; a late or malformed answer is recorded as such and grades nothing; the HTTP verifier
 * sees exactly its sample; each run is verified once, although its answer closes it again.
 */
describe('verifiers in mimir serve', () => {
  it('grade runs from the world, record late and bad answers, sample, and never verify a run twice', async () => {
    const script = join(dir, 'verify.mjs');
    writeFileSync(
      script,
      `let input = '';
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  const { runId, run, claimedStatus } = JSON.parse(input);
  if (run.id !== runId || claimedStatus !== 'success') { process.stdout.write('{"outcome":"failure","reason":"unexpected input"}'); return; }
  if (runId.startsWith('slow')) { setTimeout(() => process.stdout.write('{"outcome":"success","reason":"too late"}'), 60000); return; }
  if (runId.startsWith('garbage')) { process.stdout.write('looks fine to me'); return; }
  process.stdout.write(JSON.stringify(runId.startsWith('silent') ? { outcome: 'failure', reason: 'no refund in the ledger' } : { outcome: 'success', reason: 'refund found' }));
});
`,
    );
    const slowRun = Array.from({ length: 50 }, (_, i) => `slow-${i}`).find((id) => sampled(id, 0.5)) ?? 'slow-0';
    const runIds = ['silent-1', 'silent-2', 'ok-1', 'ok-2', 'ok-3', 'ok-4', 'garbage-1', slowRun];
    const received: string[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    const endpoint = await startReceiver((request, body, response) => {
      const { runId } = JSON.parse(body) as { runId: string };
      received.push(runId);
      inFlight++;
      mostInFlight = Math.max(mostInFlight, inFlight);
      if (runId.startsWith('slow')) return; // never answers: the verifier's timeout decides
      setTimeout(() => {
        inFlight--;
        response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ outcome: runId.startsWith('silent') ? 'failure' : 'success', reason: `checked ${String(request.headers['x-team'])}` }));
      }, 50);
    });
    const yaml = `version: 1
system: { name: refund-agent }
serve:
  verifiers:
    - { name: world, command: ${JSON.stringify([process.execPath, script])}, timeout: 5s, concurrency: 2 }
    - { name: ledger, url: "${endpoint.url}/verify", headers: { x-team: refunds }, sampleRate: 0.5, timeout: 3s, concurrency: 2 }
`;
    const config = parseConfig(yaml, join(dir, 'mimir.yaml'));
    const served = await startTestServer({ dataDir: join(dir, 'data'), config, evaluateEveryMs: 3_600_000 });
    try {
      expect(served.server.monitoring.describe().join('\n')).toContain('verifiers: world (');
      await sendRuns(
        served.server.url,
        runIds.map((runId) => ({ runId, claimed: 'success' })),
      );
      const stats = async (): Promise<VerifierStats[]> => ((await getJson(`${served.server.url}/api/verifications`)).body as { verifiers: VerifierStats[] }).verifiers;
      const sample = runIds.filter((id) => sampled(id, 0.5));
      await eventually(
        async () => {
          const [world, ledger] = await stats();
          return world && ledger && world.answered + world.unanswered === runIds.length && ledger.answered + ledger.unanswered === sample.length ? true : undefined;
        },
        20_000,
        'every verification to end',
      );
      const { verifications } = (await getJson(`${served.server.url}/api/verifications?limit=100`)).body as { verifications: StoredVerification[] };
      const statusOf = (verifier: string, runId: string) => verifications.filter((v) => v.verifier === verifier && v.runId === runId).map((v) => v.status);
      expect(statusOf('world', 'silent-1')).toEqual(['answered']);
      expect(statusOf('world', slowRun)).toEqual(['timeout']);
      expect(statusOf('world', 'garbage-1')).toEqual(['bad-answer']);
      expect(statusOf('ledger', slowRun)).toEqual(['timeout']);
      expect(verifications.find((v) => v.verifier === 'ledger' && v.status === 'answered')?.reason).toBe('checked refunds');

      // Sampling: the HTTP verifier saw exactly its sample (a fixed hash of the run id), and some runs were left out.
      expect(sample.length).toBeGreaterThan(0);
      expect(sample.length).toBeLessThan(runIds.length);
      expect([...received].sort()).toEqual([...sample].sort());
      expect(mostInFlight).toBeLessThanOrEqual(2);

      // The answers grade the runs: claimed success, verified failure is a silent failure.
      await eventually(async () => ((await served.server.store.getRun('silent-2'))?.facts.outcomeSource === 'verifier:world' || (await served.server.store.getRun('silent-2'))?.facts.outcomeSource === 'verifier:ledger' ? true : undefined), 10_000, 'the answers to grade the runs');
      await eventually(() => Promise.resolve(served.server.liveRuns.openCount === 0 ? true : undefined), 10_000, 'the re-assessed runs to close');
      const silent = await served.server.store.getRun('silent-1');
      expect(silent?.facts).toMatchObject({ claimedStatus: 'success', outcomeStatus: 'failure' });
      expect(silent?.facts.outcomeSource).toMatch(/^verifier:(world|ledger)$/);
      expect((await served.server.store.getRun(slowRun))?.facts.outcomeStatus).toBe('unknown');
      const figures = (await getJson(`${served.server.url}/api/figures?window=1h`)).body as { analyses: { outcomes: { silentFailures: { rate: { successes: number; trials: number } } } } };
      expect(figures.analyses.outcomes.silentFailures.rate).toMatchObject({ successes: 2 });

      // Closing the runs again (with their answers) did not send them to the verifiers again.
      const [world, ledger] = await stats();
      expect(world?.answered).toBe(runIds.length - 2);
      expect(received).toHaveLength(sample.length);
      expect(ledger?.sampledOut).toBe(runIds.length - sample.length);
    } finally {
      await served.dispose();
      await endpoint.close();
    }
  }, 60_000);
});
