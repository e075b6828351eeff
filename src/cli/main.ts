import { Command, CommanderError, Option } from 'commander';
import { AREAS } from '../model/index.js';
import { REPORT_FORMATS, type ReportFormat, type TraceReportFormat } from '../report/types.js';
import { MIMIR_VERSION } from '../shared/version.js';
import { EXIT_USER_ERROR, handleError } from './handle-error.js';
import { processIo, type CliIo } from './io.js';
import { collectFormats, collectProbeFormats, collectTraceFormats, parseDemoSeconds, parsePort, parseQuietMs, parseScore, type ProbeCommandFormat } from './options.js';
import { inquirerPrompter, isPromptAbort, type Prompter } from './prompter.js';

// Each command's module is imported inside its action, not here: together they pull in the whole
// tree (MCP SDK, ajv, zod, the tokenizer, protobufjs …), and `mimir --help` or `mimir traces` should
// not pay to load what `mimir probe` needs. This file keeps to commander and a few constants.

export interface MainDependencies {
  readonly io?: CliIo;
  /** The prompter for interactive commands; undefined means "no terminal". */
  readonly prompter?: Prompter | undefined;
}

/**
 * Runs one mimir command and returns its exit code: 0 within the gate, 1 outside it, 2 for usage
 * or input errors. Only bin/mimir.js turns it into process.exit.
 */
export async function main(argv: readonly string[], dependencies: MainDependencies = {}): Promise<number> {
  const io = dependencies.io ?? processIo();
  const prompter =
    'prompter' in dependencies ? dependencies.prompter : io.stdinIsTTY && io.stdout.isTTY ? inquirerPrompter((t) => io.stdout.write(t)) : undefined;
  let exitCode = 0;
  const program = buildProgram(io, prompter, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version end with code 0 through the same path; everything else is usage.
      return error.exitCode === 0 ? 0 : EXIT_USER_ERROR;
    }
    if (isPromptAbort(error)) {
      io.stderr.write('mimir: stopped; answers given so far are saved.\n');
      return 130;
    }
    return handleError(error, io);
  }
}

/** The same words on every reporting command. */
const NO_REDACT = 'keep secrets found in traces and probes in the reports (local debugging only; the reports say they are unredacted)';

function buildProgram(io: CliIo, prompter: Prompter | undefined, setExitCode: (code: number) => void): Command {
  const program = new Command('mimir')
    .description('Audit whether an AI agent system is ready for production — from evidence, not feelings.')
    .version(MIMIR_VERSION, '-v, --version')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) });

  const formatOption = (choices: readonly string[], fallback: string) =>
    new Option('-f, --format <formats>', `output formats, comma-separated or repeated: ${choices.join(', ')}`).default(undefined, fallback);

  program
    .command('audit')
    .description('config + evidence → findings → scores → reports (the main job)')
    .option('-c, --config <path>', 'the system description', 'mimir.yaml')
    .option('-a, --answers <path>', 'answers file (overrides evidence.answers in mimir.yaml)')
    .option('-t, --traces <paths...>', 'trace files or directories, in addition to evidence.traces (mimir.yaml may then be absent)')
    .option('-l, --labels <path>', 'a labels file grading the traced runs (overrides evidence.traces.labels)')
    .addOption(formatOption(REPORT_FORMATS, 'terminal').argParser(collectFormats))
    .option('-o, --out <dir>', 'write every report format into this directory')
    .addOption(new Option('--fail-on <verdict>', 'exit 1 when the verdict is this or worse').choices(['red', 'yellow', 'none']).default('red'))
    .option('--min-score <n>', 'exit 1 when the overall score is below n (0–100)', parseScore)
    .option('-p, --probe', 'run the probes in mimir.yaml now (otherwise the last `mimir probe` results are used)', false)
    .option('--brief', 'terminal report: only the verdict, the areas and the top findings (files stay complete)', false)
    .option('--no-redact', NO_REDACT)
    .option('--server <url>', 'also push the JSON report to a mimir serve at this URL (its audit history)')
    .option('--token <secret>', 'the token of that server (or MIMIR_SERVE_TOKEN)')
    .action(async (opts: { config: string; answers?: string; traces?: string[]; labels?: string; format?: ReportFormat[]; out?: string; failOn: 'red' | 'yellow' | 'none'; minScore?: number; probe: boolean; brief: boolean; redact: boolean; server?: string; token?: string }) => {
      const { auditCommand } = await import('./commands/audit.js');
      setExitCode(
        await auditCommand(
          {
            config: opts.config,
            traces: opts.traces ?? [],
            format: opts.format ?? ['terminal'],
            failOn: opts.failOn,
            probe: opts.probe,
            brief: opts.brief,
            redact: opts.redact,
            ...(opts.answers !== undefined && { answers: opts.answers }),
            ...(opts.labels !== undefined && { labels: opts.labels }),
            ...(opts.out !== undefined && { out: opts.out }),
            ...(opts.minScore !== undefined && { minScore: opts.minScore }),
            ...(opts.server !== undefined && { server: opts.server }),
            ...(opts.token !== undefined && { token: opts.token }),
          },
          io,
        ),
      );
    });

  program
    .command('traces')
    .description('the measured figures from trace files alone: reliability, pass^k, compounding, context bleed, oversight')
    .argument('[paths...]', 'trace files or directories (default: evidence.traces.sources in mimir.yaml)')
    .option('-c, --config <path>', 'mimir.yaml for tool risk classes and attribute mapping (used when present)', 'mimir.yaml')
    .option('-l, --labels <path>', 'a labels file grading runs: one JSON line per run')
    .addOption(
      new Option('-f, --format <formats>', 'terminal, json or html; comma-separated or repeated').default(undefined, 'terminal').argParser(collectTraceFormats),
    )
    .option('-o, --out <dir>', 'write json/html there')
    .option('--no-redact', NO_REDACT)
    .action(async (paths: string[], opts: { config: string; labels?: string; format?: TraceReportFormat[]; out?: string; redact: boolean }, command: Command) => {
      const { tracesCommand } = await import('./commands/traces.js');
      setExitCode(
        await tracesCommand(
          {
            paths,
            config: opts.config,
            configExplicit: command.getOptionValueSource('config') === 'cli',
            format: opts.format ?? ['terminal'],
            redact: opts.redact,
            ...(opts.labels !== undefined && { labels: opts.labels }),
            ...(opts.out !== undefined && { out: opts.out }),
          },
          io,
        ),
      );
    });

  program
    .command('probe')
    .description('run the agent under injected faults through the MCP proxy and verify the world (the probe battery)')
    .option('-c, --config <path>', 'the system description, with a probes section', 'mimir.yaml')
    .addOption(
      new Option('-f, --format <formats>', 'terminal, json or html; comma-separated or repeated').default(undefined, 'terminal').argParser(collectProbeFormats),
    )
    .option('-o, --out <dir>', 'write json/html there')
    .option('--no-redact', NO_REDACT)
    .action(async (opts: { config: string; format?: ProbeCommandFormat[]; out?: string; redact: boolean }) => {
      const { probeCommand } = await import('./commands/probe.js');
      setExitCode(await probeCommand({ config: opts.config, format: opts.format ?? ['terminal'], redact: opts.redact, ...(opts.out !== undefined && { out: opts.out }) }, io));
    });

  program
    .command('proxy')
    .description("mimir's MCP proxy on its own (faults of one scenario, every call in a ledger); or --connect: stdio for agents that only speak stdio")
    .option('-c, --config <path>', 'the system description, with probes.servers', 'mimir.yaml')
    .option('--port <n>', 'port on 127.0.0.1 (0: any free port)', parsePort, 0)
    .option('--scenario <id>', 'apply the faults and approval answers of this scenario from probes.scenarios')
    .option('--connect <url>', 'relay MCP over stdio to a running proxy (what MIMIR_MCP_STDIO runs)')
    .action(async (opts: { config: string; port: number; scenario?: string; connect?: string }) => {
      const { proxyCommand } = await import('./commands/proxy.js');
      setExitCode(
        await proxyCommand(
          {
            config: opts.config,
            port: opts.port,
            ...(opts.scenario !== undefined && { scenario: opts.scenario }),
            ...(opts.connect !== undefined && { connect: opts.connect }),
          },
          io,
        ),
      );
    });

  program
    .command('ledger')
    .description('work with a probe ledger')
    .command('verify')
    .description(
      'check that a ledger\'s hash chain is intact and its length and last hash match the probe-results.json beside it: exit 1 if any entry was edited, deleted, inserted or reordered, or the length could not be checked',
    )
    .argument('<ledger.jsonl>')
    .addOption(new Option('-f, --format <format>', 'terminal or json').choices(['terminal', 'json']).default('terminal'))
    .option('--chain-only', 'check the hash chain alone (without probe-results.json, entries cut from the end cannot be seen)')
    .action(async (path: string, opts: { format: 'terminal' | 'json'; chainOnly?: boolean }) => {
      const { ledgerVerifyCommand } = await import('./commands/ledger.js');
      setExitCode(await ledgerVerifyCommand(path, { format: opts.format, chainOnly: opts.chainOnly === true }, io));
    });

  program
    .command('serve')
    .description('receive OTLP (traces and logs) on 127.0.0.1:4318, store it durably, assemble runs live and answer the JSON API')
    .option('-c, --config <path>', 'mimir.yaml (used when present): tool risk classes, attribute mapping, redaction; the policy, answers and probe results the window audits use; alert rules; serve.windows and serve.verifiers', 'mimir.yaml')
    .option('--host <address>', 'address to bind (anything but loopback needs --token)', '127.0.0.1')
    .option('--port <n>', 'port (0: any free port)', parsePort, 4318)
    .option('--data <dir>', 'where the ingest log and the store live', '.mimir')
    .option('--token <secret>', 'require Authorization: Bearer <secret> on every request (or MIMIR_SERVE_TOKEN)')
    .option('--quiet-ms <ms>', 'a run closes this long after its root span ends with nothing more arriving', parseQuietMs, 5000)
    .option('--no-redact', 'store spans with the secrets they carry (local debugging only)')
    .option('--demo', "replay the example agent's recorded runs to this server, a fault starting part-way (data in a temporary directory)", false)
    .option('--demo-seconds <n>', 'how long the demo replay takes', parseDemoSeconds, 60)
    .action(async (opts: { config: string; host: string; port: number; data: string; token?: string; quietMs: number; redact: boolean; demo: boolean; demoSeconds: number }, command: Command) => {
      // Loaded only for this command: the store's native module has no business in the others' start-up.
      const { serveCommand } = await import('./commands/serve.js');
      setExitCode(await serveCommand({ ...opts, configExplicit: command.getOptionValueSource('config') === 'cli' }, io));
    });

  program
    .command('checks')
    .description('list the check catalogue')
    .addOption(new Option('-f, --format <format>', 'terminal, md or json').choices(['terminal', 'md', 'json']).default('terminal'))
    .addOption(new Option('--area <area>', 'only this area').choices(AREAS))
    .action(async (opts: { format: 'terminal' | 'md' | 'json'; area?: (typeof AREAS)[number] }) => {
      const { checksCommand } = await import('./commands/checks.js');
      setExitCode(checksCommand({ format: opts.format, ...(opts.area !== undefined && { area: opts.area }) }, io));
    });

  program
    .command('explain')
    .description('explain one check: question, why it matters, remediation, how mimir answers it')
    .argument('<check-id>')
    .addOption(new Option('-f, --format <format>', 'terminal or json').choices(['terminal', 'json']).default('terminal'))
    .action(async (id: string, opts: { format: 'terminal' | 'json' }) => {
      const { explainCommand } = await import('./commands/explain.js');
      setExitCode(explainCommand(id, opts, io));
    });

  program
    .command('diff')
    .description('compare two JSON reports: score change per area, checks that got worse or better')
    .argument('<before.json>')
    .argument('<after.json>')
    .addOption(new Option('-f, --format <format>', 'terminal, md or json').choices(['terminal', 'md', 'json']).default('terminal'))
    .option('--fail-on-regression', 'exit 1 when the overall score dropped or any check got worse', false)
    .option('-c, --config <path>', 'mimir.yaml for its redaction.patterns (used when present)', 'mimir.yaml')
    .option('--no-redact', NO_REDACT)
    .action(async (before: string, after: string, opts: { format: 'terminal' | 'md' | 'json'; failOnRegression: boolean; config: string; redact: boolean }, command: Command) => {
      const { diffCommand } = await import('./commands/diff.js');
      setExitCode(await diffCommand(before, after, { ...opts, configExplicit: command.getOptionValueSource('config') === 'cli' }, io));
    });

  program
    .command('init')
    .description('write a mimir.yaml: interactively, or from flags when there is no terminal')
    .option('-c, --config <path>', 'where to write it', 'mimir.yaml')
    .option('--name <name>', 'the system name')
    .option('--description <text>', 'one sentence about the system')
    .option('--tool <name=risk>', 'a tool and its risk class; repeat for more', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--server <command-or-url>', "an MCP server to list the tools from (its start command, or an http(s) URL); risk classes are suggested from the tools' annotations; repeat for more", (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--answers <path>', 'the answers file to reference (created empty if missing)', 'mimir-answers.yaml')
    .option('--force', 'overwrite an existing file', false)
    .option('-y, --yes', 'do not ask; take everything from flags', false)
    .action(async (opts: { config: string; name?: string; description?: string; tool: string[]; server: string[]; answers: string; force: boolean; yes: boolean }) => {
      const { initCommand } = await import('./commands/init.js');
      setExitCode(await initCommand(opts, io, prompter));
    });

  program
    .command('walk')
    .description('answer the readiness checklist interactively, area by area (resumable)')
    .option('-c, --config <path>', 'the system description', 'mimir.yaml')
    .option('-a, --answers <path>', 'answers file to write (default: evidence.answers in mimir.yaml)')
    .addOption(new Option('--area <area>', 'only this area').choices(AREAS))
    .option('--revisit', 'ask again even where a valid answer exists', false)
    .option('--by <who>', 'who is answering (asked if omitted)')
    .action(async (opts: { config: string; answers?: string; area?: (typeof AREAS)[number]; revisit: boolean; by?: string }) => {
      const { walkCommand } = await import('./commands/walk.js');
      setExitCode(
        await walkCommand(
          {
            config: opts.config,
            revisit: opts.revisit,
            ...(opts.answers !== undefined && { answers: opts.answers }),
            ...(opts.area !== undefined && { area: opts.area }),
            ...(opts.by !== undefined && { by: opts.by }),
          },
          io,
          prompter,
        ),
      );
    });

  return program;
}

