import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/audit/load-config.js';
import { serveCommand } from '../../../src/cli/commands/serve.js';
import type { CliIo } from '../../../src/cli/io.js';
import { probeConfigDigest, probeInputsHash } from '../../../src/evidence/probe/results-file.js';
import type { ProbesNow } from '../../../src/server/http/api-contract.js';
import { tempProject } from '../../support/run-cli.js';
import { eventually, getJson } from '../support.js';

/**
 * `GET /api/probes` of `mimir serve -c mimir.yaml`: the results file of mimir.yaml's probes section,
 * read by the loader `mimir audit` uses, at every request: fresh results, stale ones (made with
 * another probes section) marked so, a damaged file refused with its problems.
 */
const CONFIG = `version: 1
system: { name: refund desk }
tools:
  - { name: get_order, risk: read-only }
  - { name: issue_refund, risk: money }
probes:
  agent: { command: [node, agent.mjs] }
  servers: [{ name: shop, command: [node, server.mjs] }]
  tasks: [{ id: refund, task: { kind: refund, order_id: o-1 }, uses: [get_order, issue_refund] }]
  trials: 3
`;

const trial = (n: number, verdict: 'pass' | 'fail' | 'inconclusive') => ({
  runId: `run-${n}`,
  trial: n,
  verdict,
  faultFired: verdict !== 'inconclusive',
  claimedStatus: verdict === 'pass' ? 'failure' : 'success',
  behaviour: [],
  observations: [],
});

function resultsFile(configHash: string): string {
  return JSON.stringify({
    schemaVersion: 1,
    generatedAt: '2026-12-06T09:30:00.000Z',
    configHash,
    seed: 1,
    evidence: {
      scenarios: [
        {
          id: 'persistent-failure--refund--get_order',
          family: 'persistent-failure',
          title: 'get_order stays down',
          tool: 'get_order',
          trials: [trial(1, 'pass'), trial(2, 'fail'), trial(3, 'inconclusive')],
          passed: 1,
          failed: 1,
          inconclusive: 1,
          errored: 0,
          passRate: { successes: 1, trials: 2, rate: 0.5, interval: [0.09, 0.91] },
          passK: [{ k: 1, value: 0.5 }],
        },
        {
          id: 'high-risk-approval--refund--issue_refund',
          family: 'high-risk-approval',
          title: 'issue_refund needs approval',
          tool: 'issue_refund',
          trials: [trial(1, 'pass'), trial(2, 'pass'), trial(3, 'pass')],
          passed: 3,
          failed: 0,
          inconclusive: 0,
          errored: 0,
          passRate: { successes: 3, trials: 3, rate: 1, interval: [0.44, 1] },
          passK: [{ k: 1, value: 1 }],
        },
      ],
      toolsListed: ['get_order', 'issue_refund'],
    },
    skipped: [],
  });
}

let project: string;
let resultsPath: string;
let freshHash: string;
let base: string;
let stop: () => void;
let served: Promise<number>;
let stderr = '';

beforeAll(async () => {
  project = tempProject({ 'mimir.yaml': CONFIG });
  const loaded = await loadConfig(join(project, 'mimir.yaml'));
  freshHash = await probeInputsHash(probeConfigDigest(loaded.config), loaded.probes!);
  resultsPath = join(project, '.mimir', 'probes', 'probe-results.json');
  let stdout = '';
  const io: CliIo = { stdout: { write: (t: string) => (stdout += t) }, stderr: { write: (t: string) => (stderr += t) }, stdinIsTTY: false, env: {}, cwd: project };
  const stopped = new Promise<void>((resolve) => {
    stop = resolve;
  });
  served = serveCommand({ config: join(project, 'mimir.yaml'), configExplicit: true, host: '127.0.0.1', port: 0, data: join(project, 'serve-data'), quietMs: 100, redact: true }, io, stopped);
  base = await eventually(async () => Promise.resolve(/listening on (\S+)/.exec(stdout)?.[1]), 15_000, 'the server to listen');
}, 30_000);

afterAll(async () => {
  stop();
  expect(await served).toBe(0);
}, 15_000);

const probesNow = async (): Promise<{ status: number; body: ProbesNow }> => {
  const { status, body } = await getJson(`${base}/api/probes`);
  return { status, body: body as ProbesNow };
};

describe('GET /api/probes, from mimir serve -c mimir.yaml', () => {
  it('says there are no results yet, and where it looks for them', async () => {
    const { status, body } = await probesNow();
    expect(status).toBe(200);
    expect(body).toEqual({ source: resultsPath, stale: false, probes: [] });
  });

  it('shows the latest results, scenario by scenario', async () => {
    mkdirSync(join(project, '.mimir', 'probes'), { recursive: true });
    writeFileSync(resultsPath, resultsFile(freshHash));
    const { status, body } = await probesNow();
    expect(status).toBe(200);
    expect(body).toMatchObject({ source: resultsPath, ranAt: '2026-12-06T09:30:00.000Z', stale: false });
    expect(body.probes).toEqual([
      { id: 'persistent-failure--refund--get_order', family: 'persistent-failure', tool: 'get_order', passRate: 0.5, trials: 3, passed: 1, summary: 'get_order stays down: 1 of 3 trials passed, 1 failed, 1 inconclusive' },
      { id: 'high-risk-approval--refund--issue_refund', family: 'high-risk-approval', tool: 'issue_refund', passRate: 1, trials: 3, passed: 3, summary: 'issue_refund needs approval: 3 of 3 trials passed, 0 failed' },
    ]);
  });

  it('marks results made with another probes section stale, as the audit would ignore them', async () => {
    writeFileSync(resultsPath, resultsFile('b'.repeat(64)));
    const { body } = await probesNow();
    expect(body.stale).toBe(true);
    expect(body.staleReason).toContain('different probes section');
    expect(body.probes).toHaveLength(2);
  });

  it('refuses a damaged results file with its problems', async () => {
    writeFileSync(resultsPath, resultsFile(freshHash).replace('"persistent-failure"', '"no-such-family"'));
    const { status, body } = await getJson(`${base}/api/probes`);
    expect(status).toBe(422);
    expect(body).toMatchObject({ error: expect.stringContaining('is not a mimir probe results file') as string });
  });
});
