// A finished run's record for the history's export tests (unit and process).
import { DEFAULT_PARAMETERS } from '../../../common/parameters';
import type { RunRecord, RunResult } from '../../../common/protocol';

/** A finished 1,000-item run: started 2026-11-29 03:00:00 UTC, ended 2.5 s later, 1234 ms in the library, verified. */
export function historyRecord(id: string, process: RunResult['process']): RunRecord {
  const stats = { allocs: 1000, deletions: 0, recycledAllocs: 0, bytesAllocated: 2_004_000, bytesFreed: 0, fileMaps: 6, mapViews: 40, compactions: 0, freeListBytes: 0, fileSize: 2_097_152 };
  return {
    id, label: 'grow pagefile', startedAt: Date.UTC(2026, 10, 29, 3, 0, 0), endedAt: Date.UTC(2026, 10, 29, 3, 0, 2, 500),
    parameters: { ...DEFAULT_PARAMETERS, items: 1000 }, samples: [],
    result: {
      scenario: 'grow', mode: 'pagefile', offsetBits: 32, items: 1000, viewSize: 131072, initialFileSize: 65536, granularity: 65536,
      growth: 'seed', view: 'sliding', prefault: false, verified: true, elapsedMs: 1234, stats, process,
    },
  };
}
