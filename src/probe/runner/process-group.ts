import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The agent runs as the leader of its own process group (spawned `detached`), so one signal to the
 * negative pid reaches it and everything it started that did not deliberately leave the group.
 * POSIX only; on Windows the signal goes to the process alone.
 */

const POLL_MS = 20;
/** After SIGKILL nothing can refuse to die; this only waits for the kernel to finish. */
const AFTER_KILL_MS = 1000;

export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(process.platform === 'win32' ? pgid : -pgid, signal);
  } catch {
    // ESRCH: the group is already gone. EPERM: a member we may not signal; nothing more we can do.
  }
}

/**
 * Whether any process of the group is still running. A member that has exited but was not yet
 * reaped (a zombie, waiting for an init that reaps slowly) still answers signal 0; on Linux /proc
 * tells the two apart, so a dead group is not waited on.
 */
export function groupAlive(pgid: number): boolean {
  try {
    process.kill(process.platform === 'win32' ? pgid : -pgid, 0);
  } catch {
    return false;
  }
  if (process.platform !== 'linux') return true;
  return linuxGroupHasLiveMember(pgid);
}

function linuxGroupHasLiveMember(pgid: number): boolean {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return true;
  }
  for (const pid of pids) {
    const state = processState(pid);
    if (state && state.pgrp === pgid && state.state !== 'Z' && state.state !== 'X') return true;
  }
  return false;
}

/** State letter and process group of a pid from /proc/<pid>/stat; undefined when it is gone. */
export function processState(pid: number | string): { readonly state: string; readonly pgrp: number } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp …": comm may hold spaces and parentheses, so read after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', pgrp: Number(fields[2]) };
}

/** Waits until the group has no running member, or the deadline passes. True when it is gone. */
export async function waitForGroupExit(pgid: number, deadline: number): Promise<boolean> {
  for (;;) {
    if (!groupAlive(pgid)) return true;
    const left = deadline - performance.now();
    if (left <= 0) return false;
    await sleep(Math.min(POLL_MS, left));
  }
}

/**
 * Ends whatever is left of the group: SIGTERM (unless a stop already sent it), then SIGKILL at
 * `killAt` (a time from performance.now()) if anything still runs. Returns once the group is gone.
 */
export async function reapGroup(pgid: number, killAt: number, alreadyTerminated: boolean): Promise<void> {
  if (!groupAlive(pgid)) return;
  if (!alreadyTerminated) signalGroup(pgid, 'SIGTERM');
  if (await waitForGroupExit(pgid, killAt)) return;
  signalGroup(pgid, 'SIGKILL');
  await waitForGroupExit(pgid, performance.now() + AFTER_KILL_MS);
}

// ─── Agents outliving mimir ──────────────────────────────────────────────────────────────────────
// An agent in its own group no longer gets the terminal's Ctrl-C, so if mimir is interrupted (or
// exits) while agents run, they would be orphaned, hung ones forever. While any agent group is
// live, mimir's exit and its SIGINT/SIGTERM/SIGHUP kill them all first.

const liveGroups = new Set<number>();
const EXIT_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let guarding = false;

/** SIGKILLs every agent group still running. For a caller shutting down in a hurry; runAgent's own exits still resolve. */
export function killAllAgentGroups(): void {
  for (const pgid of liveGroups) signalGroup(pgid, 'SIGKILL');
}

function onExitSignal(signal: NodeJS.Signals): void {
  killAllAgentGroups();
  unguard();
  // Nobody else handles it: let the signal do what it would have done without us.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function guard(): void {
  guarding = true;
  process.on('exit', killAllAgentGroups);
  for (const signal of EXIT_SIGNALS) process.on(signal, onExitSignal);
}

function unguard(): void {
  guarding = false;
  process.off('exit', killAllAgentGroups);
  for (const signal of EXIT_SIGNALS) process.off(signal, onExitSignal);
}

/** Registers a live agent group until the returned function is called (once it is reaped). */
export function trackGroup(pgid: number): () => void {
  liveGroups.add(pgid);
  if (!guarding) guard();
  return () => {
    liveGroups.delete(pgid);
    if (liveGroups.size === 0 && guarding) unguard();
  };
}
