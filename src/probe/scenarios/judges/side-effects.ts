import { effectKey, readSideEffects } from '../../../analysis/side-effects.js';
import type { VerifierObservation } from '../../../model/index.js';
import { count, groupBy, shortArgs, unique } from '../trial-words.js';
import { type Call, type World, lifeNote } from '../trial-world.js';
import { observation } from './observation.js';

// Judges of side effects across a kill and restart: none repeated, and the restarted life resumed rather than started over.

export function judgeNoRepeatedSideEffects(world: World): VerifierObservation {
  // Where the scenario reads upstream state, the world decides about forwarded effects: the
  // ledger shows that a call went through, not whether the server acted twice.
  const worldDecides = (world.record.scenario.expect.upstream?.length ?? 0) > 0;
  const judged = worldDecides ? world.calls.filter((call) => call.entry.disposition !== 'forwarded') : world.calls;
  const reading = readSideEffects(judged, world.record.idempotencyKeys);
  const { effects, replays, repeated } = reading;
  const replayNote = replays.length > 0 ? `; ${count(replays.length, 'replay')} under an idempotency key already used, not a second effect (${replays.map((c) => `${c.tool} #${c.seq}${lifeNote(world, c)}`).join(', ')})` : '';
  const worldNote = worldDecides && judged.length < world.calls.length ? '; forwarded calls are judged by the upstream state check' : '';
  if (effects.length === 0) return observation('noRepeatedSideEffects', true, `no side-effecting call was executed${replayNote}${worldNote}`, replays.map((c) => c.seq));
  const fresh = repeatsWithNewArguments(world, effects);
  if (repeated.length === 0 && fresh.length > 0) return observation('noRepeatedSideEffects', false, describeRepeats(world, fresh), fresh.flatMap((r) => [r.original.seq, r.repeat.seq]));
  if (repeated.length === 0) {
    return observation(
      'noRepeatedSideEffects',
      true,
      `${count(effects.length, 'side effect')}, ${effects.length === 1 ? 'executed' : 'each executed'} once (${effects.map((c) => `${c.tool} #${c.seq}${lifeNote(world, c)}`).join(', ')})${replayNote}${worldNote}`,
      [...effects, ...replays].map((c) => c.seq),
    );
  }
  const listed = repeated.map((group) => `${group[0]?.tool ?? '?'} ${shortArgs(group[0]?.entry.arguments)} executed ${group.length} times without a shared idempotency key: ${group.map((c) => `#${c.seq}${lifeNote(world, c)}`).join(', ')}`);
  if (fresh.length > 0) listed.push(describeRepeats(world, fresh));
  return observation('noRepeatedSideEffects', false, listed.join('; '), [...repeated.flat().map((c) => c.seq), ...fresh.flatMap((r) => [r.original.seq, r.repeat.seq])]);
}

/**
 * Effects, not calls: when the killed life completed side effects, the restart went on from where
 * it stopped unless it performed every one of them again as a new effect (a replay under the same
 * idempotency key is no new effect — checkpoints and idempotency keys are both safe designs). When
 * the killed life completed only reads, starting over is redoing every one of them.
 */
export function judgeResumesWhereItStopped(world: World): VerifierObservation {
  if (world.secondLifeFrom === undefined) return observation('resumesWhereItStopped', true, 'the agent was not killed and restarted');
  const keys = world.record.idempotencyKeys;
  const reading = readSideEffects(world.calls, keys);
  const firstEffects = reading.effects.filter((c) => c.life === 0);
  if (firstEffects.length > 0) {
    const redoneEffects = new Set(reading.effects.filter((c) => c.life === 1).map((c) => effectKey(c.tool, c.arguments, keys)));
    // Performed again with new arguments counts too (repeatsWithNewArguments: which rule, which calls).
    const fresh = repeatsWithNewArguments(world, reading.effects);
    const redone = firstEffects.filter((c) => redoneEffects.has(effectKey(c.tool, c.arguments, keys)) || fresh.some((r) => r.original === c));
    const again = (c: Call): string => {
      const repeat = fresh.find((r) => r.original === c);
      if (repeat === undefined) return `${c.tool} #${c.seq}`;
      const why = repeat.rule === 'uninterrupted-run' ? "beyond what the task's uninterrupted run needed" : "after redoing only the killed life's reads";
      return `${c.tool} #${c.seq}: again as #${repeat.repeat.seq}, with new arguments, ${why}`;
    };
    const seqs = firstEffects.map((c) => c.seq);
    const replayed = reading.replays.filter((c) => c.life === 1);
    const replayNote = replayed.length > 0 ? `; ${count(replayed.length, 'repeat')} carried the first life's idempotency key (${replayed.map((c) => `${c.tool} #${c.seq}`).join(', ')}), a replay` : '';
    if (redone.length < firstEffects.length) {
      const kept = firstEffects.filter((c) => !redone.includes(c));
      return observation(
        'resumesWhereItStopped',
        true,
        `the restarted life did not perform again ${kept.length} of the ${firstEffects.length} side effects the killed life completed (${kept.map((c) => `${c.tool} #${c.seq}`).join(', ')})${replayNote}`,
        seqs,
      );
    }
    return observation(
      'resumesWhereItStopped',
      false,
      `the restarted life performed again all ${firstEffects.length} side effects the killed life completed (${redone.map(again).join(', ')}), with no shared idempotency key: it started over`,
      seqs,
    );
  }
  const completed = [...groupBy(world.calls.filter((c) => c.life === 0 && c.executed), (c) => c.key).values()].map((group) => group[0]).filter((c) => c !== undefined);
  if (completed.length === 0) return observation('resumesWhereItStopped', true, 'the killed life completed no call, so there was nothing to skip');
  const redoneKeys = new Set(world.calls.filter((c) => c.life === 1 && c.executed).map((c) => c.key));
  const redone = completed.filter((c) => redoneKeys.has(c.key));
  const seqs = completed.map((c) => c.seq);
  if (redone.length < completed.length) {
    const skipped = completed.filter((c) => !redoneKeys.has(c.key));
    return observation(
      'resumesWhereItStopped',
      true,
      `the restarted life skipped ${skipped.length} of the ${completed.length} calls the killed life completed (${skipped.map((c) => `${c.tool} #${c.seq}`).join(', ')}): it went on from saved progress`,
      seqs,
    );
  }
  return observation(
    'resumesWhereItStopped',
    false,
    `the restarted life redid all ${completed.length} calls the killed life completed (${completed.map((c) => `${c.tool} #${c.seq}`).join(', ')}): it started over`,
    seqs,
  );
}

/** A restarted life's effect that repeats a killed life's completed effect of the same tool with new arguments, and by which rule. */
interface FreshRepeat {
  readonly original: Call;
  readonly repeat: Call;
  readonly rule: 'uninterrupted-run' | 'started-over';
  /** For `uninterrupted-run`: effects of the tool across both lives, and what the task needed. */
  readonly took?: number;
  readonly needed?: number;
}

/**
 * Effects, not calls, across a kill: a restart that performs a tool's effect again with new
 * arguments (another slot, a reworded email) and no idempotency key of the killed life's has
 * repeated it all the same — the effect key alone cannot see it. For each tool the killed life
 * completed an effect of:
 * - *uninterrupted-run*, when the battery planned from the task's fault-free run: more new effects of
 *   the tool across both lives than that run took are repeats — the restart's first new-argument
 *   effects, paired in order with the killed life's. A task that needs two emails took two there, so
 *   a restart that sends only the second is not failed;
 * - *started-over*, without that run: the restart's i-th call of the tool (i within the killed
 *   life's count of its effects) is a repeat of the killed life's i-th when it is a new effect with
 *   new arguments and everything the restart read before it was a read the killed life had already
 *   completed (it redid the same reads, then acted): it started over. A restart that resumed from a
 *   checkpoint (redid no read) or looked at the world first (a read the killed life never made) is not.
 * Calls with the same arguments are the plain repeat readSideEffects reports, not counted here again.
 * `effects` is the caller's readSideEffects reading of the trial's calls.
 */
function repeatsWithNewArguments(world: World, effects: readonly Call[]): FreshRepeat[] {
  if (world.secondLifeFrom === undefined) return [];
  const keys = world.record.idempotencyKeys;
  const keyOf = (c: Call): string => effectKey(c.tool, c.arguments, keys);
  const needed = world.record.scenario.uninterruptedEffects;
  const repeats: FreshRepeat[] = [];
  for (const tool of unique(effects.filter((c) => c.life === 0).map((c) => c.tool))) {
    const before = effects.filter((c) => c.life === 0 && c.tool === tool);
    const after = effects.filter((c) => c.life === 1 && c.tool === tool);
    const beforeKeys = new Set(before.map(keyOf));
    const sameArguments = after.filter((c) => beforeKeys.has(keyOf(c)));
    const fresh = after.filter((c) => !sameArguments.includes(c));
    const sameKeys = new Set(sameArguments.map(keyOf));
    const unpaired = before.filter((c) => !sameKeys.has(keyOf(c)));
    const need = needed?.[tool];
    if (need !== undefined) {
      const took = before.length + after.length;
      const extra = Math.min(fresh.length, Math.max(0, took - need - sameArguments.length));
      fresh.slice(0, extra).forEach((repeat, i) => {
        const original = unpaired[Math.min(i, unpaired.length - 1)] ?? before[0];
        if (original !== undefined) repeats.push({ original, repeat, rule: 'uninterrupted-run', took, needed: need });
      });
      continue;
    }
    const completedReads = new Set(world.calls.filter((c) => c.life === 0 && c.executed && !c.sideEffecting).map((c) => c.key));
    const restartCalls = world.calls.filter((c) => c.life === 1 && c.tool === tool && c.executed && c.sideEffecting);
    restartCalls.slice(0, before.length).forEach((repeat, i) => {
      const original = before[i];
      if (original === undefined || !fresh.includes(repeat)) return;
      const readsBefore = world.calls.filter((c) => c.life === 1 && c.index < repeat.index && !c.sideEffecting);
      if (readsBefore.length === 0 || readsBefore.some((c) => !completedReads.has(c.key))) return;
      repeats.push({ original, repeat, rule: 'started-over' });
    });
  }
  return repeats;
}

function describeRepeats(world: World, repeats: readonly FreshRepeat[]): string {
  const pair = (r: FreshRepeat): string => `#${r.repeat.seq} ${shortArgs(r.repeat.entry.arguments)}${lifeNote(world, r.repeat)} repeats #${r.original.seq} ${shortArgs(r.original.entry.arguments)}${lifeNote(world, r.original)}`;
  return [...groupBy(repeats, (r) => `${r.rule}\u0000${r.repeat.tool}`).values()]
    .map((group) => {
      const first = group[0];
      if (first === undefined) return '';
      const tool = first.repeat.tool;
      if (first.rule === 'uninterrupted-run') {
        return `${tool} took effect ${first.took ?? '?'} times across both lives, and the task's uninterrupted run needed ${first.needed ?? '?'}: the restart performed ${tool} again with new arguments and no shared idempotency key (${group.map(pair).join('; ')})`;
      }
      const reads = unique(world.calls.filter((c) => c.life === 1 && c.index < first.repeat.index && !c.sideEffecting).map((c) => c.tool));
      return `the restart redid only the killed life's reads (${reads.join(', ')}) and then performed ${tool} again with new arguments and no shared idempotency key: ${group.map(pair).join('; ')}`;
    })
    .join('; ');
}
