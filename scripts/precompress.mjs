// Writes a brotli copy (quality 11) beside each text and wasm file of dist/ and its app folders,
// which the server sends to browsers that accept it: the smallest transfer on a slow network.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';

for (const entry of readdirSync('dist', { recursive: true })) {
  const f = `dist/${entry}`;
  if (!/\.(wasm|js|css|html|svg)$/.test(f)) continue;
  const br = brotliCompressSync(readFileSync(f), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  writeFileSync(`${f}.br`, br);
}
