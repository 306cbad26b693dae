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

export function formatBytes(n: number): string {
  if (n >= 1 << 30) return `${(n / (1 << 30)).toFixed(2)} GiB`;
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(1)} KiB`;
  return `${n} B`;
}

/** One line: name, mode, time, verified, and the seed's counters line. */
export function summaryLine(name: string, r: RunResult): string {
  return `${name} ${seedModeLabel(r)} ${r.elapsedMs.toFixed(0)} ms ${r.verified ? 'verified' : 'NOT verified'} ` +
    formatSeedStats(r, ' ').replace(/\s+/g, ' ');
}
