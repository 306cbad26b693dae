// Helpers of the recording-store tests: an in-memory StoreFs and small records.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { RecordingStart } from '../../../common/recording';
import { DEFAULT_PARAMETERS } from '../../../common/parameters';
import type { SampleMessage } from '../../../common/protocol';
import type { StoreFs } from '../../../extension/recordings/recordingStore';

/** An in-memory StoreFs: locations are "dir/name" strings; every write is logged. */
export function memoryFs(): StoreFs<string> & { files: Map<string, Uint8Array>; writes: string[] } {
  const files = new Map<string, Uint8Array>();
  const writes: string[] = [];
  return {
    files, writes,
    join: (dir, name) => `${dir}/${name}`,
    list: async (dir) => [...files].filter(([k]) => k.startsWith(`${dir}/`)).map(([k, v]) => ({ name: k.slice(dir.length + 1), size: v.length })),
    mkdir: async () => undefined,
    read: async (f) => {
      const b = files.get(f);
      if (!b) throw new Error(`no file ${f}`);
      return b;
    },
    write: async (f, b) => {
      writes.push(f);
      files.set(f, b);
    },
    remove: async (f) => {
      files.delete(f);
    },
    gzip: async (b) => new Uint8Array(gzipSync(b)),
    gunzip: async (b) => new Uint8Array(gunzipSync(b)),
  };
}

export const start = (id: string, startedAt: number): RecordingStart => ({
  id, label: `run ${id}`, startedAt, producer: 'panel', parameters: { ...DEFAULT_PARAMETERS, items: 10 },
  host: { platform: 'linux', arch: 'x64', pageSize: 4096, granularity: 4096, libraryVersion: '0.1.0' },
});

export const sample = (n: number): SampleMessage => ({
  type: 'sample', elapsedMs: n, ops: n, opsTotal: 10, items: n, itemsTotal: 10, phase: 'alloc',
  counters: {
    allocs: n, deletions: 0, recycledAllocs: 0, bytesAllocated: n, bytesFreed: 0, fileMaps: 1, mapViews: 1, compactions: 0, freeListBytes: 0,
    fileSize: 65536, viewSize: 131072, initialFileSize: 65536, offsetFreeMem: n, unmapViews: 0, bytesCopied: 0, viewOffset: 0, viewLength: 131072,
  },
  process: { rssBytes: 1, peakRssBytes: 1, virtualBytes: 1, minorFaults: 0, majorFaults: 0, diskBytes: 0, processTotals: { minorFaults: 0, majorFaults: 0, peakRssBytes: 1 } },
});

