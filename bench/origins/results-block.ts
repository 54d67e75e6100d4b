// A results.json carried as text through a channel meant for something else: a pod's log (between
// markers, as lines of 76 base64 characters, so that no log pipeline splits or joins them) or a
// Lambda response. Gzip first (histograms and samples compress well), and a SHA-256 of the JSON,
// so a block cut or mixed with other output is refused rather than read wrong.
import { createHash } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';

export const BLOCK_BEGIN = '-----BEGIN COLDBENCH RESULTS-----';
const BLOCK_END_PREFIX = '-----END COLDBENCH RESULTS';
const LINE = 76;

export interface EncodedResults {
  /** gzip of the JSON text, base64. */
  gzipBase64: string;
  /** SHA-256 (hex) of the JSON text. */
  sha256: string;
  /** Bytes of the JSON text. */
  bytes: number;
}

export function encodeResults(json: string): EncodedResults {
  const raw = Buffer.from(json, 'utf8');
  return { gzipBase64: gzipSync(raw, { level: 9 }).toString('base64'), sha256: createHash('sha256').update(raw).digest('hex'), bytes: raw.length };
}

/** The JSON text back; throws naming what is wrong (damaged base64 or gzip, wrong digest). */
export function decodeResults(encoded: EncodedResults): string {
  let raw: Buffer;
  try {
    raw = gunzipSync(Buffer.from(encoded.gzipBase64, 'base64'));
  } catch (err) {
    throw new Error(`the results are damaged (${err instanceof Error ? err.message : String(err)})`);
  }
  const digest = createHash('sha256').update(raw).digest('hex');
  if (digest !== encoded.sha256 || raw.length !== encoded.bytes) {
    throw new Error(`the results are damaged (${raw.length} bytes with SHA-256 ${digest.slice(0, 12)}..., expected ${encoded.bytes} bytes with ${encoded.sha256.slice(0, 12)}...)`);
  }
  return raw.toString('utf8');
}

/** The block as printed at the end of a remote run's output. */
export function resultsBlock(json: string): string {
  const { gzipBase64, sha256, bytes } = encodeResults(json);
  const lines: string[] = [];
  for (let i = 0; i < gzipBase64.length; i += LINE) lines.push(gzipBase64.slice(i, i + LINE));
  return `${BLOCK_BEGIN}\n${lines.join('\n')}\n${BLOCK_END_PREFIX} sha256=${sha256} bytes=${bytes}-----\n`;
}

const END_LINE = /^-----END COLDBENCH RESULTS sha256=([0-9a-f]{64}) bytes=(\d+)-----$/;
const BASE64_LINE = /^[A-Za-z0-9+/=]+$/;

/** The last complete block in a log, or null when there is none (the run died before printing it).
 *  Lines that are not base64 (other output interleaved with the block) are skipped. */
export function findResultsBlock(log: string): EncodedResults | null {
  const lines = log.split(/\r?\n/);
  for (let end = lines.length - 1; end >= 0; end--) {
    const match = END_LINE.exec(lines[end]!.trim());
    if (!match) continue;
    let begin = end - 1;
    while (begin >= 0 && lines[begin]!.trim() !== BLOCK_BEGIN) begin -= 1;
    if (begin < 0) return null;
    const body = lines.slice(begin + 1, end).map((l) => l.trim()).filter((l) => BASE64_LINE.test(l));
    return { gzipBase64: body.join(''), sha256: match[1]!, bytes: Number(match[2]) };
  }
  return null;
}

/** A filter for forwarding a remote run's output line by line: false for the lines of a block. */
export function outsideBlocks(): (line: string) => boolean {
  let inside = false;
  return (line) => {
    const text = line.trim();
    if (text === BLOCK_BEGIN) inside = true;
    else if (text.startsWith(BLOCK_END_PREFIX)) {
      inside = false;
      return false;
    }
    return !inside;
  };
}
