// Writes a brotli copy (quality 11) beside each text and wasm file of dist/, which the server
// sends to browsers that accept it: the smallest transfer on a slow mobile network.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants } from 'node:zlib';

for (const f of readdirSync('dist')) {
  if (!/\.(wasm|js|css|html|svg)$/.test(f)) continue;
  const br = brotliCompressSync(readFileSync(`dist/${f}`), { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } });
  writeFileSync(`dist/${f}.br`, br);
}
