import type { LoadTracesOptions } from '../evidence/load-traces.js';
import type { CliIo } from './io.js';

type TraceProgress = Parameters<NonNullable<LoadTracesOptions['onProgress']>>[0];

/**
 * A one-line progress bar on stderr for long trace reads — only on a terminal, redrawn at most
 * ten times a second, and erased when done, so logs and pipes stay clean.
 */
export function traceProgressBar(io: CliIo): { update: (progress: TraceProgress) => void; done: () => void } {
  if (io.stderr.isTTY !== true) return { update: () => undefined, done: () => undefined };
  let last = 0;
  let drawn = false;
  return {
    update(progress) {
      const now = Date.now();
      if (now - last < 100) return;
      last = now;
      const fraction = progress.totalBytes ? Math.min(1, progress.bytesRead / progress.totalBytes) : undefined;
      const width = 24;
      const bar = fraction === undefined ? '' : `${'█'.repeat(Math.round(fraction * width))}${'░'.repeat(width - Math.round(fraction * width))} `;
      const file = progress.fileCount > 1 ? `file ${progress.fileIndex + 1}/${progress.fileCount} · ` : '';
      io.stderr.write(`\r\u001b[2Kreading traces ${bar}${file}${progress.spans.toLocaleString('en')} spans · ${progress.runs.toLocaleString('en')} runs`);
      drawn = true;
    },
    done() {
      if (drawn) io.stderr.write('\r\u001b[2K');
    },
  };
}
