import { readdirSync, readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Everything an agent starts ends with it. The agent runs as the leader of its own process group
 * and session (spawned `detached`), so one signal to the negative pid reaches it and whatever
 * stayed in the group. A child can leave the group (`setsid`, a daemon's double fork), and once its
 * parent exits it is re-parented to init, so on Linux mimir also tracks the agent's processes
 * through /proc: a process belongs to the agent when it is in the agent's group or session, when
 * its parent belongs (looked at every POLL_MS while the agent runs, so a detached child is seen
 * before its parent can exit), or when its environment carries the agent's tag (MIMIR_PROCESS_TAG,
 * inherited by every descendant that does not clear its environment). Processes that started
 * before the agent are never members, so a reused pid is not mistaken for one.
 *
 * Not covered: a descendant that clears its environment and leaves the session and whose parent
 * exits, all within POLL_MS. A cgroup would close that gap, but needs privileges mimir cannot
 * assume (and here, cgroup v2 is not delegated). Elsewhere than Linux only the group is signalled.
 */

const POLL_MS = 20;
/** How often the members are looked for while the agent runs. */
const TRACK_MS = 100;
/** After SIGKILL nothing can refuse to die; this only waits for the kernel to finish. */
const AFTER_KILL_MS = 1000;

interface ProcStat {
  readonly state: string;
  readonly ppid: number;
  readonly pgrp: number;
  readonly session: number;
  /** Clock ticks after boot: with the pid, identifies a process across pid reuse. */
  readonly starttime: number;
}

/** Fields of /proc/<pid>/stat; undefined when it is gone (or not Linux). */
function readStat(pid: number | string): ProcStat | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid pgrp session … starttime(22) …": comm may hold spaces and parentheses,
  // so read after the last ')'. fields[0] is field 3 of proc(5).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '', ppid: Number(fields[1]), pgrp: Number(fields[2]), session: Number(fields[3]), starttime: Number(fields[19]) };
}

/** State letter and process group of a pid from /proc/<pid>/stat; undefined when it is gone. */
export function processState(pid: number | string): { readonly state: string; readonly pgrp: number } | undefined {
  const stat = readStat(pid);
  return stat && { state: stat.state, pgrp: stat.pgrp };
}

const running = (stat: ProcStat): boolean => stat.state !== 'Z' && stat.state !== 'X';

function signalPid(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(pid, signal);
    return true;
  } catch {
    // ESRCH: already gone. EPERM: not ours to signal; nothing more we can do.
    return false;
  }
}

/** The processes of one agent run: its group, its session, its descendants, and whatever carries its tag. */
export class AgentProcesses {
  private readonly linux = process.platform === 'linux';
  /** pid → starttime of every member seen, so one re-parented to init stays a member. */
  private readonly known = new Map<number, number>();
  private readonly startedAt: number;

  constructor(
    /** The agent's pid: also its process group and session id. */
    readonly pid: number,
    private readonly tag: string | undefined,
  ) {
    const self = this.linux ? readStat(pid) : undefined;
    this.startedAt = self?.starttime ?? 0;
    if (self) this.known.set(pid, self.starttime);
    liveAgents.add(this);
    if (this.linux) startTracking();
    if (!guarding) guard();
  }

  /**
   * The running members now (Linux; elsewhere none are known but the group), from `processes` when
   * given (the tracker's one look at /proc for every agent), else from a look of its own.
   */
  members(processes: ReadonlyMap<number, ProcStat> | undefined = this.linux ? runningProcesses() : undefined): number[] {
    if (processes === undefined) return [];
    const candidates = new Map<number, ProcStat>();
    for (const [pid, stat] of processes) {
      // Started before the agent: neither its descendant nor a reuse of a member's pid.
      if (stat.starttime >= this.startedAt) candidates.set(pid, stat);
    }
    const members = new Set<number>();
    for (const [pid, stat] of candidates) {
      if (stat.pgrp === this.pid || stat.session === this.pid || this.known.get(pid) === stat.starttime || this.carriesTag(pid)) members.add(pid);
    }
    // Descendants by parent, to a fixpoint (a child may be listed before its parent).
    for (let grew = true; grew; ) {
      grew = false;
      for (const [pid, stat] of candidates) {
        if (!members.has(pid) && members.has(stat.ppid)) {
          members.add(pid);
          grew = true;
        }
      }
    }
    for (const pid of members) this.known.set(pid, candidates.get(pid)?.starttime ?? 0);
    return [...members];
  }

  private carriesTag(pid: number): boolean {
    if (this.tag === undefined) return false;
    try {
      return readFileSync(`/proc/${pid}/environ`, 'latin1').includes(`MIMIR_PROCESS_TAG=${this.tag}\0`);
    } catch {
      return false;
    }
  }

  /**
   * Signals the group, then every member that left it. The members are looked up first, while the
   * agent still lives: once it dies its detached children are reparented and only the parent link,
   * read now, ties a child with a cleared environment to it.
   */
  signal(signal: NodeJS.Signals): void {
    const members = this.members();
    signalPid(process.platform === 'win32' ? this.pid : -this.pid, signal);
    for (const pid of members) signalPid(pid, signal);
  }

  /**
   * Whether any member still runs. A member that has exited but was not yet reaped (a zombie,
   * waiting for an init that reaps slowly) still answers signal 0; on Linux /proc tells the two apart.
   */
  alive(): boolean {
    if (this.linux) return this.members().length > 0;
    return signalPid(process.platform === 'win32' ? this.pid : -this.pid, 0);
  }

  /** Waits until no member runs, or the deadline (from performance.now()) passes. True when all are gone. */
  async waitForExit(deadline: number): Promise<boolean> {
    for (;;) {
      if (!this.alive()) return true;
      const left = deadline - performance.now();
      if (left <= 0) return false;
      await sleep(Math.min(POLL_MS, left));
    }
  }

  /**
   * Ends whatever is left: SIGTERM (unless a stop already sent it), then SIGKILL at `killAt` (a time
   * from performance.now()) if anything still runs. Returns once every member is gone, and stops tracking.
   */
  async reap(killAt: number, alreadyTerminated: boolean): Promise<void> {
    try {
      if (!this.alive()) return;
      if (!alreadyTerminated) this.signal('SIGTERM');
      if (await this.waitForExit(killAt)) return;
      this.signal('SIGKILL');
      await this.waitForExit(performance.now() + AFTER_KILL_MS);
    } finally {
      this.release();
    }
  }

  /** Stops tracking (the members are gone, or the caller gives up on them). */
  release(): void {
    liveAgents.delete(this);
    if (liveAgents.size === 0) {
      stopTracking();
      if (guarding) unguard();
    }
  }
}

/** Every running process in /proc with its stat fields; undefined when /proc cannot be read. */
function runningProcesses(): Map<number, ProcStat> | undefined {
  let names: string[];
  try {
    names = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return undefined;
  }
  const found = new Map<number, ProcStat>();
  for (const name of names) {
    const stat = readStat(name);
    if (stat !== undefined && running(stat)) found.set(Number(name), stat);
  }
  return found;
}

// One look at /proc every TRACK_MS serves every tracked agent: a look reads every process's stat, so
// one per agent (a probe runs several at once) multiplied the cost of the same reading. Measured in
// a probe run of four agents at a time, those reads were a third of mimir's own CPU time.
let tracker: NodeJS.Timeout | undefined;

function startTracking(): void {
  if (tracker !== undefined) return;
  tracker = setInterval(() => {
    const processes = runningProcesses();
    for (const agent of liveAgents) agent.members(processes);
  }, TRACK_MS);
  tracker.unref();
}

function stopTracking(): void {
  clearInterval(tracker);
  tracker = undefined;
}

// ─── Agents outliving mimir ──────────────────────────────────────────────────────────────────────
// An agent in its own group no longer gets the terminal's Ctrl-C, so if mimir is interrupted (or
// exits) while agents run, they would be orphaned, hung ones forever. While any agent is tracked,
// mimir's exit and its SIGINT/SIGTERM/SIGHUP kill all of them, and everything they started, first.

const liveAgents = new Set<AgentProcesses>();
const EXIT_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
let guarding = false;

/** SIGKILLs every agent still running and what it started. For a caller shutting down in a hurry; runAgent's own exits still resolve. */
export function killAllAgentGroups(): void {
  for (const agent of liveAgents) agent.signal('SIGKILL');
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
