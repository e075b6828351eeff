import type { VerifierObservation } from '../../../model/index.js';
import { canonicalJson } from '../../../shared/hash.js';
import type { ScenarioExpectations } from '../../types.js';
import { shortJson } from '../trial-words.js';
import type { World } from '../trial-world.js';
import { observation } from './observation.js';

// The judge of the world itself: the upstream server's state, read after the trial, at JSON pointers.

export function judgeUpstream(world: World, query: NonNullable<ScenarioExpectations['upstream']>[number], index: number): VerifierObservation {
  const state = world.record.upstreamState?.[index];
  const results = Object.entries(query.expect).map(([pointer, expected]) => {
    const actual = resolvePointer(state, pointer);
    const ok = actual.found && canonicalJson(actual.value) === canonicalJson(expected);
    const shown = actual.found ? shortJson(actual.value) : 'missing';
    return { ok, text: ok ? `${pointer || '(whole result)'} is ${shown}` : `${pointer || '(whole result)'} is ${shown}, expected ${shortJson(expected)}` };
  });
  const ok = results.every((r) => r.ok);
  return observation('upstream', ok, `${query.call}: ${results.map((r) => r.text).join('; ')}`);
}

/** RFC 6901: `/a/0/b`, with `~1` for `/` and `~0` for `~`; the empty pointer is the whole document. */
export function resolvePointer(document: unknown, pointer: string): { found: boolean; value?: unknown } {
  if (pointer === '') return { found: true, value: document };
  let current: unknown = document;
  for (const raw of pointer.slice(1).split('/')) {
    const token = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current) && /^(0|[1-9][0-9]*)$/.test(token) && Number(token) < current.length) current = current[Number(token)];
    else if (current !== null && typeof current === 'object' && !Array.isArray(current) && Object.hasOwn(current, token)) current = (current as Record<string, unknown>)[token];
    else return { found: false };
  }
  return { found: true, value: current };
}
