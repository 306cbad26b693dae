// The panel's recordings (issue 17): every run the extension starts is
// recorded into the extension's storage as a .memmaprun file, bounded (the
// newest `maxCount` recordings within `maxBytes`, the oldest pruned).
//
// While a run goes, its file is rewritten with the records so far (plain
// NDJSON) at most every `flushMs`: a window that closes or an extension host
// that dies keeps a readable recording up to that point. When the run ends the
// file is written once more, whole and gzip-compressed (6-7 times smaller,
// docs/RECORDINGS.md). Free of the vscode module: files are reached through
// `StoreFs`, which the extension implements with vscode.workspace.fs and URIs.

import {
  RecordingEncoder, readRecording, RECORDING_EXTENSION, runRecordFromRecording, type Recording, type RecordingFinish, type RecordingStart,
} from '../../common/recording';
import type { EventMessage, RunRecord, SampleMessage } from '../../common/protocol';

/** File access over the store's own locations (URIs in the extension; never local paths). */
export interface StoreFs<L> {
  join(dir: L, name: string): L;
  /** The files in `dir` (no error when it does not exist: an empty list). */
  list(dir: L): Promise<{ name: string; size: number }[]>;
  mkdir(dir: L): Promise<void>;
  read(file: L): Promise<Uint8Array>;
  write(file: L, bytes: Uint8Array): Promise<void>;
  remove(file: L): Promise<void>;
  gzip(bytes: Uint8Array): Promise<Uint8Array>;
  gunzip(bytes: Uint8Array): Promise<Uint8Array>;
}

export interface RecordingStoreOptions {
  /** Recordings kept (the newest). Default 100. */
  maxCount?: number;
  /** Bytes all recordings may take together. Default 200 MiB. */
  maxBytes?: number;
  /** How often a run in progress is written out (ms). Default 2000. */
  flushMs?: number;
  log?: (line: string) => void;
}

export const DEFAULT_MAX_RECORDINGS = 100;
export const DEFAULT_MAX_RECORDING_BYTES = 200 * 1024 * 1024;

/** A recording being made: the run controller hands it the run's messages and its end. */
export interface ActiveRecording {
  readonly name: string;
  take(msg: SampleMessage | EventMessage): void;
  /** Writes the end and the final (compressed) file; resolves when it is written. */
  end(finish: RecordingFinish): Promise<void>;
}

const NAME = /^run-(\d{13})-([\w-]{1,64})\.memmaprun$/;

/** The file name of a run's recording: its start time first, so names sort oldest first. */
export function recordingName(startedAt: number, id: string): string {
  return `run-${String(Math.max(0, Math.floor(startedAt))).padStart(13, '0')}-${id}${RECORDING_EXTENSION}`;
}

export class RecordingStore<L> {
  private readonly active = new Set<string>();
  private pending: Promise<unknown> = Promise.resolve();
  private readonly maxCount: number;
  private readonly maxBytes: number;
  private readonly flushMs: number;

  constructor(private readonly fs: StoreFs<L>, readonly dir: L, options: RecordingStoreOptions = {}) {
    this.maxCount = options.maxCount ?? DEFAULT_MAX_RECORDINGS;
    this.maxBytes = options.maxBytes ?? DEFAULT_MAX_RECORDING_BYTES;
    this.flushMs = options.flushMs ?? 2000;
    this.log = options.log ?? (() => undefined);
  }

  private readonly log: (line: string) => void;

  /** Where a run's recording is (or will be). */
  locationOf(startedAt: number, id: string): L {
    return this.fs.join(this.dir, recordingName(startedAt, id));
  }

  /** Resolves when every write started so far has ended (for tests and for a Save right after a run). */
  async idle(): Promise<void> {
    for (;;) {
      const p = this.pending;
      await p;
      if (p === this.pending) return;
    }
  }

  /** One write at a time, in order; a failed write is logged, never thrown at the run. */
  private queue(what: string, job: () => Promise<void>): Promise<void> {
    const next = this.pending.then(job).catch((err: unknown) => this.log(`recording: ${what} failed: ${(err as Error).message}`));
    this.pending = next;
    return next;
  }

  begin(start: RecordingStart): ActiveRecording {
    const name = recordingName(start.startedAt, start.id);
    const file = this.fs.join(this.dir, name);
    const lines: string[] = [];
    const encoder = new RecordingEncoder(start, (line) => lines.push(line));
    this.active.add(name);
    let lastFlush = 0;
    let flushQueued = false;
    let ended = false;
    const text = () => new TextEncoder().encode(lines.join(''));
    const flush = () => {
      if (flushQueued || ended) return;
      flushQueued = true;
      void this.queue(`writing ${name}`, async () => {
        flushQueued = false;
        if (ended) return;
        await this.fs.mkdir(this.dir);
        await this.fs.write(file, text());
      });
    };
    flush(); // the header at once: a run that dies at its start still leaves its recording
    return {
      name,
      take: (msg) => {
        if (ended) return;
        if (msg.type === 'sample') encoder.sample(msg);
        else encoder.events(msg);
        const now = Date.now();
        if (now - lastFlush >= this.flushMs) {
          lastFlush = now;
          flush();
        }
      },
      end: (finish) => {
        if (ended) return this.idle();
        encoder.end(finish);
        ended = true;
        const bytes = text();
        return this.queue(`writing ${name}`, async () => {
          await this.fs.mkdir(this.dir);
          await this.fs.write(file, await this.fs.gzip(bytes));
        }).then(async () => {
          this.active.delete(name);
          await this.prune().catch((err: unknown) => this.log(`recordings: pruning failed: ${(err as Error).message}`));
        });
      },
    };
  }

  /** The recordings, oldest first. */
  async list(): Promise<{ name: string; id: string; startedAt: number; size: number; location: L }[]> {
    const files = await this.fs.list(this.dir);
    return files.flatMap((f) => {
      const m = NAME.exec(f.name);
      return m ? [{ name: f.name, id: m[2], startedAt: Number(m[1]), size: f.size, location: this.fs.join(this.dir, f.name) }] : [];
    }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The stored recording of a run id, or undefined when there is none. */
  async find(id: string): Promise<{ name: string; location: L } | undefined> {
    return (await this.list()).find((r) => r.id === id);
  }

  /** The recording of a run, read (plain or compressed); an error says why it cannot be read. */
  async read(id: string): Promise<Recording | { error: string }> {
    const found = await this.find(id);
    if (!found) return { error: `no recording of run ${id} is kept (the store keeps the newest ${this.maxCount})` };
    const r = await readRecording(await this.fs.read(found.location));
    return r.ok ? r.recording : { error: `${found.name}: ${r.error}` };
  }

  /** The recording's bytes as plain NDJSON (what Save Recording writes). */
  async plainBytes(id: string): Promise<Uint8Array | undefined> {
    const found = await this.find(id);
    if (!found) return undefined;
    const bytes = await this.fs.read(found.location);
    return bytes[0] === 0x1f && bytes[1] === 0x8b ? this.fs.gunzip(bytes) : bytes;
  }

  /** Removes a run's recording (not one being written); queued after the writes started before it. */
  remove(id: string): Promise<void> {
    return this.queue(`removing the recording of ${id}`, async () => {
      const found = await this.find(id);
      if (found && !this.active.has(found.name)) await this.fs.remove(found.location);
    });
  }

  /** Removes the oldest recordings beyond the count or the size bound (never one being written). */
  async prune(): Promise<string[]> {
    const all = await this.list();
    const removed: string[] = [];
    let total = all.reduce((n, r) => n + r.size, 0);
    let count = all.length;
    for (const r of all) {
      if (count <= this.maxCount && total <= this.maxBytes) break;
      if (this.active.has(r.name)) continue;
      await this.fs.remove(r.location);
      removed.push(r.name);
      total -= r.size;
      count--;
    }
    if (removed.length > 0) this.log(`recordings: pruned ${removed.length} (kept the newest ${count}, ${total} bytes)`);
    return removed;
  }
}

/**
 * The history's runs as their recordings tell them (all their samples, their end), where a
 * complete recording is kept; the history entry itself otherwise (an interrupted run, a pruned
 * recording, a run from before recordings). The JSON/CSV exports are made from these.
 */
export async function runsFromRecordings<L>(store: RecordingStore<L>, history: readonly RunRecord[]): Promise<RunRecord[]> {
  await store.idle();
  return Promise.all(history.map(async (r) => {
    const rec = await store.read(r.id).catch(() => undefined);
    if (!rec || 'error' in rec || !rec.complete) return r;
    // The history's label and error wording are the panel's own (a verify failure, a reload).
    return { ...runRecordFromRecording(rec), label: r.label, ...(r.error ? { error: r.error } : {}) };
  }));
}
