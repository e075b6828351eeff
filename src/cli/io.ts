/** What a command may touch of the outside world; tests pass their own. */
export interface CliIo {
  readonly stdout: { write(text: string): unknown; readonly isTTY?: boolean; readonly columns?: number };
  readonly stderr: { write(text: string): unknown; readonly isTTY?: boolean };
  readonly stdinIsTTY: boolean;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
}

export function processIo(): CliIo {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdinIsTTY: process.stdin.isTTY,
    env: process.env,
    cwd: process.cwd(),
  };
}

/** Colour follows the usual conventions: NO_COLOR wins, FORCE_COLOR forces, otherwise only on a terminal. */
export function useColor(io: CliIo): boolean {
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  if (io.env.FORCE_COLOR !== undefined && io.env.FORCE_COLOR !== '0') return true;
  return io.stdout.isTTY === true;
}

export function terminalWidth(io: CliIo): number {
  const columns = io.stdout.columns;
  return columns && columns >= 40 ? Math.min(columns, 120) : 80;
}

/** The audit's clock. MIMIR_NOW pins it (reproducible reports, tests); otherwise it is now. */
export function auditClock(io: CliIo): Date {
  const pinned = io.env.MIMIR_NOW;
  if (pinned === undefined || pinned === '') return new Date();
  const date = new Date(pinned);
  return Number.isNaN(date.getTime()) ? new Date() : date;
}

/** Resolves at the first Ctrl-C or SIGTERM, for the commands that run until stopped (proxy, serve). */
export function untilSignalled(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
