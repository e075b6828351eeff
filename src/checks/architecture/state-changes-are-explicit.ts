import { z } from 'zod';
import { measuredRate, wilsonRate } from '../../analysis/rate.js';
import { toReferences } from '../../analysis/support.js';
import type { MeasuredValue } from '../../model/index.js';
import { defineCheck } from '../define-check.js';

/** What to record so the traces can show explicit state changes. */
const CAPTURE_STATE_WRITES =
  'Record each write to shared state as a span or event with `mimir.state.key` (what it writes), `mimir.state.base_version` (the version it read) and `mimir.state.version` (the version it wrote), or `mimir.state.merge` (the reducer) for merged writes';

export default defineCheck({
  id: 'state-changes-are-explicit',
  area: 'architecture',
  severity: 'high',
  title: 'Shared state is never silently overwritten',
  question:
    'When steps, sub-agents or parallel branches write to shared state, is every write versioned or merged, with conflicting concurrent writes detected rather than the last writer silently winning?',
  rationale:
    'Two parallel branches update the same customer record; the second write wipes out the first, and the agent reports both as done. Lost updates raise no error and are found weeks later by a customer. Explicit, versioned state changes make a conflict visible at the moment it happens and let a restart or an audit reconstruct which step changed what.',
  remediation: {
    text: 'Route every write to shared state (the agent state object, a blackboard, records the agent edits) through one function that records the writing step, the version it read and the version it wrote. Use optimistic concurrency (version numbers or ETags with compare-and-set) or an explicit reducer per field instead of plain assignment; on a conflict, re-read and retry or fail the step, never overwrite. Emit each write as a span or event so traces show it.',
    effort: 'days',
  },
  answerableBy: ['trace', 'attestation'],
  messages: {
    explicit:
      'All {{writes}} state writes ({{keys}} keys in {{runs}} runs) are versioned or merged, and none overwrote another unseen ({{judged}} compare-and-set writes checked against the version before them; {{conflicts}} conflicts detected and refused).',
    'silent-overwrites':
      'State writes that overwrote another unseen: {{silent}}, at most {{limit}} allowed (lost updates, based on a version older than the latest: {{lost}}; unversioned writes overlapping another write to the same key: {{blind}}).',
    'plain-overwrites':
      '{{plain}} of {{writes}} state writes are plain overwrites: no base version and no merge, so a concurrent write would be lost unseen (none was seen overlapping another).',
  },
  options: z.strictObject({
    maxSilentOverwrites: z
      .number()
      .int()
      .min(0)
      .default(0)
      .describe('Most state writes that may overwrite another unseen (lost updates and unversioned overlapping writes) before the check fails.'),
    minWrites: z
      .number()
      .int()
      .min(1)
      .default(5)
      .describe('Fewest successful state writes with a key the traces must hold before they can show that state changes are explicit.'),
  }),
  evaluators: {
    trace: ({ evidence, options }) => {
      const state = evidence.analyses.stateWrites;
      const unkeyed =
        state.unkeyedWriteCalls > 0 ? `; ${state.unkeyedWriteCalls} tool calls of a write class name no key` : '';
      if (state.writes === 0) {
        return {
          outcome: 'insufficient-evidence',
          reason: `no run records a state write with its key (mimir.state.key)${unkeyed}`,
          toCapture: CAPTURE_STATE_WRITES,
        };
      }
      const guarded = state.versioned + state.merged;
      const silent = state.lostUpdates.count + state.blindConcurrentWrites.count;
      const measured = [
        measuredRate('state writes that are versioned or merged', wilsonRate(guarded, state.writes)),
        { name: 'lost updates', value: state.lostUpdates.count, sampleSize: state.judged },
        { name: 'unversioned writes overlapping another write to the key', value: state.blindConcurrentWrites.count },
        { name: 'conflicting writes refused', value: state.conflictsDetected },
        { name: 'keys written', value: state.keys },
      ].filter((m): m is MeasuredValue => m !== undefined);
      // One silent overwrite is proof, however few writes there are.
      if (silent > options.maxSilentOverwrites) {
        return {
          outcome: 'fail',
          messageId: 'silent-overwrites',
          data: { silent, lost: state.lostUpdates.count, blind: state.blindConcurrentWrites.count, limit: options.maxSilentOverwrites },
          measured,
          references: toReferences([...state.lostUpdates.examples, ...state.blindConcurrentWrites.examples]),
        };
      }
      if (guarded === 0) {
        return {
          outcome: 'insufficient-evidence',
          reason: `${state.writes} state writes name their key, but none records the version it was based on or a merge, so a compare-and-set cannot be told from a blind overwrite${unkeyed}`,
          toCapture: CAPTURE_STATE_WRITES,
        };
      }
      if (state.writes < options.minWrites) {
        return {
          outcome: 'insufficient-evidence',
          reason: `state writes with a key recorded: ${state.writes}; at least ${options.minWrites} are needed`,
          toCapture: CAPTURE_STATE_WRITES,
        };
      }
      if (guarded === state.writes) {
        return {
          outcome: 'pass',
          messageId: 'explicit',
          data: { writes: state.writes, keys: state.keys, runs: state.runsWithWrites, judged: state.judged, conflicts: state.conflictsDetected },
          measured,
        };
      }
      // Credit is the share of writes that a concurrent writer could not silently undo.
      return {
        outcome: 'partial',
        credit: guarded / state.writes,
        messageId: 'plain-overwrites',
        data: { plain: state.writes - guarded, writes: state.writes },
        measured,
        references: toReferences(state.plainExamples),
      };
    },
  },
});
