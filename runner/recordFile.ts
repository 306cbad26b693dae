// `memmap-lab run --record FILE`: the run written as a .memmaprun recording
// while it goes (common/recording.ts). One write per record, straight to the
// file: a runner killed with SIGKILL leaves every record written before it.
// A new file is created exclusively (O_EXCL); an existing recording is kept
// until the new one is whole: the run writes `<name>.partial-<pid>-<random>.memmaprun`
// beside it (created exclusively too: never an existing name, link or pipe) and
// renames it over the old one when it ends, so a failed write loses neither, and
// a killed or cancelled run leaves the old file and a readable partial.

import { randomBytes } from 'node:crypto';
import {
  accessSync, closeSync, constants, fchmodSync, fchownSync, fstatSync, lstatSync, openSync, readSync,
  renameSync, rmSync, statSync, writeSync, type Stats,
} from 'node:fs';
import path from 'node:path';
import { RecordingEncoder, type RecordingFinish, type RecordingStart } from '../common/recording';
import type { FromRunner } from '../common/protocol';

const ALLOWED = 'allowed: a file path in an existing, writable directory, e.g. run.memmaprun';

/** The absolute path to record to, or a sentence saying what is wrong with it. */
export function checkRecordPath(file: string): string | { error: string } {
  if (file.trim() === '') return { error: `--record needs a file name; ${ALLOWED}` };
  if (file.includes('\0')) return { error: `--record ${JSON.stringify(file.slice(0, 60))} holds a NUL character; ${ALLOWED}` };
  const last = file.split(/[/\\]/).at(-1) ?? '';
  if (last === '' || last === '.' || last === '..') return { error: `--record ${file} names a directory; ${ALLOWED}` };
  const abs = path.resolve(file);
  const dir = path.dirname(abs);
  let st;
  try {
    st = statSync(dir);
  } catch {
    return { error: `--record ${abs}: the directory ${dir} does not exist; ${ALLOWED}` };
  }
  if (!st.isDirectory()) return { error: `--record ${abs}: ${dir} is not a directory; ${ALLOWED}` };
  try {
    accessSync(dir, constants.W_OK | constants.X_OK);
  } catch {
    return { error: `--record ${abs}: the directory ${dir} is not writable; ${ALLOWED}` };
  }
  let existing;
  try {
    existing = lstatSync(abs);
  } catch {
    return abs; // does not exist yet: made by the run
  }
  if (existing.isDirectory()) return { error: `--record ${abs} is a directory; ${ALLOWED}` };
  // A device, pipe or link is never truncated, nor removed when the recording fails.
  if (!existing.isFile()) return { error: `--record ${abs} exists and is not a regular file; ${ALLOWED} (an existing regular file is replaced)` };
  return abs;
}

/** Errors that say the device (or a quota, or a size limit) is full, not that the path is wrong. */
export function isFullError(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOSPC' || code === 'EDQUOT' || code === 'EFBIG';
}

/**
 * How a recording ended on disk:
 * - `kept`: FILE holds this run's recording (written directly, renamed over the old one, or copied into it);
 * - `cancelled`: a cancelled run over an existing recording: the old one kept, this run's partial beside it;
 * - `replaced`: this run wrote FILE directly and another run replaced it meanwhile: this run's recording is lost;
 * - `partial`: the partial could be neither renamed nor copied over FILE: it is kept beside it (`error` says why).
 */
export type FinishOutcome = { kind: 'kept' | 'cancelled' | 'replaced' } | { kind: 'partial'; error: Error };

/** A recording being written to a file. */
export class RecordFile {
  private readonly fd: number;
  /** Where the records go: `file` itself, or a partial file beside it that replaces it at the end. */
  readonly writing: string;
  /** The file this run made (device and inode): only that is ever removed, and FILE is checked against it. */
  private readonly made: Stats;
  private readonly encoder: RecordingEncoder;
  private failure: Error | undefined;
  private closed = false;

  /**
   * Creates `file` (or, when it exists, a partial file beside it) and writes the
   * header. Throws when the file cannot be made (the message says why).
   * `onFailure` is called once if a later write fails (a full disk, a file-size limit).
   */
  constructor(readonly file: string, start: RecordingStart, private readonly onFailure: (err: Error) => void) {
    const direct = openExclusive(file);
    if (direct !== undefined) {
      this.fd = direct;
      this.writing = file;
    } else {
      [this.fd, this.writing] = openPartial(file);
      try {
        copyOwnership(this.fd, lstatSync(file));
      } catch (err) {
        closeSync(this.fd);
        rmSync(this.writing, { force: true });
        throw err;
      }
    }
    this.made = fstatSync(this.fd);
    try {
      this.encoder = new RecordingEncoder(start, (line) => this.writeLine(line));
    } catch (err) {
      this.discard();
      throw err;
    }
    if (this.failure) {
      const err = this.failure;
      this.discard();
      throw err;
    }
  }

  get failed(): Error | undefined {
    return this.failure;
  }

  /** Whether `this.writing` is a partial file beside an existing recording. */
  get besideOld(): boolean {
    return this.writing !== this.file;
  }

  private writeLine(line: string): void {
    if (this.failure || this.closed) return;
    try {
      const buf = Buffer.from(line, 'utf8');
      let at = 0;
      while (at < buf.length) at += writeSync(this.fd, buf, at, buf.length - at);
    } catch (err) {
      this.failure = err as Error;
      if (this.encoder) this.onFailure(this.failure);
    }
  }

  /** Takes the samples and events of the run's messages; others are not recorded. */
  take(msg: FromRunner): void {
    if (msg.type === 'sample') this.encoder.sample(msg);
    else if (msg.type === 'event') this.encoder.events(msg);
  }

  /** Whether the path this run writes is still the file it made (another run may have replaced it). */
  stillOurs(): boolean {
    return this.ours(this.writing);
  }

  /** Whether `p` is still the file this run made (not removed, not replaced by another run's). */
  private ours(p: string): boolean {
    try {
      const st = lstatSync(p);
      return st.dev === this.made.dev && st.ino === this.made.ino;
    } catch {
      return false;
    }
  }

  /**
   * Writes the end record, closes the file and, if it was written beside an old one, replaces that
   * (`cancelled`: a cancelled run keeps the old recording and leaves its partial beside it).
   * Call only when no write failed (`failed` undefined); a failure of the end record sets `failed`.
   */
  finish(end: RecordingFinish, cancelled: boolean): FinishOutcome {
    if (!this.failure) this.encoder.end(end);
    this.close();
    if (this.failure) return { kind: 'kept' };
    if (!this.besideOld) return this.ours(this.file) ? { kind: 'kept' } : { kind: 'replaced' };
    if (cancelled) return { kind: 'cancelled' };
    try {
      renameSync(this.writing, this.file);
      return { kind: 'kept' };
    } catch (renameErr) {
      // A sticky directory (EPERM), a bind-mounted target (EBUSY), another device (EXDEV):
      // the bytes are copied into the old file in place instead, then the partial removed.
      try {
        copyInto(this.writing, this.file);
      } catch (copyErr) {
        return { kind: 'partial', error: new Error(`${(renameErr as Error).message}; copying it in place: ${(copyErr as Error).message}`) };
      }
      if (this.ours(this.writing)) rmSync(this.writing, { force: true });
      return { kind: 'kept' };
    }
  }

  private close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      closeSync(this.fd);
    } catch {
      // closing a file whose writes failed can fail again: it is removed anyway
    }
  }

  /** Closes and removes what this run wrote, if that path is still this run's file; an old recording, or another run's, stays. */
  discard(): void {
    this.close();
    try {
      if (this.ours(this.writing)) rmSync(this.writing, { force: true });
    } catch {
      // gone already
    }
  }

  get bytesWritten(): number {
    return this.encoder.bytesWritten;
  }
}

/** Opens `file` for writing only if this call creates it (O_EXCL: never a link or pipe); undefined when it exists. */
function openExclusive(file: string, mode = 0o644): number | undefined {
  try {
    return openSync(file, 'wx', mode);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw err;
  }
}

/**
 * A partial file beside `file`, made exclusively under a name no one can plan for:
 * `run.memmaprun` → `run.partial-<pid>-<random>.memmaprun` (still a recording by its
 * extension: a killed run's is readable); a name too long for the file system gets a
 * short one in the same directory, `.partial-<pid>-<random>.memmaprun`.
 */
function openPartial(file: string): [number, string] {
  const ext = path.extname(file);
  const stem = file.slice(0, file.length - ext.length);
  let short = false;
  for (let attempt = 0; attempt < 8; attempt++) {
    const tag = `partial-${process.pid}-${randomBytes(4).toString('hex')}${ext || '.memmaprun'}`;
    const name = short ? path.join(path.dirname(file), `.${tag}`) : `${stem}.${tag}`;
    try {
      const fd = openExclusive(name, 0o600);
      if (fd !== undefined) return [fd, name];
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENAMETOOLONG' && !short) {
        short = true;
        continue;
      }
      throw err;
    }
  }
  throw new Error(`${file} exists and no partial file beside it could be made (every name tried exists)`);
}

/** The replacement gets the old file's mode and, for root, its owner (a 0600 recording stays 0600). */
function copyOwnership(fd: number, old: Stats): void {
  fchmodSync(fd, old.mode & 0o7777);
  if (process.getuid?.() === 0) {
    try {
      fchownSync(fd, old.uid, old.gid);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EPERM') throw err;
    }
  }
}

/** Copies `from`'s bytes into `to` in place (O_WRONLY|O_TRUNC, never through a link). */
function copyInto(from: string, to: string): void {
  const src = openSync(from, 'r');
  try {
    const dst = openSync(to, constants.O_WRONLY | constants.O_TRUNC | (constants.O_NOFOLLOW ?? 0));
    try {
      const buf = Buffer.alloc(1 << 20);
      for (;;) {
        const n = readSync(src, buf, 0, buf.length, null);
        if (n === 0) break;
        let at = 0;
        while (at < n) at += writeSync(dst, buf, at, n - at);
      }
    } finally {
      closeSync(dst);
    }
  } finally {
    closeSync(src);
  }
}
