#!/usr/bin/env node
// `npm run bench:latency`: how fast the runner reacts, as medians of several
// repetitions. These are targets, not tests: the tests (test/unit/runnerSession,
// cli, native/test) check the behaviour with generous deadlines, because on a
// loaded machine a wall-clock budget is the next flaky failure.
//
// Measured against the real runner (dist/runner.js; npm run build first):
//   pause ack     'pause' sent -> 'pausing'         target < 200 ms
//   pause         'pause' sent -> 'paused'          target < 200 ms (disk mode)
//   resume        'resume' sent -> 'running'        target < 200 ms
//   cancel ack    'cancel' sent -> 'idle'           target < 200 ms
//   cancel clean  'cancel' sent -> 'error' (the disk file removed)
//   SIGINT exit   CLI: SIGINT -> exit 130, file removed   target < 500 ms
//   orphan exit   runner's parent killed -> runner gone   target < 2000 ms
//   sample rate   samples per second while running        target 4..20
// Options: --reps N (default 5), --items N (default 5,000,000).
import { fork, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const runner = path.join(root, 'dist', 'runner.js');
const arg = (name, def) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
};
const REPS = arg('reps', 5);
const ITEMS = arg('items', 5_000_000);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.now();

function serve() {
  const child = fork(runner, ['serve'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const log = [];
  let waiters = [];
  child.on('message', (m) => {
    log.push({ m, at: now() });
    waiters = waiters.filter((w) => !w(m));
  });
  const next = (pred, timeoutMs = 60000) => new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), timeoutMs);
    waiters.push((m) => {
      if (!pred(m)) return false;
      clearTimeout(t);
      resolve({ m, at: now() });
      return true;
    });
  });
  return { child, log, next, send: (m) => child.send(m) };
}

function params(p) {
  return { scenario: 'grow', mode: 'disk', items: ITEMS, viewSize: 131072, initialFileSize: 65536, granularity: 65536,
    offsetBits: 64, growth: 'seed', view: 'sliding', prefault: false, seed: 1, ...p };
}

async function sessionRep(dir) {
  const s = serve();
  await s.next((m) => m.type === 'hello');
  s.send({ type: 'start', parameters: params({ diskDir: dir }) });
  const running = await s.next((m) => m.type === 'state' && m.state === 'running');
  await s.next((m) => m.type === 'sample' && m.counters.fileSize >= 256 << 20);
  const samples = s.log.filter((x) => x.m.type === 'sample' && x.at >= running.at).length;
  const rate = samples / ((now() - running.at) / 1000);
  let t = now();
  const ack = s.next((m) => m.type === 'state' && m.state === 'pausing');
  const paused = s.next((m) => m.type === 'state' && m.state === 'paused');
  s.send({ type: 'pause' });
  const pausedAt = (await paused).at;
  const ackAt = await Promise.race([ack.then((x) => x.at), sleep(0).then(() => pausedAt)]);
  const r = { 'pause ack': ackAt - t, pause: pausedAt - t };
  t = now();
  s.send({ type: 'resume' });
  r.resume = (await s.next((m) => m.type === 'state' && m.state === 'running')).at - t;
  await sleep(300);
  t = now();
  const idle = s.next((m) => m.type === 'state' && m.state === 'idle');
  const err = s.next((m) => m.type === 'error');
  s.send({ type: 'cancel' });
  r['cancel ack'] = (await idle).at - t;
  r['cancel clean'] = (await err).at - t;
  r['sample rate'] = rate;
  s.child.kill();
  return r;
}

async function sigintRep(dir) {
  const child = spawn(process.execPath, [runner, 'run', '--mode', 'disk', '--items', String(ITEMS), '--offset-bits', '64', '--disk-dir', dir, '--ndjson'],
    { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve({ code, at: now() })));
  while (!out.split('\n').some((l) => l.includes('"sample"') && JSON.parse(l).counters.fileSize >= 256 << 20)) await sleep(10);
  const t = now();
  child.kill('SIGINT');
  const { code, at } = await exited;
  if (code !== 130 || readdirSync(dir).length) throw new Error(`SIGINT: exit ${code}, files ${readdirSync(dir)}`);
  return { 'SIGINT exit': at - t };
}

async function orphanRep(dir) {
  const code = `
    const { fork } = require('node:child_process');
    const c = fork(${JSON.stringify(runner)}, ['serve'], { stdio: ['ignore', 'ignore', 'ignore', 'ipc'] });
    c.on('message', (m) => {
      if (m.type === 'hello') c.send({ type: 'start', parameters: ${JSON.stringify(params({ diskDir: dir }))} });
      if (m.type === 'sample' && m.counters.fileSize > 1048576) process.stdout.write(String(c.pid) + '\\n');
    });`;
  const parent = spawn(process.execPath, ['-e', code], { stdio: ['ignore', 'pipe', 'inherit'] });
  const pid = await new Promise((resolve) => parent.stdout.once('data', (d) => resolve(Number(String(d).split('\n')[0]))));
  const t = now();
  parent.kill('SIGKILL');
  const alive = () => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  while (alive() && now() - t < 30000) await sleep(5);
  return { 'orphan exit': now() - t };
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const dir = mkdtempSync(path.join(os.tmpdir(), 'memmap-latency-'));
const all = {};
try {
  for (let i = 0; i < REPS; i++) {
    for (const rep of [sessionRep, sigintRep, orphanRep]) {
      const r = await rep(dir);
      for (const [k, v] of Object.entries(r)) (all[k] ??= []).push(v);
    }
    process.stdout.write(`rep ${i + 1}/${REPS} done\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const TARGET = { 'pause ack': [0, 200], pause: [0, 200], resume: [0, 200], 'cancel ack': [0, 200], 'SIGINT exit': [0, 500], 'orphan exit': [0, 2000], 'sample rate': [4, 20] };
console.log(`\nlatency, median of ${REPS} (items ${ITEMS.toLocaleString('en-US')}, disk mode, ${os.cpus().length} CPUs):`);
for (const [k, xs] of Object.entries(all)) {
  const m = median(xs);
  const unit = k === 'sample rate' ? '/s' : ' ms';
  const t = TARGET[k];
  const verdict = t ? (m >= t[0] && m <= t[1] ? 'within target' : 'OUTSIDE TARGET') : '';
  console.log(`  ${k.padEnd(13)} ${m.toFixed(1).padStart(8)}${unit}  (min ${Math.min(...xs).toFixed(1)}, max ${Math.max(...xs).toFixed(1)})  ${t ? `target ${t[0]}..${t[1]}${unit}: ${verdict}` : ''}`);
}
