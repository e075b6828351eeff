import { useEffect, useState } from 'preact/hooks';
import { getJson, putJson, type Checklist, type ChecklistQuestion, type Loaded } from '../api.js';
import { Show, VerdictBadge, score } from '../components.js';
import { ANSWER_NAMES } from '../labels.js';

const BY_KEY = 'mimir.checklist.by';

/**
 * `mimir walk` as a form: every question of the checklist, its answer in the answers file, and the
 * audit score those answers give. Saving one answer writes it to the same file `mimir walk` writes
 * and shows the new score.
 */
export function ChecklistPage() {
  const [loaded, setLoaded] = useState<Loaded<Checklist> | undefined>(undefined);
  const [by, setBy] = useState<string>(() => window.localStorage.getItem(BY_KEY) ?? '');
  /** The score before the last saved answer, to show what the answer moved. */
  const [previous, setPrevious] = useState<number | undefined>(undefined);
  useEffect(() => {
    void getJson<Checklist>('/api/checklist').then(setLoaded);
  }, []);
  const rememberBy = (value: string) => {
    setBy(value);
    window.localStorage.setItem(BY_KEY, value);
  };
  return (
    <>
      <h1>Checklist</h1>
      <Show loaded={loaded} what="the checklist">
        {(checklist) => (
          <>
            <div class="card verdict score-bar" aria-live="polite" data-testid="live-score">
              <VerdictBadge verdict={checklist.verdict} />
              <div>
                <div class="headline">
                  <span class="score">{score(checklist.score)}</span>
                  <span class="of">/ 100, as `mimir audit` scores these answers</span>
                  {previous !== undefined && previous !== checklist.score && (
                    <span class="muted small" data-testid="score-change">
                      (was {score(previous)} before the last answer)
                    </span>
                  )}
                </div>
                <p class="muted small">
                  Answers file: <code>{checklist.answersFile}</code> (the one `mimir walk` writes). The score counts these answers with the evidence mimir.yaml names (trace files, probe results), as
                  `mimir audit` would; the live runs this server receives score on the Overview.
                </p>
                {unanswered(checklist) === questionCount(checklist) && (
                  <p class="notice" data-testid="nothing-answered">
                    No question is answered yet: each of the {questionCount(checklist)} checks below that no measured evidence answers earns nothing until someone answers it.
                  </p>
                )}
              </div>
            </div>
            <label class="by card">
              Who is answering? (recorded with every answer)
              <input type="text" value={by} required autocomplete="email" onInput={(e) => { rememberBy(e.currentTarget.value); }} placeholder="name or email" />
            </label>
            {checklist.areas.map((area) => (
              <section key={area.area} aria-labelledby={`area-${area.area}`}>
                <h2 id={`area-${area.area}`}>{area.title}</h2>
                {area.questions.map((q) => (
                  <Question key={q.checkId} question={q} by={by} onSaved={(next) => {
                      setPrevious(checklist.score);
                      setLoaded({ kind: 'ok', data: next });
                    }} />
                ))}
              </section>
            ))}
          </>
        )}
      </Show>
    </>
  );
}

const questionCount = (checklist: Checklist): number => checklist.areas.reduce((sum, area) => sum + area.questions.length, 0);
const unanswered = (checklist: Checklist): number => checklist.areas.reduce((sum, area) => sum + area.questions.filter((q) => q.answer === undefined).length, 0);

function Question({ question, by, onSaved }: { question: ChecklistQuestion; by: string; onSaved: (checklist: Checklist) => void }) {
  const [answer, setAnswer] = useState<string>(question.answer?.value ?? '');
  const [note, setNote] = useState<string>(question.answer?.note ?? '');
  const [state, setState] = useState<{ saving: boolean; error?: string; saved?: boolean }>({ saving: false });
  const id = `q-${question.checkId}`;
  const save = async (event: Event) => {
    event.preventDefault();
    if (answer === '') return;
    setState({ saving: true });
    const result = await putJson<Checklist>(`/api/checklist/${encodeURIComponent(question.checkId)}`, { answer, by, ...(note.trim() !== '' && { note }) });
    if (result.kind === 'ok') {
      setState({ saving: false, saved: true });
      onSaved(result.data);
    } else {
      setState({ saving: false, error: result.kind === 'error' ? result.message : 'the server does not take answers' });
    }
  };
  const given = question.answer;
  return (
    <form class="card question" id={id} onSubmit={(e) => void save(e)} data-check={question.checkId}>
      <fieldset>
        <legend>
          <strong>{question.question}</strong> <span class="id">{question.checkId}</span>
        </legend>
        <p class="muted small">Why it matters: {question.why}</p>
        {question.measuredBy.length > 0 && (
          <p class="muted small">Measurable from {question.measuredBy.join(' or ')}: measured evidence outranks this answer, which counts only while it is missing.</p>
        )}
        <div class="options" role="radiogroup">
          {question.options.map((option) => (
            <label key={option} class="option">
              <input type="radio" name={`${id}-answer`} value={option} checked={answer === option} onChange={() => { setAnswer(option); }} />
              {ANSWER_NAMES[option] ?? option}
            </label>
          ))}
        </div>
        <label class="note">
          Note {answer === 'not-applicable' ? '(required: why it does not apply)' : '(optional: what the answer rests on)'}
          <input type="text" value={note} onInput={(e) => { setNote(e.currentTarget.value); }} />
        </label>
        <div class="actions">
          <button type="submit" disabled={state.saving || answer === '' || by.trim() === ''}>
            {state.saving ? 'Saving…' : 'Save answer'}
          </button>
          <span class="muted small" role="status">
            {state.error !== undefined ? <span class="fail-text">{state.error}</span> : state.saved ? 'Saved.' : ''}
            {given && !state.saved && state.error === undefined && `Answered ${ANSWER_NAMES[given.value] ?? given.value} by ${given.by} on ${given.at}${given.expired ? ' (expired: answer again)' : ''}`}
            {!given && !state.saved && state.error === undefined && 'Not answered yet.'}
            {by.trim() === '' && ' Say who is answering above to save.'}
          </span>
        </div>
      </fieldset>
    </form>
  );
}
