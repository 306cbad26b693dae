// The recording format (common/recording.ts): round trip, a cut tail, versions, and the bounds.
// Expected values are written out by hand from the rules in docs/RECORDINGS.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { gzipSync } from 'node:zlib';
import {
  encodeRecording, parseRecording, readRecording, recordingFromRunRecord, RecordingEncoder, runRecordFromRecording,
  type RecordingStart,
} from '../../../common/recording';
import { DEFAULT_PARAMETERS } from '../../../common/parameters';
import type { Counters, EventKind, MemMapEvent, ProcessFigures, RunRecord, RunResult, SampleMessage } from '../../../common/protocol';

const START: RecordingStart = {
  id: 'run-1', label: 'grow 10', startedAt: Date.UTC(2026, 10, 29, 6, 0, 0), producer: 'test',
  parameters: { ...DEFAULT_PARAMETERS, scenario: 'grow', items: 10 },
  host: { platform: 'linux', arch: 'x64', pageSize: 4096, granularity: 65536, libraryVersion: '1.2.3' },
};

const ZERO_COUNTERS: Counters = {
  allocs: 0, deletions: 0, recycledAllocs: 0, bytesAllocated: 0, bytesFreed: 0, fileMaps: 1, mapViews: 1, compactions: 0,
  freeListBytes: 0, fileSize: 65536, viewSize: 131072, initialFileSize: 65536, offsetFreeMem: 0, unmapViews: 0, bytesCopied: 0,
  viewOffset: 0, viewLength: 131072,
};
const PROCESS: ProcessFigures = {
  rssBytes: 1000, peakRssBytes: 1000, virtualBytes: 5000, minorFaults: 3, majorFaults: 0, diskBytes: 0,
  processTotals: { minorFaults: 30, majorFaults: 0, peakRssBytes: 2000 },
};

function sample(n: number): SampleMessage {
  return {
    type: 'sample', elapsedMs: n * 100, ops: n, opsTotal: 100, items: n, itemsTotal: 100, phase: 'alloc',
    counters: { ...ZERO_COUNTERS, allocs: n }, process: PROCESS,
  };
}

function event(seq: number, kind: EventKind = 'alloc'): MemMapEvent {
  return { seq, kind, op: seq, offset: seq * 8, size: 8, address: `0x${(0x1000 + seq).toString(16)}`, oldSize: 0, newSize: 0, bytesCopied: 0, strategy: 'seed' };
}

const RESULT: RunResult = {
  scenario: 'grow', mode: 'pagefile', offsetBits: 32, items: 10, viewSize: 131072, initialFileSize: 65536, granularity: 65536,
  growth: 'seed', view: 'sliding', prefault: false, verified: true, elapsedMs: 12.5,
  stats: { allocs: 10, deletions: 0, recycledAllocs: 0, bytesAllocated: 80, bytesFreed: 0, fileMaps: 1, mapViews: 1, compactions: 0, freeListBytes: 0, fileSize: 65536 },
  process: { peakRssBytes: 1000, virtualBytes: 5000, minorFaults: 3, majorFaults: 0, processTotals: { minorFaults: 30, majorFaults: 0, peakRssBytes: 2000 } },
};

function parsed(text: string | Uint8Array) {
  const r = parseRecording(text);
  if (!r.ok) assert.fail(r.error);
  return r.recording;
}

test('round trip: header, samples, events and the end read back as written', () => {
  const text = encodeRecording(START, [sample(1), sample(2)], [event(1), event(2, 'mapView')], {
    endedAt: START.startedAt + 20, result: RESULT, insight: { hint: 'grow by doubling' },
  });
  const lines = text.split('\n');
  assert.equal(lines.length, 6, 'header, 2 samples, 1 events record, end, and the empty text after the last newline');
  assert.ok(lines[0].startsWith('{"format":"memmaprun","version":"1.0","type":"header"'), lines[0]);
  const rec = parsed(text);
  assert.equal(rec.header.id, 'run-1');
  assert.equal(rec.header.pageSize, 4096);
  assert.equal(rec.header.libraryVersion, '1.2.3');
  assert.deepEqual(rec.header.parameters, START.parameters);
  assert.deepEqual(rec.samples, [sample(1), sample(2)]);
  assert.deepEqual(rec.events, [event(1), event(2, 'mapView')]);
  assert.equal(rec.complete, true);
  assert.equal(rec.truncated, false);
  assert.deepEqual(rec.end?.result, RESULT);
  assert.deepEqual(rec.end?.insight, { hint: 'grow by doubling' });
  assert.equal(rec.end?.outcome, 'done');
  assert.deepEqual(rec.eventTotals, { seen: 2, kept: 2, dropped: 0, perKind: { alloc: { seen: 1, kept: 1 }, mapView: { seen: 1, kept: 1 } } });
  assert.deepEqual(rec.sampled, { samples: false, events: false });
  assert.deepEqual(rec.notes, []);
  // Bytes read the same as text.
  assert.deepEqual(parsed(new TextEncoder().encode(text)), rec);
});

test('an error end keeps its code and message and the counters reached', () => {
  const rec = parsed(encodeRecording(START, [sample(1)], [], { endedAt: START.startedAt + 5, error: { code: 'nomem', message: 'budget hit' }, result: RESULT }));
  assert.equal(rec.end?.outcome, 'error');
  assert.deepEqual(rec.end?.error, { code: 'nomem', message: 'budget hit' });
  const run = runRecordFromRecording(rec);
  assert.deepEqual(run.error, { code: 'nomem', message: 'budget hit' });
  assert.equal(run.endedAt, START.startedAt + 5);
});

test('a cut last line is left out: every complete record before it is read', () => {
  const lines: string[] = [];
  const enc = new RecordingEncoder(START, (l) => lines.push(l));
  enc.sample(sample(1));
  enc.events({ type: 'event', events: [event(1), event(2)], dropped: 3 });
  enc.sample(sample(2));
  enc.sample(sample(3));
  const whole = lines.join('');
  // Cut the last sample in the middle, as a SIGKILL during its write would.
  const cut = whole.slice(0, whole.length - 40);
  const rec = parsed(cut);
  assert.equal(rec.truncated, true);
  assert.equal(rec.complete, false);
  assert.deepEqual(rec.samples.map((s) => s.ops), [1, 2]);
  assert.equal(rec.events.length, 2);
  assert.deepEqual(rec.eventTotals, { seen: 2, kept: 2, dropped: 3, perKind: { alloc: { seen: 2, kept: 2 } } });
  assert.match(rec.notes.join('\n'), /last line was cut/);
  // Cut right after a newline: nothing cut, but no end either.
  const atBoundary = parsed(lines.slice(0, 4).join(''));
  assert.equal(atBoundary.truncated, false);
  assert.equal(atBoundary.complete, false);
  assert.equal(atBoundary.samples.length, 2);
  assert.match(atBoundary.notes.join('\n'), /no end record/);
  // A run without an end reads in the history as one that stopped.
  assert.equal(runRecordFromRecording(rec).error?.code, 'crashed');
  // Bytes cut inside a multi-byte character of the last line read too.
  const bytes = new TextEncoder().encode(`${lines[0]}{"type":"sample","label":"é`);
  const fromBytes = parsed(bytes.subarray(0, bytes.length - 1));
  assert.equal(fromBytes.truncated, true);
});

test('a damaged line before the end is an error naming the line, not a silent cut', () => {
  const text = encodeRecording(START, [sample(1), sample(2)], []);
  const lines = text.split('\n');
  lines[1] = lines[1].slice(0, 20);
  const r = parseRecording(lines.join('\n'));
  assert.deepEqual(r, { ok: false, error: 'line 2 is not JSON: the recording is damaged' });
});

test('a newer major version is refused with a clear message; a newer minor is read', () => {
  const text = encodeRecording(START, [sample(1)], []);
  const v2 = text.replace('"version":"1.0"', '"version":"2.0"');
  assert.deepEqual(parseRecording(v2), {
    ok: false,
    error: 'this recording is format version 2.0, newer than this MemMap Lab reads (1.x); update MemMap Lab to open it',
  });
  const v13 = text.replace('"version":"1.0"', '"version":"1.3"') + '{"type":"bookmark","at":5}\n';
  const rec = parsed(v13);
  assert.equal(rec.samples.length, 1);
  assert.match(rec.notes.join('\n'), /1\.3 is newer than this reader's 1\.0/);
  assert.match(rec.notes.join('\n'), /1 record of a kind this reader does not know was left out/);
});

test('an older version reads: version 0, a run of the panel\'s old history', () => {
  const old: RunRecord = {
    id: 'h-7', label: 'MemMapGrow', startedAt: Date.UTC(2026, 0, 2), endedAt: Date.UTC(2026, 0, 2) + 900,
    parameters: { ...DEFAULT_PARAMETERS }, result: RESULT, samples: [sample(1), sample(2), sample(3)],
  };
  const rec = parsed(JSON.stringify(old));
  assert.equal(rec.header.version, '0');
  assert.equal(rec.header.label, 'MemMapGrow');
  assert.equal(rec.header.pageSize, undefined, 'version 0 kept no host figures');
  assert.equal(rec.samples.length, 3);
  assert.deepEqual(rec.end?.result, RESULT);
  assert.equal(rec.complete, true);
  assert.match(rec.notes.join('\n'), /format version 0/);
  // And back: the history entry is the same run.
  assert.deepEqual(runRecordFromRecording(recordingFromRunRecord(old)), old);
});

test('not a recording: one clear message each', () => {
  assert.deepEqual(parseRecording(''), { ok: false, error: 'the recording is empty: a .memmaprun file begins with its header line' });
  assert.match((parseRecording('hello\n') as { error: string }).error, /does not begin with a JSON header line/);
  assert.match((parseRecording('{"format":"cpuprofile"}\n') as { error: string }).error, /format is "cpuprofile", not "memmaprun"/);
  assert.match((parseRecording(new Uint8Array([0xff, 0xfe, 0x00, 0x0a])) as { error: string }).error, /not UTF-8 text/);
  assert.match((parseRecording(gzipSync('x')) as { error: string }).error, /gzip-compressed; read it with readRecording/);
  const noPage = encodeRecording(START, [], []).replace('"pageSize":4096,', '');
  assert.equal((parseRecording(noPage) as { error: string }).error, 'the header is malformed: header.pageSize is not a whole number');
  const badStrategy = encodeRecording(START, [], [event(1)]).replace('"seed"]]', '"turbo"]]');
  assert.equal((parseRecording(badStrategy) as { error: string }).error,
    'line 2: event row 1 does not match the columns seq, kind, op, offset, size, address, oldSize, newSize, bytesCopied, strategy');
  const badScenario = encodeRecording(START, [], []).replace('"scenario":"grow"', '"scenario":"fly"');
  assert.equal((parseRecording(badScenario) as { error: string }).error,
    'the header is malformed: header.parameters.scenario is not one of baseline, grow, deletions, random');
  const badSample = encodeRecording(START, [sample(1)], []).replace('"ops":1,', '"ops":-1,');
  assert.match((parseRecording(badSample) as { error: string }).error, /^line 2: sample lacks .*ops/);
});

test('samples: all up to the bound, then 1 in 2, 1 in 4, ...; the last one always, marked', () => {
  const lines: string[] = [];
  const enc = new RecordingEncoder({ ...START, bounds: { samplesFull: 3, samplesTier: 2 } }, (l) => lines.push(l));
  for (let n = 1; n <= 12; n++) enc.sample(sample(n));
  enc.end({ endedAt: START.startedAt + 1, result: RESULT });
  const rec = parsed(lines.join(''));
  // 1, 2, 3 kept; then every 2nd for 2 kept (5, 7); then every 4th (11); 12 is the last, kept at the end.
  assert.deepEqual(rec.samples.map((s) => s.ops), [1, 2, 3, 5, 7, 11, 12]);
  assert.equal(rec.samplesSeen, 12);
  assert.deepEqual(rec.end?.samples, { seen: 12, kept: 7 });
  assert.equal(rec.sampled.samples, true);
  assert.match(lines[4], /"every":2/);
  assert.match(lines[5], /"every":2/);
  assert.match(lines[6], /"every":4/);
  assert.match(lines[7], /"every":4/);
  assert.doesNotMatch(lines[3], /"every"/);
});

test('events: each kind all up to the bound, then sampled, and the records say so', () => {
  const lines: string[] = [];
  const enc = new RecordingEncoder({ ...START, bounds: { eventsFull: 2, eventsTier: 1 } }, (l) => lines.push(l));
  const batch: MemMapEvent[] = [];
  for (let s = 1; s <= 9; s++) batch.push(event(s, 'alloc'));
  batch.push(event(10, 'grow'), event(11, 'grow'));
  enc.events({ type: 'event', events: batch, dropped: 0 });
  enc.end({ endedAt: START.startedAt + 1, result: RESULT });
  const rec = parsed(lines.join(''));
  // alloc: 1, 2 kept; every 2nd for 1 kept (4); every 4th for 1 (8); 9 not. grow: 10, 11 (within its own bound).
  assert.deepEqual(rec.events.map((e) => e.seq), [1, 2, 4, 8, 10, 11]);
  assert.deepEqual(rec.eventTotals, { seen: 11, kept: 6, dropped: 0, perKind: { alloc: { seen: 9, kept: 4 }, grow: { seen: 2, kept: 2 } } });
  assert.equal(rec.sampled.events, true);
  // The record names the largest stride an event of the batch was kept at: 8 was kept as 1 in 4.
  assert.match(lines[1], /"every":\{"alloc":4\}/);
});

test('a gzip-compressed recording reads with readRecording, also when cut', async () => {
  const text = encodeRecording(START, [sample(1), sample(2), sample(3)], [event(1)], { endedAt: START.startedAt + 3, result: RESULT });
  const gz = gzipSync(text);
  const r = await readRecording(gz);
  assert.ok(r.ok);
  assert.deepEqual(r.recording, parsed(text));
  const cutR = await readRecording(gz.subarray(0, gz.length - 12));
  assert.ok(cutR.ok, 'a cut gzip keeps what decompressed');
  assert.equal(cutR.recording.complete, false);
  assert.match(cutR.recording.notes.join('\n'), /compressed file was cut/);
  const plain = await readRecording(new TextEncoder().encode(text));
  assert.ok(plain.ok);
});

test('a gzip bomb stops at the bound with one message; a damaged gzip says so, not "empty"', async () => {
  const text = encodeRecording(START, [sample(1)], [], { endedAt: START.startedAt + 1, result: RESULT });
  // 3 MiB of spaces after a valid recording compress to a few KiB; with a 1 MiB bound the reader stops early.
  const bomb = gzipSync(Buffer.concat([Buffer.from(text), Buffer.alloc(3 * 1048576, 0x20)]));
  assert.ok(bomb.length < 64 * 1024);
  const r = await readRecording(bomb, 1048576);
  assert.equal(r.ok, false);
  assert.match((r as { error: string }).error, /^the recording is too large \(\d+ MiB or more; at most 1 MiB is read\)$/);
  // Under the bound the same bytes read (the spaces are blank lines after the end record).
  const fits = await readRecording(gzipSync(Buffer.concat([Buffer.from(text), Buffer.alloc(1000, 0x20)])), 1048576);
  assert.notEqual((fits as { error?: string }).error ?? '', 'the recording is too large');
  // Ten bytes of a gzip header decompress to nothing: damaged, not an empty recording.
  const damaged = await readRecording(gzipSync(text).subarray(0, 10));
  assert.equal(damaged.ok, false);
  assert.match((damaged as { error: string }).error, /compressed recording is damaged or cut before anything decompressed/);
});

test('bounds must be whole numbers from 1', () => {
  assert.throws(() => new RecordingEncoder({ ...START, bounds: { eventsFull: 0 } }, () => undefined), /eventsFull must be a whole number from 1, not 0/);
});

test('totals that contradict each other are refused, naming the line (the attack: seen 0 with rows, seen going down, kept > seen, 2^60)', () => {
  const text = encodeRecording(START, [sample(1)], [event(1), event(2), event(3, 'mapView')], { endedAt: START.startedAt + 20, result: RESULT });
  const lines = text.split('\n');
  const eventsLine = lines.findIndex((l) => l.includes('"type":"events"'));
  const endLine = lines.findIndex((l) => l.includes('"type":"end"'));
  const edit = (at: number, change: (rec: Record<string, any>) => void): string => {
    const copy = [...lines];
    const rec = JSON.parse(copy[at]);
    change(rec);
    copy[at] = JSON.stringify(rec);
    return copy.join('\n');
  };
  const reason = (t: string): string => {
    const r = parseRecording(t);
    return r.ok ? 'read' : r.error;
  };
  assert.equal(reason(text), 'read', 'the unedited recording reads');
  assert.match(reason(edit(eventsLine, (r) => { r.seen = 0; })), new RegExp(`^line ${eventsLine + 1}: events seen 0 is fewer than the 3 kept so far`));
  // A second events record whose seen goes down.
  const twice = [...lines];
  const second = JSON.parse(lines[eventsLine]);
  second.seen = 2;
  second.rows = [];
  twice.splice(eventsLine + 1, 0, JSON.stringify(second));
  assert.match(reason(twice.join('\n')), new RegExp(`^line ${eventsLine + 2}: events seen 2 is fewer than the 3 seen before`));
  assert.match(reason(edit(endLine, (r) => { r.events.kept = 99999; })), /the end record's events: kept 99999 is more than seen 3/);
  assert.match(reason(edit(endLine, (r) => { r.samples.kept = 5; r.samples.seen = 1; })), /the end record's samples: kept 5 is more than seen 1/);
  assert.match(reason(edit(endLine, (r) => { r.events.perKind.alloc = { seen: 1, kept: 2 }; })), /events\.perKind\.alloc: kept 2 is more than seen 1/);
  assert.match(reason(edit(endLine, (r) => { r.events.seen = 2 ** 60; })), /the end record needs samples \{seen, kept\}/);
});
