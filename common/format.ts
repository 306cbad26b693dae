// Text forms of results shared by the CLI, the log channel and the tests.

import type { RunResult } from './protocol';

/** The seed's stats::GetStats() line, same fields and spacing (CRLF as the seed). */
export function formatSeedStats(r: RunResult, eol = '\r\n'): string {
  const s = r.stats;
  return `#Allocs =${s.allocs} #del = ${s.deletions} #recycle=${s.recycledAllocs} TotAlloc= ${s.bytesAllocated}  TotDel = ${s.bytesFreed} nFileMaps=${s.fileMaps}${eol}` +
    `   nMapViews = ${s.mapViews}  nCompcts = ${s.compactions}, nFreeListsize = ${s.freeListBytes}, ulMemSize = ${s.fileSize}, ViewSize = ${r.viewSize}, InitSize = ${r.initialFileSize}`;
}

/** The seed's description: "WithPageFile " / "WithFileOnDisk " etc. */
export function seedModeLabel(r: Pick<RunResult, 'scenario' | 'mode'>): string {
  const disk = r.mode === 'disk';
  switch (r.scenario) {
    case 'deletions': return disk ? 'WithDeletionFileOnDisk' : 'WithDeletionPageFile';
    case 'random': return disk ? 'RandWithFileOnDisk' : 'RandWithPageFile';
    case 'baseline': return 'NoMemMap';
    default: return disk ? 'WithFileOnDisk' : 'WithPageFile';
  }
}

/** One binary unit family, B, KiB, MiB, GiB, TiB: the unit for a value is the largest not above it. */
export const BINARY_UNITS = [['B', 1], ['KiB', 1024], ['MiB', 1024 ** 2], ['GiB', 1024 ** 3], ['TiB', 1024 ** 4]] as const;

export function binaryUnit(bytes: number): { unit: string; scale: number } {
  let pick: { unit: string; scale: number } = { unit: 'B', scale: 1 };
  for (const [unit, scale] of BINARY_UNITS) if (Math.abs(bytes) >= scale) pick = { unit, scale };
  return pick;
}

/** 720896 -> "704.0 KiB"; 3 significant digits at least, in the binary unit scaled to the value. */
export function formatBytes(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const { unit, scale } = binaryUnit(n);
  if (scale === 1) return `${Math.round(n)} B`;
  const v = n / scale;
  return `${v.toFixed(Math.abs(v) >= 100 ? 1 : 2)} ${unit}`;
}

/** Throughput in the same family: "12.50 MiB/s". */
export function formatRate(bytesPerSecond: number): string {
  return `${formatBytes(bytesPerSecond)}/s`;
}

/** A duration the user can read: "850 ms", "40.1 s", "2 min 03 s". */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/**
 * One line: name, mode, time, verified, and the seed's counters line. With
 * `waitedMs`, both times are named: the library's own and the time the user
 * waited (runner start-up and clean-up included).
 */
export function summaryLine(name: string, r: RunResult, waitedMs?: number): string {
  const time = waitedMs === undefined ? `${r.elapsedMs.toFixed(0)} ms` : `library ${formatDuration(r.elapsedMs)}, waited ${formatDuration(waitedMs)},`;
  return `${name} ${seedModeLabel(r)} ${time} ${r.verified ? 'verified' : 'NOT verified'} ` +
    formatSeedStats(r, ' ').replace(/\s+/g, ' ');
}
