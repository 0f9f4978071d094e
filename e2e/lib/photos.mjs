// Photos for the host journey, drawn here rather than committed: PNGs of a simple landscape
// (sky, sea or hills, sun) in a colour scheme per photo, so that a reordered grid is visibly
// reordered in the screenshots.

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/// An RGB PNG of `width` × `height` whose pixel colours come from `paint(x, y)`.
export function png(width, height, paint) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 2; // truecolour
  const rows = Buffer.alloc((width * 3 + 1) * height);
  let at = 0;
  for (let y = 0; y < height; y += 1) {
    rows[at++] = 0; // no filter
    for (let x = 0; x < width; x += 1) {
      const [r, g, b] = paint(x, y);
      rows[at++] = r;
      rows[at++] = g;
      rows[at++] = b;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const SCHEMES = [
  { name: 'dawn', sky: [250, 200, 160], ground: [60, 110, 150], sun: [255, 240, 200] },
  { name: 'noon', sky: [140, 195, 240], ground: [80, 150, 90], sun: [255, 250, 220] },
  { name: 'dusk', sky: [90, 70, 140], ground: [40, 60, 70], sun: [250, 150, 110] },
];

function mix(a, b, t) {
  return a.map((value, i) => Math.round(value + (b[i] - value) * t));
}

function landscape(scheme, width, height) {
  const horizon = height * 0.62;
  const sun = { x: width * 0.7, y: height * 0.33, r: height * 0.11 };
  return (x, y) => {
    const dx = x - sun.x;
    const dy = y - sun.y;
    if (dx * dx + dy * dy < sun.r * sun.r) return scheme.sun;
    const hill = horizon + Math.sin(x / (width / 7)) * height * 0.04;
    if (y < hill) return mix(scheme.sky, [255, 255, 255], (y / hill) * 0.45);
    return mix(scheme.ground, [0, 0, 0], ((y - hill) / (height - hill)) * 0.5);
  };
}

/// Writes the three photos into `dir` and returns their paths, in upload order.
export function writePhotos(dir) {
  mkdirSync(dir, { recursive: true });
  return SCHEMES.map((scheme) => {
    const path = join(dir, `${scheme.name}.png`);
    writeFileSync(path, png(960, 640, landscape(scheme, 960, 640)));
    return path;
  });
}
