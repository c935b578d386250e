/**
 * The Teams app icons, drawn in code so the package needs no image files or tools: a 192×192
 * colour icon (white compass mark on the brand colour) and a 32×32 outline icon (white on transparent).
 */
import { deflateSync } from 'node:zlib';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n += 1) {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Buffer): number {
  let crc = 0xffffffff;
  for (const byte of data) crc = (CRC_TABLE[(crc ^ byte) & 0xff] ?? 0) ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Encodes RGBA pixels as a PNG. */
export function encodePng(width: number, height: number, rgba: (x: number, y: number) => [number, number, number, number]): Buffer {
  const raw = Buffer.alloc((width * 4 + 1) * height);
  for (let y = 0; y < height; y += 1) {
    raw[y * (width * 4 + 1)] = 0;
    for (let x = 0; x < width; x += 1) {
      const [r, g, b, a] = rgba(x, y);
      const offset = y * (width * 4 + 1) + 1 + x * 4;
      raw[offset] = r;
      raw[offset + 1] = g;
      raw[offset + 2] = b;
      raw[offset + 3] = a;
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** A compass needle in a ring: inside the mark for normalised coordinates (-1..1). */
function mark(u: number, v: number): boolean {
  const r = Math.hypot(u, v);
  const ring = r > 0.78 && r < 0.92;
  // A diamond (needle) pointing up and down, narrow across.
  const needle = Math.abs(u) / 0.22 + Math.abs(v) / 0.7 <= 1;
  return ring || needle;
}

export function colorIcon(hex = '#0b4f6c'): Buffer {
  const [r, g, b] = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)) as [number, number, number];
  const size = 192;
  return encodePng(size, size, (x, y) => {
    const u = (x + 0.5 - size / 2) / (size * 0.36);
    const v = (y + 0.5 - size / 2) / (size * 0.36);
    return mark(u, v) ? [255, 255, 255, 255] : [r, g, b, 255];
  });
}

export function outlineIcon(): Buffer {
  const size = 32;
  return encodePng(size, size, (x, y) => {
    const u = (x + 0.5 - size / 2) / (size * 0.45);
    const v = (y + 0.5 - size / 2) / (size * 0.45);
    return mark(u, v) ? [255, 255, 255, 255] : [0, 0, 0, 0];
  });
}
