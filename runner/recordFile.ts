// `memmap-lab run --record FILE`: the run written as a .memmaprun recording
// while it goes (common/recording.ts). One write per record, straight to the
// file: a runner killed with SIGKILL leaves every record written before it.
// A new file is created exclusively (O_EXCL); an existing recording is kept
// until the new one is whole: the run writes `<name>.partial-<pid>.memmaprun`
// beside it and renames it over the old one when it ends, so a failed write
// loses neither, and a killed run leaves the old file and a readable partial.

import { accessSync, closeSync, constants, lstatSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { RecordingEncoder, type RecordingFinish, type RecordingStart } from '../common/recording';
import type { FromRunner } from '../common/protocol';

const ALLOWED = 'allowed: a file path in an existing, writable directory, e.g. run.memmaprun';

/** The absolute path to record to, or a sentence saying what is wrong with it. */
export function checkRecordPath(file: string): string | { error: string } {
  if (file.trim() === '') return { error: `--record needs a file name; ${ALLOWED}` };
  if (file.includes('\0')) return { error: `--record ${JSON.stringify(file.slice(0, 60))} holds a NUL character; ${ALLOWED}` };
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

/** A recording being written to a file. */
export class RecordFile {
  private readonly fd: number;
  /** Where the records go: `file` itself, or a partial file beside it that replaces it at the end. */
  readonly writing: string;
  private readonly encoder: RecordingEncoder;
  private failure: Error | undefined;
  private closed = false;

  /**
   * Creates `file` (or, when it exists, a partial file beside it) and writes the
   * header. Throws when the file cannot be made (the message says why).
   * `onFailure` is called once if a later write fails (a full disk, a file-size limit).
   */
  constructor(readonly file: string, start: RecordingStart, private readonly onFailure: (err: Error) => void) {
    const opened = openExclusive(file) ?? openExclusive(partialName(file), true);
    if (!opened) throw new Error(`${file} exists and its partial file ${partialName(file)} cannot be made`);
    [this.fd, this.writing] = opened;
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

  /** Writes the end record, closes the file and, if it was written beside an old one, replaces that. */
  finish(end: RecordingFinish): void {
    if (this.closed) return;
    if (!this.failure) this.encoder.end(end);
    this.close();
    if (this.failure || this.writing === this.file) return;
    try {
      renameSync(this.writing, this.file);
    } catch (err) {
      this.failure = err as Error;
      this.onFailure(this.failure);
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

  /** Closes and removes what this run wrote (a recording that could not be written whole); an old recording stays. */
  discard(): void {
    this.close();
    try {
      if (lstatSync(this.writing).isFile()) rmSync(this.writing, { force: true });
    } catch {
      // gone already
    }
  }

  get bytesWritten(): number {
    return this.encoder.bytesWritten;
  }
}

/** `run.memmaprun` → `run.partial-<pid>.memmaprun` (still a recording by its extension: a killed run's is readable). */
export function partialName(file: string): string {
  const ext = path.extname(file);
  return `${file.slice(0, file.length - ext.length)}.partial-${process.pid}${ext || '.memmaprun'}`;
}

/** Opens `file` for writing only if this call creates it; undefined when it exists. `replace`: a leftover of this pid is ours. */
function openExclusive(file: string, replace = false): [number, string] | undefined {
  try {
    return [openSync(file, replace ? 'w' : 'wx', 0o644), file];
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
    throw err;
  }
}
