// The runner process: the only place native code runs.
//   node dist/runner.js run [options]   command line (summary, --json, --ndjson)
//   node dist/runner.js serve           child of the extension, IPC messages
//   node dist/runner.js info            the hello message as JSON

import os from 'node:os';
import { BUSY_MESSAGE, DEFAULT_ENGINE_OPTIONS, type EngineOptions, ScenarioEngine } from './engine';
import { RunHost } from './host';
import { BUDGET_LIMITS, budgetRequestFrom, budgetsText, bytesText, parseBudgetRequest } from '../common/budgets';
import { loadLibrary, type MemMapLibrary } from './native';
import { removeStaleFiles, resolveDiskDir } from './diskFiles';
import { checkRecordPath, isFullError, RecordFile } from './recordFile';
import { parseToRunner, type ReceivedStart } from '../common/messages';
import { errorsToText, validateParameters } from '../common/parameters';
import { formatSeedStats, seedModeLabel } from '../common/format';
import {
  PROTOCOL_VERSION, type BudgetRequest, type FromRunner, type HelloMessage, type RunParameters,
} from '../common/protocol';

const USAGE = `usage: memmap-lab run [options]
  --scenario baseline|grow|deletions|random   (default grow)
  --mode pagefile|disk                        (default pagefile)
  --items N                                   (default 100000)
  --view-size B       --initial-size B        --granularity B   (K, M, G suffixes; defaults 128K, 64K, 64K)
  --offset-bits 32|64 (default 32)            --growth seed|copy|remap|reserve (default seed)
  --view sliding|whole (default sliding)      --prefault
  --cold              evict the file's pages before the verify phase (a cold read-back;
                      mapped scenarios only); the result's cache says "cold"
  --disk-dir DIR      (default: the OS temp dir)                --seed N (default 1)
  --address-budget SIZE  address space the run may add to the runner's size at its start,
                         e.g. 4G for the seed's 32-bit process (default none)
  --memory-budget SIZE   resident memory the run may use, enforced with a memory cgroup
                         where one can be made (default none)
  --record FILE       write the run to FILE as a .memmaprun recording while it goes
                      (header, samples, events, result; docs/RECORDINGS.md); FILE is replaced
  --json              print one JSON result object
  --ndjson            print every protocol message as one JSON line`;

const FLAGS: Record<string, keyof RunParameters> = {
  '--scenario': 'scenario', '--mode': 'mode', '--items': 'items', '--view-size': 'viewSize',
  '--initial-size': 'initialFileSize', '--granularity': 'granularity', '--offset-bits': 'offsetBits',
  '--growth': 'growth', '--view': 'view', '--disk-dir': 'diskDir', '--seed': 'seed',
};

class UsageError extends Error {}

/**
 * The engine's options: the defaults, except MEMMAP_RESIDENCY_SAMPLING=0 turns
 * the residency in samples off (bench/insight.mjs measures its cost side by side).
 */
function engineOptions(): EngineOptions {
  return process.env.MEMMAP_RESIDENCY_SAMPLING === '0' ? { ...DEFAULT_ENGINE_OPTIONS, residencyShare: 0 } : DEFAULT_ENGINE_OPTIONS;
}

/** A memory budget beyond this machine's memory could not be kept: refused with what is allowed. */
function checkBudgetsHere(b: BudgetRequest): BudgetRequest {
  const total = os.totalmem();
  if (b.memoryBytes !== undefined && b.memoryBytes > total) {
    throw new UsageError(`memory budget ${bytesText(b.memoryBytes)} is more than this machine's memory (${bytesText(total)}); allowed: a size from ${bytesText(BUDGET_LIMITS.memoryMin)} to ${bytesText(total)}, or none`);
  }
  return b;
}

function hello(lib: MemMapLibrary): HelloMessage {
  return {
    type: 'hello',
    protocolVersion: PROTOCOL_VERSION,
    platform: process.platform,
    arch: process.arch,
    pid: process.pid,
    pageSize: lib.pageSize(),
    granularity: lib.allocationGranularity(),
    libraryVersion: lib.version(),
  };
}

/** Validates parameters fully, disk directory included; throws UsageError. */
function checkParameters(raw: unknown, lib: MemMapLibrary): RunParameters {
  const v = validateParameters(raw, lib.pageSize());
  if (!v.ok) throw new UsageError(errorsToText(v.reason));
  const p = v.value;
  if (p.mode === 'disk') {
    const dir = resolveDiskDir(p.diskDir);
    if (!dir.ok) throw new UsageError(dir.reason);
    p.diskDir = dir.value;
  } else {
    delete p.diskDir;
  }
  return p;
}

const BUDGET_FLAGS: Record<string, 'addressBudget' | 'memoryBudget'> = {
  '--address-budget': 'addressBudget', '--memory-budget': 'memoryBudget',
};

function parseArgs(argv: string[]): { raw: Record<string, unknown>; budgets: BudgetRequest; output: 'summary' | 'json' | 'ndjson'; record?: string } {
  const raw: Record<string, unknown> = {};
  let record: string | undefined;
  const budgetRaw: { addressBudget?: string; memoryBudget?: string } = {};
  let output: 'summary' | 'json' | 'ndjson' = 'summary';
  const switches = new Set<string>(); // the flags without a value seen so far: each once, like the others
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.indexOf('=');
    const flag = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    const inline = arg.startsWith('--') && eq > 0 ? arg.slice(eq + 1) : undefined;
    if (['--json', '--ndjson', '--prefault', '--cold'].includes(flag)) {
      if (switches.has(flag)) throw new UsageError(`option ${flag} is given twice; allowed: once`);
      switches.add(flag);
    }
    if (flag === '--json' || flag === '--ndjson') {
      if (inline !== undefined) throw new UsageError(`option ${flag} takes no value; allowed: ${flag} alone`);
      const want = flag === '--json' ? 'json' : 'ndjson';
      if (output !== 'summary' && output !== want) throw new UsageError('--json and --ndjson cannot be combined; allowed: one of them');
      output = want;
      continue;
    }
    if (flag === '--record') {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError('option --record needs a value: the file to record to');
      if (record !== undefined) throw new UsageError('option --record is given twice; allowed: once');
      record = value;
      continue;
    }
    if (flag === '--prefault' || flag === '--cold') {
      if (inline !== undefined && inline !== 'true' && inline !== 'false') {
        throw new UsageError(`option ${flag}=${JSON.stringify(inline.slice(0, 60))} is not allowed; allowed: ${flag}, ${flag}=true or ${flag}=false`);
      }
      raw[flag === '--prefault' ? 'prefault' : 'coldVerify'] = inline === undefined ? true : inline === 'true';
      continue;
    }
    const budgetField = BUDGET_FLAGS[flag];
    if (budgetField) {
      const value = inline ?? argv[++i];
      if (value === undefined || (inline === undefined && value.startsWith('--'))) throw new UsageError(`option ${flag} needs a value`);
      if (budgetField in budgetRaw) throw new UsageError(`option ${flag} is given twice; allowed: once`);
      budgetRaw[budgetField] = value;
      continue;
    }
    const field = FLAGS[flag];
    if (!field) {
      throw new UsageError(`unknown option ${JSON.stringify(arg.slice(0, 60))}; allowed: ${[...Object.keys(FLAGS), ...Object.keys(BUDGET_FLAGS), '--prefault', '--cold', '--record', '--json', '--ndjson'].join(' ')}`);
    }
    const value = inline ?? argv[++i];
    if (value === undefined || (inline === undefined && value.startsWith('--'))) {
      throw new UsageError(`option ${flag} needs a value`);
    }
    if (field in raw) throw new UsageError(`option ${flag} is given twice; allowed: once`);
    raw[field] = value;
  }
  const b = budgetRequestFrom(budgetRaw);
  if (!b.ok) throw new UsageError(b.reason.join('\n').replace(/^addressBudget/m, 'address budget').replace(/^memoryBudget/m, 'memory budget'));
  return { raw, budgets: checkBudgetsHere(b.value), output, ...(record !== undefined ? { record } : {}) };
}

function fatal(message: string, status: number): never {
  process.stderr.write(`memmap-lab: ${message.split('\n').join('\nmemmap-lab: ')}\n`);
  process.exit(status);
}

async function cliRun(argv: string[]): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv);
  } catch (err) {
    fatal(`${(err as Error).message} (see memmap-lab help)`, 2);
  }
  const lib = loadLibrary(__dirname);
  let p: RunParameters;
  try {
    p = checkParameters(parsed.raw, lib);
  } catch (err) {
    if (err instanceof UsageError) fatal(err.message, 2);
    throw err;
  }
  const ndjson = parsed.output === 'ndjson';
  let recordPath: string | undefined;
  if (parsed.record !== undefined) {
    const checked = checkRecordPath(parsed.record);
    if (typeof checked !== 'string') fatal(checked.error, 2);
    recordPath = checked;
  }
  // A closed stdout (`| head -c 10`) is EPIPE: the run is cancelled, its
  // file removed, and the exit status says so; never a stack trace.
  // Any other write error (a full disk, a file-size limit) is said once and exits with EX_IOERR (74).
  let outputClosed = false;
  let outputError: NodeJS.ErrnoException | undefined;
  let engine: RunHost | undefined;
  const outputFailed = (err: NodeJS.ErrnoException) => {
    if (!outputClosed && err.code !== 'EPIPE') process.stderr.write(`memmap-lab: io: writing the output failed: ${err.message}\n`);
    outputClosed = true;
    outputError ??= err;
    engine?.cancel();
  };
  process.stdout.on('error', outputFailed);
  const lostOutputStatus = () => (outputError?.code === 'EPIPE' ? 141 : 74);
  /** Writes the last output, then exits: with `status` once it is written, or as a lost output. */
  const writeAndExit = (text: string, status: number): void => {
    if (outputClosed) process.exit(lostOutputStatus());
    process.stdout.write(text, (err) => {
      if (err) outputFailed(err); // a file's write error reaches this callback before any 'error' event
      process.exit(outputClosed ? lostOutputStatus() : status);
    });
  };
  const write = (msg: FromRunner) => {
    if (!outputClosed) process.stdout.write(JSON.stringify(msg) + '\n');
  };
  const host = hello(lib);
  if (ndjson) write(host);
  let recording: RecordFile | undefined;
  if (recordPath) {
    const startedAt = Date.now();
    try {
      recording = new RecordFile(recordPath, {
        id: `cli-${startedAt}-${process.pid}`, label: `${p.scenario} ${p.items} items`, startedAt, producer: 'cli', parameters: p,
        ...(Object.keys(parsed.budgets).length > 0 ? { budgets: parsed.budgets } : {}),
        host: { platform: host.platform, arch: host.arch, pageSize: host.pageSize, granularity: host.granularity, libraryVersion: host.libraryVersion },
      }, (err) => {
        // Said once; the run stops and the partial recording is removed below.
        const kept = recording !== undefined && recording.besideOld;
        const replaced = recording !== undefined && !kept && !recording.stillOurs();
        process.stderr.write(`memmap-lab: io: writing the recording ${recordPath} failed: ${err.message}; the run is cancelled`
          + `${kept ? `, its partial recording removed and the existing ${recordPath} kept`
            : replaced ? `; another run replaced ${recordPath} meanwhile, and that recording is kept` : ' and the recording removed'}\n`);
        engine?.cancel();
      });
    } catch (err) {
      // A full device is no wrong path: said as it is, exit EX_IOERR (74); only path errors get the hint.
      if (isFullError(err)) fatal(`--record ${recordPath}: cannot write it: the device is full (${(err as Error).message})`, 74);
      fatal(`--record ${recordPath}: cannot write it: ${(err as Error).message}; allowed: a file path in an existing, writable directory`, 2);
    }
  }
  if (p.diskDir) removeStaleFiles(p.diskDir, (f) => lib.removeIfStale(f));
  const send = (msg: FromRunner) => {
    recording?.take(msg);
    if (ndjson) write(msg);
  };
  engine = new RunHost(new ScenarioEngine(lib, send, engineOptions()), send, {
    runnerScript: __filename,
    removeStale: (dir) => removeStaleFiles(dir, (f) => lib.removeIfStale(f)),
  });
  // Ctrl+C, kill, and the terminal closing (SIGHUP) all cancel the run and
  // remove its file; the status is 128 + the signal's number.
  let signalled: NodeJS.Signals | undefined;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(sig, () => {
      signalled ??= sig;
      engine?.cancel();
    });
  }
  const outcome = await engine.start(p, { events: recording !== undefined, allEvents: recording !== undefined, samples: ndjson || recording !== undefined, budgets: parsed.budgets });
  let recordingLost = false; // the result is still printed, the exit status is 74
  if (recording) {
    if (recording.failed) {
      recording.discard();
      process.exit(74); // EX_IOERR, as for a result that cannot be written
    }
    // A run cancelled by a signal (or a closed output) keeps an existing recording; one that ends
    // in an error of its own (a budget's wall, out of memory) is a whole recording of that run.
    const cancelled = signalled !== undefined || outputClosed;
    const kept = recording.finish({
      endedAt: Date.now(),
      ...(outcome.result ? { result: outcome.result } : {}),
      ...('code' in outcome ? { error: { code: outcome.code, message: outcome.message } } : {}),
      ...(outcome.failure ? { failure: outcome.failure } : {}),
      ...('code' in outcome && outcome.budgetFailure ? { budgetFailure: outcome.budgetFailure } : {}),
    }, cancelled);
    const late = recording.failed as Error | undefined; // the end record's write can fail too
    if (late) {
      recording.discard(); // said once by the failure callback
      process.exit(74);
    }
    if (kept.kind === 'cancelled') {
      process.stderr.write(`memmap-lab: the run was cancelled: the existing ${recordPath} is kept, this run's recording is ${recording.writing}\n`);
    } else if (kept.kind === 'replaced') {
      process.stderr.write(`memmap-lab: io: another run replaced ${recordPath} while this one recorded; this run's recording is not kept\n`);
      recordingLost = true;
    } else if (kept.kind === 'partial') {
      process.stderr.write(`memmap-lab: io: the run ended but its recording could not replace ${recordPath} (${kept.error.message}); it is kept as ${recording.writing}\n`);
      recordingLost = true;
    }
  }
  if (outputClosed) {
    if (outputError?.code === 'EPIPE') {
      process.stderr.write(`memmap-lab: cancelled: the output was closed (EPIPE); the run was ${'code' in outcome ? 'cancelled' : 'finished'} and its file removed\n`);
    }
    process.exit(lostOutputStatus()); // 141 = 128 + SIGPIPE, as a shell reports a writer killed by a closed pipe
  }
  const status = recordingLost ? 74 : signalled ? 128 + (os.constants.signals[signalled] ?? 2) : undefined;
  const failed = 'code' in outcome;
  if (failed && (!ndjson || signalled)) process.stderr.write(`memmap-lab: ${outcome.code}: ${outcome.message}\n`);
  // A budget's wall keeps the counters reached: printed like a result, after the error.
  const r = outcome.result;
  if (r) {
    const budgets = r.budgets ? `\n${budgetsText(r.budgets)}` : '';
    const text = parsed.output === 'json' ? JSON.stringify(r) + '\n'
      : parsed.output === 'summary' ? `${r.scenario} ${seedModeLabel(r)} ${r.items} items, ${r.elapsedMs.toFixed(1)} ms, ${r.verified ? 'verified' : 'NOT VERIFIED'}\n${formatSeedStats(r, '\n')}${budgets}\n`
        : '';
    writeAndExit(text, status ?? (!failed && r.verified ? 0 : 1));
    return;
  }
  process.exit(status ?? 1);
}

/** Child of the extension: protocol messages over the IPC channel. */
function serve(): void {
  // A channel can close between the check and the write (the parent gone, or this process stopped
  // while it went): the write then fails with EPIPE. That is the parent leaving, never a crash.
  let channelLost: () => void = () => process.exit(0);
  const send = (msg: FromRunner) => {
    if (!process.connected) return;
    try {
      process.send?.(msg, undefined, undefined, (err) => {
        if (err) channelLost();
      });
    } catch {
      channelLost();
    }
  };
  let lib: MemMapLibrary;
  try {
    lib = loadLibrary(__dirname);
  } catch (err) {
    send({ type: 'error', code: 'internal', message: (err as Error).message });
    setTimeout(() => process.exit(1), 50);
    return;
  }
  const engine = new RunHost(new ScenarioEngine(lib, send, engineOptions()), send, {
    runnerScript: __filename,
    removeStale: (dir) => removeStaleFiles(dir, (f) => lib.removeIfStale(f)),
  });
  send(hello(lib));

  // No orphans: leave as soon as the parent is gone (IPC closed or re-parented).
  const parent = process.ppid;
  let leaving = false;
  const leave = () => {
    if (leaving) return;
    leaving = true;
    engine.close();
    const deadline = setTimeout(() => {
      engine.removeFileNow();
      process.exit(0);
    }, 1500);
    deadline.unref();
    const check = setInterval(() => {
      if (!engine.busy) process.exit(0);
    }, 20);
    check.unref();
  };
  channelLost = leave;
  process.on('disconnect', leave);
  process.on('SIGTERM', leave);
  process.on('SIGINT', leave);
  process.on('SIGHUP', leave);
  setInterval(() => {
    if (process.ppid !== parent) leave();
  }, 500).unref();

  process.on('message', (raw: unknown) => {
    const m = parseToRunner(raw);
    if (!m.ok) {
      send({ type: 'error', code: 'protocol', message: `message rejected: ${m.reason}` });
      return;
    }
    const msg = m.value;
    switch (msg.type) {
      case 'start':
        void start(msg);
        break;
      case 'pause': engine.pause(); break;
      case 'resume': engine.resume(); break;
      case 'step': engine.step({ count: msg.count, until: msg.until }); break;
      case 'cancel': engine.cancel(); break;
    }
  });

  async function start(msg: ReceivedStart): Promise<void> {
    // Checked synchronously, before anything else: a run that exists or is
    // still being cleaned up refuses the start (engine.start checks again).
    if (engine.busy) {
      send({ type: 'error', code: 'state', message: BUSY_MESSAGE });
      return;
    }
    let p: RunParameters;
    try {
      p = checkParameters(msg.parameters, lib);
    } catch (err) {
      send({ type: 'error', code: 'invalid', message: (err as Error).message });
      return;
    }
    const budgets = parseBudgetRequest(msg.budgets);
    if (!budgets.ok) {
      send({ type: 'error', code: 'invalid', message: budgets.reason });
      return;
    }
    try {
      if (budgets.value) checkBudgetsHere(budgets.value);
    } catch (err) {
      send({ type: 'error', code: 'invalid', message: (err as Error).message });
      return;
    }
    if (msg.memoryEnforcement !== undefined && typeof msg.memoryEnforcement !== 'string') {
      send({ type: 'error', code: 'invalid', message: 'start.memoryEnforcement must be text' });
      return;
    }
    if (p.diskDir) removeStaleFiles(p.diskDir, (f) => lib.removeIfStale(f));
    await engine.start(p, { paused: msg.paused, events: msg.events, allEvents: msg.allEvents, budgets: budgets.value, memoryEnforcement: msg.memoryEnforcement });
  }
}

async function main(): Promise<void> {
  const [command, ...rest] = process.argv.slice(2);
  switch (command) {
    case 'run':
      return cliRun(rest);
    case 'serve':
      return serve();
    case 'info':
      process.stdout.write(JSON.stringify(hello(loadLibrary(__dirname))) + '\n');
      return;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(`${USAGE}\n  memmap-lab info    library version, page size and granularity as JSON\n`);
      if (command === undefined) process.exitCode = 2;
      return;
    default:
      fatal(`unknown command ${JSON.stringify(command.slice(0, 60))}; allowed: run, info, help`, 2);
  }
}

main().catch((err: unknown) => fatal(err instanceof Error ? err.message : String(err), 1));
