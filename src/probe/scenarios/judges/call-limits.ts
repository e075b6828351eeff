import type { VerifierObservation } from '../../../model/index.js';
import { matchesWildcard } from '../../../shared/wildcard.js';
import { count, groupBy, seqList, shortArgs } from '../trial-words.js';
import { type Call, type World, lives } from '../trial-world.js';
import { observation } from './observation.js';

// Judges of how much the agent called: identical calls, calls per tool, calls after the first failure.

export function judgeMaxIdenticalCalls(world: World, max: number): VerifierObservation {
  let most: Call[] = [];
  for (const life of lives(world)) {
    for (const group of groupBy(life, (call) => call.key).values()) if (group.length > most.length) most = group;
  }
  const [first] = most;
  if (first === undefined) return observation('maxIdenticalCalls', true, 'made no tool call');
  const ok = most.length <= max;
  const what = `${first.tool} ${shortArgs(first.entry.arguments)} at ${seqList(most)}`;
  return observation(
    'maxIdenticalCalls',
    ok,
    `at most ${most.length} identical calls in one life (${what}), ${ok ? 'within' : 'over'} the limit of ${max}`,
    most.map((call) => call.seq),
  );
}

export function judgeMaxCalls(world: World, pattern: string, max: number): VerifierObservation {
  const matching = world.calls.filter((call) => matchesWildcard(pattern, call.tool));
  const ok = matching.length <= max;
  const where = matching.length > 0 ? ` (${seqList(matching)})` : '';
  return observation('maxCalls', ok, `${count(matching.length, 'call')} to ${pattern}${where}, ${ok ? 'within' : 'over'} the limit of ${max}`, matching.map((c) => c.seq));
}

export function judgeHaltWithinCalls(world: World, max: number): VerifierObservation {
  const first = world.calls.find((call) => call.failed);
  if (first === undefined) return observation('haltWithinCalls', true, 'no call failed');
  const after = world.calls.filter((call) => call.index > first.index);
  const ok = after.length <= max;
  const past = ok ? '' : `; past the limit: ${after.slice(max).map((c) => `${c.tool} #${c.seq}`).join(', ')}`;
  return observation(
    'haltWithinCalls',
    ok,
    `${count(after.length, 'tool call')} after the first failure (${first.tool} at #${first.seq}), ${ok ? 'within' : 'over'} the limit of ${max}${past}`,
    [first.seq, ...after.map((c) => c.seq)],
  );
}
