// A memory cgroup for one run's runner process (issue 15: memory budgets).
// Linux only: a child of this process's own memory cgroup, v1
// (memory.limit_in_bytes) or v2 (memory.max), made where this process may
// (root, or a delegated subtree). Anything else says why not, in words that
// follow "memory budget not enforced here: ".

import { existsSync, mkdirSync, readdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface MemoryCgroup {
  /** "cgroup v1" or "cgroup v2". */
  kind: string;
  dir: string;
  /** memory.limit_in_bytes or memory.max. */
  limitFile: string;
  /** Moves a process in. */
  add(pid: number): void;
  /** Sets the limit in bytes. */
  setLimit(bytes: number): void;
  /** Bytes charged to the cgroup now. */
  usage(): number;
  /** The most it was charged so far (undefined where the kernel does not say). */
  peak(): number | undefined;
  /** Processes the OOM killer killed in it so far. */
  oomKills(): number;
  /** Removes it (once its processes are gone); true when removed. */
  remove(): Promise<boolean>;
}

/** Where the cgroup file systems are mounted (Linux /proc/mounts), and this process's place in them. */
export interface CgroupSystem {
  mounts: string;
  selfCgroup: string;
}

function readSystem(): CgroupSystem | undefined {
  try {
    return { mounts: readFileSync('/proc/mounts', 'utf8'), selfCgroup: readFileSync('/proc/self/cgroup', 'utf8') };
  } catch {
    return undefined;
  }
}

/** The parent directories a memory cgroup could be made in, best first, with the kind and limit file. */
export function candidateParents(sys: CgroupSystem): { parent: string; kind: string; limitFile: string }[] {
  const out: { parent: string; kind: string; limitFile: string }[] = [];
  const lines = sys.selfCgroup.trim().split('\n').map((l) => {
    const i = l.indexOf(':');
    const j = l.indexOf(':', i + 1);
    return { id: l.slice(0, i), controllers: l.slice(i + 1, j), path: l.slice(j + 1) };
  });
  const mounts = sys.mounts.trim().split('\n').map((l) => l.split(' '));
  const v1 = lines.find((l) => l.controllers.split(',').includes('memory'));
  const v1mount = mounts.find((m) => m[2] === 'cgroup' && (m[3] ?? '').split(',').includes('memory'));
  if (v1 && v1mount) out.push({ parent: path.join(v1mount[1], v1.path), kind: 'cgroup v1', limitFile: 'memory.limit_in_bytes' });
  const v2 = lines.find((l) => l.id === '0' && l.controllers === '');
  const v2mount = mounts.find((m) => m[2] === 'cgroup2');
  if (v2 && v2mount) out.push({ parent: path.join(v2mount[1], v2.path), kind: 'cgroup v2', limitFile: 'memory.max' });
  return out;
}

function readNumber(file: string, key?: string): number {
  const text = readFileSync(file, 'utf8');
  if (key === undefined) return Number(text.trim());
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : 0;
}

let counter = 0;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // there, but not ours
  }
}

/**
 * Removes the memory cgroups that runners killed before their clean-up left in
 * `parent` (SIGKILL of the CLI): `memmap-lab-<pid>-<n>` whose runner pid is
 * not alive and that hold no process. Others (a live runner's, a busy one) stay.
 * Returns the directories removed.
 */
export function removeStaleCgroups(parent: string): string[] {
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(parent);
  } catch {
    return removed;
  }
  for (const name of names) {
    const m = /^memmap-lab-(\d+)-\d+$/.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || pidAlive(pid)) continue;
    const dir = path.join(parent, name);
    try {
      if (readFileSync(path.join(dir, 'cgroup.procs'), 'utf8').trim() !== '') continue;
      rmdirSync(dir);
      removed.push(dir);
    } catch {
      // Not a cgroup, gone meanwhile, or not ours to remove: left as it is.
    }
  }
  return removed;
}

/** Makes a memory cgroup for a run, or says why none can be made here. */
export function makeMemoryCgroup(sys: CgroupSystem | undefined = readSystem()): MemoryCgroup | { reason: string } {
  if (process.platform !== 'linux') {
    return { reason: `memory cgroups need Linux (this is ${process.platform}); the library still stops the baseline at its own count` };
  }
  if (!sys) return { reason: 'cannot read /proc/mounts and /proc/self/cgroup' };
  const candidates = candidateParents(sys);
  if (candidates.length === 0) return { reason: 'no memory cgroup controller is mounted (neither cgroup v1 "memory" nor cgroup v2)' };
  const tries: string[] = [];
  for (const c of candidates) {
    if (!existsSync(c.parent)) {
      tries.push(`${c.kind}: ${c.parent} does not exist`);
      continue;
    }
    if (c.kind === 'cgroup v2') {
      let controllers = '';
      try {
        controllers = readFileSync(path.join(c.parent, 'cgroup.controllers'), 'utf8');
      } catch { /* none */ }
      if (!controllers.split(/\s+/).includes('memory')) {
        tries.push(`cgroup v2: the memory controller is not delegated to ${c.parent}`);
        continue;
      }
      try {
        const sub = readFileSync(path.join(c.parent, 'cgroup.subtree_control'), 'utf8');
        if (!sub.split(/\s+/).includes('memory')) writeFileSync(path.join(c.parent, 'cgroup.subtree_control'), '+memory');
      } catch (err) {
        tries.push(`cgroup v2: cannot enable memory for children of ${c.parent} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
        continue;
      }
    }
    removeStaleCgroups(c.parent);
    const dir = path.join(c.parent, `memmap-lab-${process.pid}-${counter++}`);
    try {
      mkdirSync(dir);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      tries.push(`${c.kind}: cannot make ${dir} (${code === 'EACCES' || code === 'EPERM' || code === 'EROFS' ? `${code}: it needs root or a delegated subtree` : code ?? (err as Error).message})`);
      continue;
    }
    const isV1 = c.kind === 'cgroup v1';
    return {
      kind: c.kind,
      dir,
      limitFile: c.limitFile,
      add: (pid) => writeFileSync(path.join(dir, 'cgroup.procs'), String(pid)),
      setLimit: (bytes) => writeFileSync(path.join(dir, c.limitFile), String(bytes)),
      usage: () => readNumber(path.join(dir, isV1 ? 'memory.usage_in_bytes' : 'memory.current')),
      peak: () => {
        try {
          return readNumber(path.join(dir, isV1 ? 'memory.max_usage_in_bytes' : 'memory.peak'));
        } catch {
          return undefined;
        }
      },
      oomKills: () => {
        try {
          return isV1 ? readNumber(path.join(dir, 'memory.oom_control'), 'oom_kill') : readNumber(path.join(dir, 'memory.events'), 'oom_kill');
        } catch {
          return 0;
        }
      },
      remove: async () => {
        for (let i = 0; i < 50; i++) {
          try {
            rmdirSync(dir);
            return true;
          } catch (err) {
            if ((err as NodeJS.ErrnoException).code === 'ENOENT') return true;
            await new Promise((r) => setTimeout(r, 40));
          }
        }
        return false;
      },
    };
  }
  return { reason: `no memory cgroup could be made (${tries.join('; ')}; systemd-run --user --scope is not tried)` };
}
