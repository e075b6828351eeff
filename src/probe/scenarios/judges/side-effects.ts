import { effectKey, readSideEffects } from '../../../analysis/side-effects.js';
import type { VerifierObservation } from '../../../model/index.js';
import { count, groupBy, shortArgs } from '../trial-words.js';
import { type World, lifeNote } from '../trial-world.js';
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
  if (repeated.length === 0) {
    return observation(
      'noRepeatedSideEffects',
      true,
      `${count(effects.length, 'side effect')}, ${effects.length === 1 ? 'executed' : 'each executed'} once (${effects.map((c) => `${c.tool} #${c.seq}${lifeNote(world, c)}`).join(', ')})${replayNote}${worldNote}`,
      [...effects, ...replays].map((c) => c.seq),
    );
  }
  const listed = repeated.map((group) => `${group[0]?.tool ?? '?'} ${shortArgs(group[0]?.entry.arguments)} executed ${group.length} times without a shared idempotency key: ${group.map((c) => `#${c.seq}${lifeNote(world, c)}`).join(', ')}`);
  return observation('noRepeatedSideEffects', false, listed.join('; '), repeated.flat().map((c) => c.seq));
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
    const redone = firstEffects.filter((c) => redoneEffects.has(effectKey(c.tool, c.arguments, keys)));
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
      `the restarted life performed again all ${firstEffects.length} side effects the killed life completed (${redone.map((c) => `${c.tool} #${c.seq}`).join(', ')}), with no shared idempotency key: it started over`,
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
