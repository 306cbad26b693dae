// One runner child process, seen from the extension host. It never loads
// native code here: a fault in the library ends the child, and the session
// reports it. Free of the vscode module so node's test runner can use it.

import { fork, type ChildProcess } from 'node:child_process';
import { parseFromRunner } from '../../common/messages';
import { Emitter } from '../dispose';
import type { FromRunner, HelloMessage, ToRunner } from '../../common/protocol';

export interface RunnerExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** Last lines the runner wrote to stderr. */
  stderrTail: string;
  /** A sentence for the user. */
  message: string;
  expected: boolean;
}

export interface RunnerSessionOptions {
  runnerPath: string;
  /** The runner must say hello within this time. */
  helloTimeoutMs?: number;
  /** While a run is active, silence longer than this ends the runner. */
  silenceTimeoutMs?: number;
  /** Dropped messages go here (they are logged, never acted upon). */
  log?: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

const STDERR_LINES = 20;

export class RunnerSession {
  private readonly child: ChildProcess;
  private readonly messages = new Emitter<FromRunner>();
  private readonly exits = new Emitter<RunnerExit>();
  readonly onMessage = this.messages.event;
  readonly onExit = this.exits.event;
  readonly hello: Promise<HelloMessage>;
  private stderrLines: string[] = [];
  private exited: RunnerExit | undefined;
  private ending = false;
  private active = false;
  private lastHeard = Date.now();
  private readonly watchdog: NodeJS.Timeout;
  private readonly log: (line: string) => void;

  constructor(options: RunnerSessionOptions) {
    this.log = options.log ?? (() => undefined);
    // fork(): node's own executable, no shell, an IPC channel.
    this.child = fork(options.runnerPath, ['serve'], {
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      env: { ...(options.env ?? process.env), ELECTRON_RUN_AS_NODE: '1' },
      execArgv: [],
      serialization: 'json',
    });
    let partial = '';
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      this.stderrLines.push(...lines.filter((l) => l.trim() !== ''));
      if (this.stderrLines.length > STDERR_LINES) this.stderrLines.splice(0, this.stderrLines.length - STDERR_LINES);
    });
    this.hello = new Promise<HelloMessage>((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`the runner did not start within ${(options.helloTimeoutMs ?? 15000) / 1000} s`));
        this.kill('SIGKILL');
      }, options.helloTimeoutMs ?? 15000);
      const sub = this.onMessage((m) => {
        if (m.type === 'hello') {
          clearTimeout(timer);
          sub.dispose();
          resolve(m);
        } else if (m.type === 'error') {
          clearTimeout(timer);
          sub.dispose();
          reject(new Error(m.message));
        }
      });
      const exitSub = this.onExit((e) => {
        clearTimeout(timer);
        exitSub.dispose();
        reject(new Error(e.message));
      });
    });
    this.hello.catch(() => undefined); // observed by callers that care
    this.child.on('message', (raw: unknown) => {
      this.lastHeard = Date.now();
      const parsed = parseFromRunner(raw);
      if (!parsed.ok) {
        this.log(`runner message dropped: ${parsed.reason}`);
        return;
      }
      const msg = parsed.value;
      if (msg.type === 'state') this.active = msg.state !== 'idle';
      this.messages.fire(msg);
    });
    this.child.on('error', (err) => this.log(`runner process error: ${err.message}`));
    this.child.on('exit', (code, signal) => this.onChildExit(code, signal));
    const silence = options.silenceTimeoutMs ?? 30000;
    this.watchdog = setInterval(() => {
      if (this.active && !this.exited && Date.now() - this.lastHeard > silence) {
        this.log(`runner silent for ${silence / 1000} s: ending it`);
        this.timedOut = true;
        this.kill('SIGKILL');
      }
    }, Math.min(1000, silence / 2));
    this.watchdog.unref();
  }

  private timedOut = false;

  get pid(): number | undefined {
    return this.child.pid;
  }

  get isAlive(): boolean {
    return !this.exited;
  }

  send(msg: ToRunner): boolean {
    if (this.exited || !this.child.connected) return false;
    if (msg.type === 'start') {
      this.active = true;
      this.lastHeard = Date.now();
    }
    this.child.send(msg);
    return true;
  }

  private onChildExit(code: number | null, signal: NodeJS.Signals | null): void {
    clearInterval(this.watchdog);
    const stderrTail = this.stderrLines.join('\n');
    const expected = this.ending && !this.timedOut;
    let message: string;
    if (this.timedOut) message = 'the runner stopped answering and was ended';
    else if (expected) message = 'the runner was stopped';
    else if (signal) message = `the runner process crashed (signal ${signal})`;
    else message = `the runner process exited unexpectedly (exit code ${code})`;
    if (!expected && stderrTail) message += `; its last output:\n${stderrTail}`;
    this.exited = { code, signal, stderrTail, message, expected };
    this.active = false;
    this.exits.fire(this.exited);
  }

  private kill(signal: NodeJS.Signals): void {
    try {
      this.child.kill(signal);
    } catch {
      // Already gone.
    }
  }

  /**
   * Ends the runner: cancel (it removes its files), close the channel, then
   * SIGTERM and SIGKILL if it lingers. Resolves once the process is gone.
   */
  dispose(graceMs = 1500): Promise<void> {
    if (this.exited) return Promise.resolve();
    this.ending = true;
    return new Promise<void>((resolve) => {
      const done = this.onExit(() => {
        done.dispose();
        clearTimeout(term);
        clearTimeout(killer);
        resolve();
      });
      this.send({ type: 'cancel' });
      try {
        this.child.disconnect();
      } catch {
        // Channel already closed.
      }
      const term = setTimeout(() => this.kill('SIGTERM'), graceMs);
      const killer = setTimeout(() => this.kill('SIGKILL'), graceMs * 2);
    });
  }
}
