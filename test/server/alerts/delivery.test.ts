import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { alertsSchema } from '../../../src/config/alerts.js';
import {
  AlertDispatcher,
  AlertEngine,
  commandTarget,
  InMemoryAlertStateStore,
  webhookTarget,
  type AlertNotification,
  type DeliveryTarget,
} from '../../../src/server/alerts/index.js';
import { at, silentRateSnapshot, windows } from './support.js';

interface Received {
  readonly body: AlertNotification;
  readonly headers: IncomingMessage['headers'];
}

/** A webhook on loopback that answers each request with the next status of `statuses` (200 once they run out). */
async function webhook(statuses: readonly (number | 'hang')[] = [], extraHeaders: Record<string, string> = {}) {
  const received: Received[] = [];
  const pending: ServerResponse[] = [];
  const server: Server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      received.push({ body: JSON.parse(text) as AlertNotification, headers: request.headers });
      const status = statuses[received.length - 1] ?? 200;
      if (status === 'hang') {
        pending.push(response);
        return;
      }
      response.writeHead(status, extraHeaders).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  servers.push({ server, pending });
  return { url, received };
}

const servers: { server: Server; pending: ServerResponse[] }[] = [];
afterEach(async () => {
  for (const { server, pending } of servers.splice(0)) {
    for (const response of pending) response.destroy();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

const noSleep = { sleep: () => Promise.resolve(), random: () => 0.5 };

function notification(id: string): AlertNotification {
  return { version: 1, id, rule: 'r', kind: 'window', state: 'firing', summary: id, value: 1, sampleSize: 1, labels: {}, runs: [], startedAt: at(0).toISOString(), at: at(0).toISOString() };
}

describe('alert delivery to a webhook on loopback', () => {
  it('sends exactly one notification per state change', async () => {
    const hook = await webhook();
    const log: string[] = [];
    const config = alertsSchema.parse({
      rules: [{ name: 'silent', figure: 'silent-failure-rate', window: '1h', above: 0.1, minSamples: 10, for: '5m' }],
      delivery: [{ webhook: { url: `${hook.url}/hooks/T123/secret-path?token=abc` } }],
    });
    const engine = new AlertEngine({ config, store: new InMemoryAlertStateStore(), log: (line) => log.push(line), ...noSleep });
    expect(engine.windows()).toEqual([3_600_000]);
    const high = windows('1h', silentRateSnapshot(6, 20));
    const low = windows('1h', silentRateSnapshot(0, 20));
    for (const [minute, snapshot] of [[0, high], [3, high], [5, high], [6, high], [9, high], [10, low], [11, low], [12, low]] as const) {
      await engine.evaluateWindows(snapshot, at(minute));
    }
    await engine.idle();
    expect(hook.received.map((r) => r.body.state)).toEqual(['firing', 'resolved']);
    expect(hook.received[0]!.headers['content-type']).toBe('application/json');
    expect(hook.received[0]!.body).toMatchObject({ rule: 'silent', value: 0.3, sampleSize: 20, window: '1h', threshold: { above: 0.1 }, startedAt: at(0).toISOString() });
    expect(new Set(hook.received.map((r) => r.body.id)).size).toBe(2);
    expect(engine.stats()).toEqual([{ target: `webhook ${hook.url}/…`, queued: 0, delivered: 2, retries: 0, failed: 0, dropped: 0 }]);
    expect(engine.describeDelivery()).not.toContain('secret-path');
  });

  it('retries a failing webhook with growing, jittered delays until it answers 2xx, and delivers once', async () => {
    const hook = await webhook([503, 500, 204]);
    const delays: number[] = [];
    const dispatcher = new AlertDispatcher([webhookTarget({ url: hook.url, timeoutMs: 2000 })], {
      capacity: 10,
      retry: { attempts: 5, initialDelayMs: 1000, maxDelayMs: 60_000 },
      log: () => undefined,
      sleep: (ms) => {
        delays.push(ms);
        return Promise.resolve();
      },
      random: () => 0.5,
    });
    dispatcher.enqueue([notification('n1')]);
    await dispatcher.idle();
    expect(hook.received.map((r) => r.body.id)).toEqual(['n1', 'n1', 'n1']);
    expect(delays).toEqual([750, 1500]);
    expect(dispatcher.stats()[0]).toMatchObject({ delivered: 1, retries: 2, failed: 0 });
  });

  it('gives up at once on a 4xx other than 408/429, and records it', async () => {
    const hook = await webhook([400]);
    const log: string[] = [];
    const dispatcher = new AlertDispatcher([webhookTarget({ url: hook.url, timeoutMs: 2000 })], { capacity: 10, retry: { attempts: 5, initialDelayMs: 10, maxDelayMs: 10 }, log: (l) => log.push(l), ...noSleep });
    dispatcher.enqueue([notification('n1')]);
    await dispatcher.idle();
    expect(hook.received).toHaveLength(1);
    expect(dispatcher.stats()[0]).toMatchObject({ delivered: 0, failed: 1, retries: 0 });
    expect(log.join('\n')).toContain('HTTP 400; giving up');
  });

  it('honours Retry-After on 429, and gives up after the last try', async () => {
    const hook = await webhook([429, 429], { 'retry-after': '7' });
    const delays: number[] = [];
    const dispatcher = new AlertDispatcher([webhookTarget({ url: hook.url, timeoutMs: 2000 })], {
      capacity: 10,
      retry: { attempts: 2, initialDelayMs: 100, maxDelayMs: 60_000 },
      log: () => undefined,
      sleep: (ms) => (delays.push(ms), Promise.resolve()),
      random: () => 0,
    });
    dispatcher.enqueue([notification('n1')]);
    await dispatcher.idle();
    expect(delays).toEqual([7000]);
    expect(dispatcher.stats()[0]).toMatchObject({ delivered: 0, failed: 1, retries: 1 });
  });

  it('times out a webhook that never answers, and never logs the secret in its URL', async () => {
    const hook = await webhook(['hang', 200]);
    const log: string[] = [];
    const secretUrl = `${hook.url.replace('http://', 'http://user:pa55@')}/services/T0/B0/XYZsecret?token=abc123`;
    const dispatcher = new AlertDispatcher([webhookTarget({ url: secretUrl, timeoutMs: 200 })], { capacity: 10, retry: { attempts: 3, initialDelayMs: 10, maxDelayMs: 10 }, log: (l) => log.push(l), ...noSleep });
    dispatcher.enqueue([notification('n1')]);
    await dispatcher.idle();
    expect(hook.received).toHaveLength(2);
    expect(hook.received[1]!.headers.authorization).toBe(`Basic ${Buffer.from('user:pa55').toString('base64')}`);
    expect(dispatcher.stats()[0]).toMatchObject({ delivered: 1, retries: 1 });
    expect(log.join('\n')).toContain('no answer within 200 ms');
    for (const secret of ['XYZsecret', 'abc123', 'pa55', 'services']) expect(log.join('\n')).not.toContain(secret);
  });
});

describe('the delivery queue', () => {
  it('never blocks: a full queue drops its oldest notification, counted and logged', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const sent: string[] = [];
    const slow: DeliveryTarget = {
      name: 'slow',
      async send(n) {
        await gate;
        sent.push(n.id);
        return { outcome: 'delivered' };
      },
    };
    const log: string[] = [];
    const dispatcher = new AlertDispatcher([slow], { capacity: 2, retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 }, log: (l) => log.push(l), ...noSleep });
    for (const id of ['n1', 'n2', 'n3', 'n4', 'n5']) dispatcher.enqueue([notification(id)]);
    expect(dispatcher.stats()[0]).toMatchObject({ queued: 2, dropped: 2 });
    release();
    await dispatcher.idle();
    expect(sent).toEqual(['n1', 'n4', 'n5']);
    expect(log.filter((l) => l.includes('dropped unsent'))).toHaveLength(2);
  });

  it('an evaluation that sends nothing leaves the queue idle', async () => {
    const sent: string[] = [];
    const target: DeliveryTarget = { name: 't', send: (n) => (sent.push(n.id), Promise.resolve({ outcome: 'delivered' })) };
    const dispatcher = new AlertDispatcher([target], { capacity: 2, retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 }, log: () => undefined });
    dispatcher.enqueue([notification('n1')]);
    await dispatcher.idle();
    dispatcher.enqueue([]);
    await dispatcher.idle();
    dispatcher.enqueue([notification('n2')]);
    await dispatcher.idle();
    expect(sent).toEqual(['n1', 'n2']);
  });

  it('one dead target does not hold up another', async () => {
    const hook = await webhook();
    const dead: DeliveryTarget = { name: 'dead', send: () => new Promise(() => undefined) };
    const dispatcher = new AlertDispatcher([dead, webhookTarget({ url: hook.url, timeoutMs: 2000 })], { capacity: 10, retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1 }, log: () => undefined });
    dispatcher.enqueue([notification('n1'), notification('n2')]);
    await expect.poll(() => hook.received.map((r) => r.body.id)).toEqual(['n1', 'n2']);
  });
});

describe('alert delivery to a command', () => {
  it('writes the notification as JSON on stdin; exit 0 is delivered, others are retried, a missing command gives up', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mimir-alerts-'));
    try {
      const out = join(dir, 'got.jsonl');
      const flaky = join(dir, 'tries');
      // Fails on its first try (no marker file yet), then appends what it read to `out`.
      const script = `const fs=require('fs');let s='';process.stdin.on('data',d=>s+=d).on('end',()=>{if(!fs.existsSync(${JSON.stringify(flaky)})){fs.writeFileSync(${JSON.stringify(flaky)},'1');console.error('not yet');process.exit(3)}fs.appendFileSync(${JSON.stringify(out)},s)})`;
      const log: string[] = [];
      const dispatcher = new AlertDispatcher(
        [commandTarget({ command: [process.execPath, '-e', script], timeoutMs: 10_000 }), commandTarget({ command: [join(dir, 'no-such-command')], timeoutMs: 1000 })],
        { capacity: 10, retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 1 }, log: (l) => log.push(l), ...noSleep },
      );
      dispatcher.enqueue([notification('n1')]);
      await dispatcher.idle();
      expect((await readFile(out, 'utf8')).trim().split('\n').map((line) => (JSON.parse(line) as AlertNotification).id)).toEqual(['n1']);
      expect(dispatcher.stats().map((s) => [s.delivered, s.retries, s.failed])).toEqual([
        [1, 1, 0],
        [0, 0, 1],
      ]);
      expect(log.join('\n')).toContain('exit 3: not yet');
      expect(log.join('\n')).toContain('ENOENT');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('with no delivery configured', () => {
  it('writes notifications to the server log, and says so', async () => {
    const config = alertsSchema.parse({ rules: [{ name: 'silent', figure: 'silent-failure-rate', window: '1h', above: 0.1 }] });
    const log: string[] = [];
    const engine = new AlertEngine({ config, store: new InMemoryAlertStateStore(), log: (line) => log.push(line) });
    expect(engine.describeDelivery()).toContain('written to this log');
    await engine.evaluateWindows(windows('1h', silentRateSnapshot(6, 20)), at(0));
    await engine.idle();
    expect(log).toHaveLength(1);
    expect(log[0]).toMatch(/^alert silent firing: silent-failure-rate 0\.300 \(alert above 0\.1\) over 1h, 20 samples \{/);
  });
});

describe('closing the dispatcher', () => {
  it('stops retrying at once and reports what was left unsent', async () => {
    const failing: DeliveryTarget = { name: 'down', send: () => Promise.resolve({ outcome: 'retry', reason: 'HTTP 503' }) };
    const log: string[] = [];
    // Real timers: the first retry waits an hour, which close() must cut short.
    const dispatcher = new AlertDispatcher([failing], { capacity: 10, retry: { attempts: 5, initialDelayMs: 3_600_000, maxDelayMs: 3_600_000 }, log: (l) => log.push(l) });
    dispatcher.enqueue([notification('n1'), notification('n2')]);
    await expect.poll(() => log.length).toBe(1);
    await dispatcher.close();
    expect(dispatcher.stats()[0]).toMatchObject({ queued: 2, delivered: 0, failed: 0 });
    expect(log.at(-1)).toBe('2 alert notification(s) for down left unsent at shutdown');
    dispatcher.enqueue([notification('n3')]);
    expect(dispatcher.stats()[0]!.queued).toBe(2);
  });
});
