// Reading what was built, without unzip or file(1): the entries of a VSIX (a zip)
// and the machine and C library of a native binary (ELF or PE).
import { readFileSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

/** The entries of a zip file: [{ name, data() }], from its central directory. */
export function zipEntries(file) {
  const buf = readFileSync(file);
  let eocd = -1;
  for (let p = buf.length - 22; p >= Math.max(0, buf.length - 22 - 0xffff); p--) {
    if (buf.readUInt32LE(p) === 0x06054b50) {
      eocd = p;
      break;
    }
  }
  if (eocd < 0) throw new Error(`${file} is not a zip file (no end of central directory)`);
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const entries = [];
  for (let n = 0; n < count; n++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${n}`);
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    entries.push({
      name,
      data() {
        const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
        const raw = buf.subarray(start, start + compressed);
        if (method === 0) return raw;
        if (method === 8) return inflateRawSync(raw);
        throw new Error(`${name}: compression method ${method} is not supported`);
      },
    });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/**
 * What a native binary is built for: { format: 'elf'|'pe'|'macho'|'unknown', machine, libc? }.
 * ELF machine numbers: 62 x86-64, 183 aarch64; PE: 0x8664 x64, 0xaa64 arm64. An ELF built
 * against glibc carries versioned symbol references (GLIBC_2.x); one built against musl has none.
 */
export function binaryFacts(buf) {
  if (buf.length > 20 && buf.readUInt32BE(0) === 0x7f454c46) {
    const machine = buf.readUInt16LE(18);
    const libc = buf.includes('GLIBC_') ? 'glibc' : 'musl';
    return { format: 'elf', machine, libc };
  }
  if (buf.length > 0x40 && buf.toString('latin1', 0, 2) === 'MZ') {
    const pe = buf.readUInt32LE(0x3c);
    if (buf.toString('latin1', pe, pe + 4) === 'PE\0\0') return { format: 'pe', machine: buf.readUInt16LE(pe + 4) };
  }
  if (buf.length > 8 && [0xfeedfacf, 0xcffaedfe, 0xcafebabe].includes(buf.readUInt32BE(0))) return { format: 'macho', machine: 0 };
  return { format: 'unknown', machine: 0 };
}
