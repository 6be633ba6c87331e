/**
 * tsconfig/jsconfig `paths` + `baseUrl`, read as JSONC (comments, trailing
 * commas) with jsonc-parser, VS Code's reader. (TypeScript's own reader, via
 * ts-morph, costs ~300 ms just to load: more than a whole scan of a small app.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, relative, resolve } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const parseJsonc: typeof import('jsonc-parser').parse = (...args) => (require('jsonc-parser') as typeof import('jsonc-parser')).parse(...args);

export interface PathAliases {
  /** Candidate root-relative paths (without extension probing) for a bare specifier. */
  candidates(specifier: string): string[];
}

interface RawOptions {
  baseUrl?: string;
  paths?: Record<string, string[]>;
}

function readConfig(file: string, depth = 0): { options: RawOptions; dir: string; baseDir?: string } | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  if (!/"(paths|baseUrl|extends)"/.test(text)) return { options: {}, dir: dirname(file) };
  const json = (parseJsonc(text, [], { allowTrailingComma: true, disallowComments: false }) ?? {}) as { extends?: string | string[]; compilerOptions?: RawOptions };
  let inherited: RawOptions = {};
  let inheritedDir: string | undefined;
  const ext = Array.isArray(json.extends) ? json.extends[0] : json.extends;
  if (ext && depth < 5 && (ext.startsWith('.') || ext.startsWith('/'))) {
    const target = resolve(dirname(file), ext.endsWith('.json') ? ext : `${ext}.json`);
    const base = existsSync(target) ? readConfig(target, depth + 1) : undefined;
    if (base) {
      inherited = base.options;
      inheritedDir = base.baseDir ?? base.dir;
    }
  }
  const own = json.compilerOptions ?? {};
  // `paths`/`baseUrl` are relative to the config that declares them.
  const declaresOwn = own.paths !== undefined || own.baseUrl !== undefined;
  return {
    options: { baseUrl: own.baseUrl ?? inherited.baseUrl, paths: own.paths ?? inherited.paths },
    dir: dirname(file),
    baseDir: declaresOwn ? dirname(file) : inheritedDir,
  };
}

export function readTsconfigPaths(configFile: string, root: string): PathAliases | undefined {
  const cfg = readConfig(configFile);
  if (!cfg || (!cfg.options.paths && !cfg.options.baseUrl)) return undefined;
  const declDir = cfg.baseDir ?? cfg.dir;
  const baseAbs = resolve(declDir, cfg.options.baseUrl ?? '.');
  const toRel = (abs: string) => relative(root, abs).split('\\').join('/');
  const entries = Object.entries(cfg.options.paths ?? {});
  return {
    candidates(specifier: string): string[] {
      const out: string[] = [];
      for (const [pattern, targets] of entries) {
        const star = pattern.indexOf('*');
        let captured: string | undefined;
        if (star < 0) {
          if (pattern === specifier) captured = '';
        } else {
          const pre = pattern.slice(0, star);
          const post = pattern.slice(star + 1);
          if (specifier.startsWith(pre) && specifier.endsWith(post) && specifier.length >= pre.length + post.length) {
            captured = specifier.slice(pre.length, specifier.length - post.length);
          }
        }
        if (captured === undefined) continue;
        for (const target of targets) out.push(toRel(resolve(baseAbs, target.replace('*', captured))));
      }
      if (cfg.options.baseUrl) out.push(toRel(resolve(baseAbs, specifier)));
      return out;
    },
  };
}
