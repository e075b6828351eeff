import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resetServers } from './reset-servers.js';

const scratch = mkdtempSync(join(tmpdir(), 'mimir-reset-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

describe('resetServers', () => {
  it("runs a server's reset command in its directory, with its environment", async () => {
    await resetServers([
      { name: 'plain', command: ['node', 'server.mjs'], cwd: scratch },
      { name: 'world', command: ['node', 'server.mjs'], cwd: scratch, env: { WORLD: 'fresh' }, reset: { command: ['sh', '-c', 'echo "$WORLD" > world.txt'], cwd: scratch } },
    ]);
    expect(readFileSync(join(scratch, 'world.txt'), 'utf8')).toBe('fresh\n');
  });

  it('says which reset failed and how', async () => {
    await expect(resetServers([{ name: 'db', url: 'http://127.0.0.1:1/mcp', reset: { command: ['sh', '-c', 'echo no database >&2; exit 3'], cwd: scratch } }])).rejects.toThrow(
      'the reset of server db (sh -c echo no database >&2; exit 3) failed: it exited with 3 — no database',
    );
  });

  it('POSTs to a reset URL and needs a 2xx answer', async () => {
    const seen: string[] = [];
    let status = 204;
    const server = createServer((request, response) => {
      seen.push(`${request.method ?? ''} ${request.url ?? ''}`);
      response.writeHead(status).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/reset`;
    try {
      await resetServers([{ name: 'staging', url: 'http://127.0.0.1:1/mcp', reset: { url } }]);
      expect(seen).toEqual(['POST /reset']);
      status = 500;
      await expect(resetServers([{ name: 'staging', url: 'http://127.0.0.1:1/mcp', reset: { url } }])).rejects.toThrow(`the reset of server staging (POST ${url}) failed: it answered 500`);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    }
  });
});
