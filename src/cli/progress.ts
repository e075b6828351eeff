import type { LoadTracesOptions } from '../evidence/load-traces.js';
import type { CliIo } from './io.js';
import type { ProbeProgress } from '../probe/run-probes.js';

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

/**
 * Progress of a probe session on stderr: a redrawn bar on a terminal; elsewhere (CI logs, pipes) a
 * plain line per discovery step and at each quarter of the trials, so a long run is never silent.
 */
export function probeProgressBar(io: CliIo): { update: (progress: ProbeProgress) => void; done: () => void } {
  const tty = io.stderr.isTTY === true;
  let drawn = false;
  let lastQuarter = 0;
  return {
    update(progress) {
      if (progress.phase === 'discover' || progress.phase === 'warning') {
        const prefix = progress.phase === 'warning' ? 'mimir: warning: ' : 'probe: ';
        io.stderr.write(`${tty && drawn ? '\r\u001b[2K' : ''}${prefix}${progress.message}\n`);
        drawn = false;
        return;
      }
      if (tty) {
        const width = 24;
        const filled = Math.round((progress.done / Math.max(1, progress.total)) * width);
        io.stderr.write(`\r\u001b[2Kprobing ${'█'.repeat(filled)}${'░'.repeat(width - filled)} ${progress.done}/${progress.total} trials · ${progress.scenarioId}`.slice(0, 200));
        drawn = true;
        return;
      }
      const quarter = Math.floor((progress.done / Math.max(1, progress.total)) * 4);
      if (quarter > lastQuarter || progress.done === progress.total) {
        lastQuarter = quarter;
        io.stderr.write(`probe: ${progress.done}/${progress.total} trials done\n`);
      }
    },
    done() {
      if (drawn) io.stderr.write('\r\u001b[2K');
    },
  };
}
