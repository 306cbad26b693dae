// schemas/memmaprun.schema.json describes what common/recording.ts writes: every line of a
// recording validates (a decimated one, an error end with insight), and damaged records do not.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateRecord } from './recordSchema';
import { RecordingEncoder } from '../../../common/recording';
import { DEFAULT_PARAMETERS } from '../../../common/parameters';
import type { MemMapEvent, SampleMessage } from '../../../common/protocol';

const sample = (n: number): SampleMessage => ({
  type: 'sample', elapsedMs: n, ops: n, opsTotal: 10, items: n, itemsTotal: 10, phase: 'alloc',
  counters: {
    allocs: n, deletions: 0, recycledAllocs: 0, bytesAllocated: 8 * n, bytesFreed: 0, fileMaps: 1, mapViews: 1, compactions: 0, freeListBytes: 0,
    fileSize: 65536, viewSize: 131072, initialFileSize: 65536, offsetFreeMem: 8 * n, unmapViews: 0, bytesCopied: 0, viewOffset: 0, viewLength: 131072,
  },
  process: { rssBytes: 1, peakRssBytes: 1, virtualBytes: 1, minorFaults: 0, majorFaults: 0, diskBytes: 0, processTotals: { minorFaults: 0, majorFaults: 0, peakRssBytes: 1 } },
});
const event = (seq: number): MemMapEvent => ({ seq, kind: 'alloc', op: seq, offset: 8 * seq, size: 8, address: '0x10', oldSize: 0, newSize: 0, bytesCopied: 0, strategy: 'seed' });

function lines(): unknown[] {
  const out: string[] = [];
  const enc = new RecordingEncoder({
    id: 'a', label: 'b', startedAt: 1, producer: 'test', parameters: { ...DEFAULT_PARAMETERS },
    host: { platform: 'linux', arch: 'x64', pageSize: 4096, granularity: 4096, libraryVersion: '0.1.0' },
    bounds: { samplesFull: 2, samplesTier: 1, eventsFull: 2, eventsTier: 1 }, test: { id: 't', label: 'T' }, budgets: { addressBytes: 1 << 30 },
  }, (l) => out.push(l));
  for (let n = 1; n <= 6; n++) enc.sample(sample(n));
  enc.events({ type: 'event', events: [1, 2, 3, 4, 5].map(event), dropped: 7 });
  enc.end({ endedAt: 2, error: { code: 'cancelled', message: 'stopped' }, insight: { note: 'x' } });
  return out.map((l) => JSON.parse(l));
}

test('every record the encoder writes validates against schemas/memmaprun.schema.json', () => {
  const records = lines();
  assert.equal(records.length, 1 + 4 + 1 + 1, 'header, samples 1 2, 4 (1 in 2) and the last (6), one events record, end');
  for (const r of records) assert.ok(validateRecord(r), `${JSON.stringify(r).slice(0, 80)}: ${JSON.stringify(validateRecord.errors)}`);
});

test('the schema refuses damaged records', () => {
  const [header, s] = lines() as Record<string, unknown>[];
  const bad: unknown[] = [
    { ...header, version: '2.0' },
    { ...header, pageSize: undefined },
    { ...s, phase: 'sleeping' },
    { type: 'events', rows: [[1, 'explode', 0, 0, 0, '0x0', 0, 0, 0, 'seed']], seen: 1, dropped: 0 },
    { type: 'events', rows: [[1, 'alloc', 0]], seen: 1, dropped: 0 },
    { type: 'end', endedAt: 1, outcome: 'maybe', samples: { seen: 0, kept: 0 }, events: { seen: 0, kept: 0, dropped: 0, perKind: {} } },
    { type: 'mystery' },
  ];
  for (const b of bad) assert.equal(validateRecord(JSON.parse(JSON.stringify(b))), false, JSON.stringify(b).slice(0, 100));
});
