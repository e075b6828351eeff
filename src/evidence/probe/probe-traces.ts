import { join, resolve } from 'node:path';
import type { ProbeTraceLife, ToolDefinition } from '../../model/index.js';
import { fileExists } from '../../shared/read-user-file.js';
import type { ProbeResultsFile } from './results-file.js';

/**
 * The agent's own traces of a probe session as a trace source: the files its processes exported
 * (one endpoint per process, so every file belongs to one life of one trial) and, per file, that
 * life — which the trace loader uses to mark each run, leave out the ones mimir stopped, and take the
 * task's outcome from what the probe saw in the world.
 */
export interface ProbeTraceSource {
  readonly files: readonly string[];
  readonly lifeOf: (file: string) => ProbeTraceLife | undefined;
  /** The tools the proxy listed to the agent: the contracts of a run that recorded none of its own. */
  readonly toolDefinitions?: readonly ToolDefinition[];
}

/** The probe traces of a results file, or undefined when it filed none (an older results file, or an agent that exports nothing). */
export async function probeTraceSource(results: ProbeResultsFile): Promise<ProbeTraceSource | undefined> {
  const { tracesDir, traceLives } = results;
  if (tracesDir === undefined || traceLives === undefined || traceLives.length === 0) return undefined;
  const byFile = new Map<string, ProbeTraceLife>();
  for (const life of traceLives) for (const file of life.files) byFile.set(resolve(join(tracesDir, file)), life);
  const present: string[] = [];
  for (const file of byFile.keys()) if (await fileExists(file)) present.push(file);
  if (present.length === 0) return undefined;
  return { files: present, lifeOf: (file) => byFile.get(resolve(file)), ...(results.toolDefinitions && { toolDefinitions: results.toolDefinitions }) };
}
