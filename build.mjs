// Bundles the CLI into dist/frameload.mjs and writes the ./frameload launcher.
import { build } from 'esbuild';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

await build({
  entryPoints: ['src/cli/main.ts'],
  outfile: 'dist/frameload.mjs',
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  sourcemap: 'linked',
  // esbuild bundles user scripts at run time, so it stays an installed dependency.
  external: ['esbuild'],
  define: { FRAMELOAD_VERSION: JSON.stringify(version) },
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});

writeFileSync('frameload', '#!/bin/sh\nexec node --enable-source-maps "$(dirname "$(readlink -f "$0")")/dist/frameload.mjs" "$@"\n');
chmodSync('frameload', 0o755);
