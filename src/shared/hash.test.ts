import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fileSha256, sha256 } from './hash.js';

describe('sha256', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mimir-hash-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('gives a file streamed the digest of its bytes held whole, across read boundaries', async () => {
    for (const size of [0, 1, (1 << 20) - 1, 1 << 20, (1 << 20) * 3 + 17]) {
      const bytes = Buffer.alloc(size);
      for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
      const path = join(dir, `file-${size}`);
      writeFileSync(path, bytes);
      expect(await fileSha256(path)).toBe(sha256(bytes));
    }
    expect(sha256('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('fails for a missing file as reading it would', async () => {
    await expect(fileSha256(join(dir, 'missing'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
