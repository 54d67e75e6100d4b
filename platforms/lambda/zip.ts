// Reading a deployment package (a .zip) as CreateFunction's ZipFile: the central directory, stored
// and deflated entries, CRC-32 checked. What Lambda refuses is refused with its words: a file that
// is not a readable zip, an entry leaving the package folder, more than 250 MB unzipped.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { invalidParameter } from './api-error.js';

/** Lambda's limit on a function's unzipped code. */
export const MAX_UNZIPPED_BYTES = 262_144_000;

const UNREADABLE = 'Could not unzip uploaded file. Please check your file, then try to upload again.';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = CRC_TABLE[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

export interface ZipEntry {
  name: string;
  data: Buffer;
  /** Unix mode bits, when the archive records them. */
  mode: number | null;
}

export function readZip(zip: Buffer): ZipEntry[] {
  // End of central directory: the last signature within the 64 KiB comment bound.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw invalidParameter(UNREADABLE);
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  const entries: ZipEntry[] = [];
  let total = 0;
  for (let i = 0; i < count; i++) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== 0x02014b50) throw invalidParameter(UNREADABLE);
    const flags = zip.readUInt16LE(offset + 8);
    const method = zip.readUInt16LE(offset + 10);
    const crc = zip.readUInt32LE(offset + 16);
    const compressed = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const madeBy = zip.readUInt16LE(offset + 4) >> 8;
    const external = zip.readUInt32LE(offset + 38);
    const local = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;
    if (flags & 1) throw invalidParameter(UNREADABLE); // encrypted
    if (local + 30 > zip.length || zip.readUInt32LE(local) !== 0x04034b50) throw invalidParameter(UNREADABLE);
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const raw = zip.subarray(start, start + compressed);
    let data: Buffer;
    try {
      data = method === 0 ? Buffer.from(raw) : method === 8 ? inflateRawSync(raw) : Buffer.alloc(0);
    } catch {
      throw invalidParameter(UNREADABLE);
    }
    if ((method !== 0 && method !== 8) || data.length !== size || crc32(data) !== crc) throw invalidParameter(UNREADABLE);
    total += size;
    if (total > MAX_UNZIPPED_BYTES) throw invalidParameter(`Unzipped size must be smaller than ${MAX_UNZIPPED_BYTES} bytes`);
    entries.push({ name, data, mode: madeBy === 3 ? (external >>> 16) & 0o777 : null });
  }
  return entries;
}

/** Write the entries under `dir`; an entry that would land outside it is refused. */
export function extractZip(entries: ZipEntry[], dir: string): void {
  for (const entry of entries) {
    const target = path.resolve(dir, entry.name);
    if (!target.startsWith(path.resolve(dir) + path.sep)) throw invalidParameter(UNREADABLE);
    if (entry.name.endsWith('/')) {
      mkdirSync(target, { recursive: true });
      continue;
    }
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, entry.data, { mode: entry.mode ?? 0o644 });
  }
}
