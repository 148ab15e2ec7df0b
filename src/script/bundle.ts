import { build, type Message } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ScriptError } from '../engine/errors.ts';

/** The script's modules wrapped in a function, so each call makes a fresh module scope for one VU. */
export type ScriptFactory = (
  require: (id: string) => unknown,
  module: { exports: Record<string, unknown> },
  exports: Record<string, unknown>,
  frameloadGlobals: ScriptGlobals,
) => void;

/** What `__ENV`, `__VU` and `__ITER` read in the script. */
export interface ScriptGlobals {
  env: Record<string, string>;
  readonly vu: number;
  readonly iter: number;
}

export interface BundledScript {
  factory: ScriptFactory;
  /** Absolute path of the entry script. */
  path: string;
  /** Removes the temporary bundle. */
  dispose(): void;
}

/** Module ids a script imports from frameload itself; they resolve to per-VU runtime objects. */
export const FRAMELOAD_MODULES = ['frameload', 'frameload/metrics', 'frameload/execution', 'frameload/net', 'frameload/agent'];

/**
 * Bundles the script and its relative imports with esbuild into a CommonJS body wrapped in a factory
 * function, written to a temporary ES module with an inline source map so that stack traces name the
 * TypeScript source. A syntax or transform error becomes a ScriptError naming file:line:column.
 */
export async function bundleScript(scriptPath: string): Promise<BundledScript> {
  const path = resolve(scriptPath);
  if (!existsSync(path)) throw new ScriptError(`script not found: ${scriptPath}`);
  const dir = mkdtempSync(join(tmpdir(), 'frameload-'));
  const outfile = join(dir, 'script.mjs');
  const dispose = (): void => rmSync(dir, { recursive: true, force: true });

  let code: string;
  try {
    const result = await build({
      entryPoints: [path],
      outfile,
      bundle: true,
      write: false,
      format: 'cjs',
      platform: 'node',
      target: 'node20',
      sourcemap: 'inline',
      sourcesContent: false,
      logLevel: 'silent',
      external: [...FRAMELOAD_MODULES, 'node:*'],
      define: { __ENV: '__frameload.env', __VU: '__frameload.vu', __ITER: '__frameload.iter' },
      banner: { js: 'export default function (require, module, exports, __frameload) {' },
      footer: { js: '}' },
    });
    code = result.outputFiles[0]!.text;
  } catch (err) {
    dispose();
    const errors = (err as { errors?: Message[] }).errors;
    if (errors && errors.length > 0) throw new ScriptError(formatBuildErrors(errors), { cause: err });
    throw new ScriptError(`could not bundle ${scriptPath}: ${(err as Error).message}`, { cause: err });
  }

  writeFileSync(outfile, code);
  try {
    const mod = (await import(pathToFileURL(outfile).href)) as { default: ScriptFactory };
    return { factory: mod.default, path, dispose };
  } catch (err) {
    dispose();
    throw new ScriptError(`could not load ${scriptPath}: ${(err as Error).message}`, { cause: err });
  }
}

function formatBuildErrors(errors: Message[]): string {
  return errors
    .slice(0, 5)
    .map((e) => {
      const loc = e.location;
      const where = loc ? `${relative(process.cwd(), loc.file) || loc.file}:${loc.line}:${loc.column + 1}: ` : '';
      return `${where}${e.text}`;
    })
    .join('\n');
}
