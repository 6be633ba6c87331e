/**
 * `consent-lint.config.json` (or `.jsonc`): JSON with comments and trailing
 * commas, validated against schemas/config.schema.json, with `extends`:
 *
 *   "extends": "consent-lint:strict"                  a preset shipped in presets/
 *   "extends": "./configs/base.json"                  a file, relative to this config
 *   "extends": "@acme/consent-policies"               a package in node_modules: its
 *                                                     consent-lint.config.json, or the
 *                                                     .json file package.json `main` names
 *   "extends": "@acme/consent-policies/web.json"      a file inside a package
 *
 * Only JSON is read: a package's JavaScript is never loaded or executed.
 * Merging (bases first, in order, then the config itself): `include` of the
 * last config that sets it; `exclude`, `policies` and `guards` accumulate;
 * `purposeAliases` and `rules` merge key by key, later wins. Paths in an
 * extended config (`policies` files, relative guard `module`s) stay relative
 * to the file that wrote them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { Config, ConfigGuard, Policy, RuleSetting, RuleSpec } from '../model.js';
import { ruleSeverity } from './severity.js';
import { ConfigError, packageRoot, readJsonDocument, type JsonDocument, validateDocument } from './document.js';

export const PRESETS = ['recommended', 'strict'] as const;
const PRESET_PREFIX = 'consent-lint:';

/** Where each `rules` entry of an effective config was written (for errors about it). */
export interface RuleOrigin {
  file: string;
  line?: number;
  column?: number;
}

export interface LoadedConfig {
  config: Config;
  /** Every file read, bases first, the config itself last. */
  files: string[];
  ruleOrigins: Map<string, RuleOrigin>;
}

const loaded = new WeakMap<Config, LoadedConfig>();

/** What `loadConfigFile` read to produce this config (undefined for hand-made configs). */
export function configOrigin(config: Config): LoadedConfig | undefined {
  return loaded.get(config);
}

const isPathLike = (spec: string) =>
  spec.startsWith('./') || spec.startsWith('../') || isAbsolute(spec) || spec === '.' || spec === '..';

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

/** `@scope/name/sub/path` -> { name: '@scope/name', sub: 'sub/path' }. */
export function splitPackageSpec(spec: string): { name: string; sub: string } | undefined {
  const m = /^((?:@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*)(?:\/(.+))?$/i.exec(spec);
  if (!m || m[2]?.split('/').includes('..')) return undefined;
  return { name: m[1], sub: m[2] ?? '' };
}

/**
 * A JSON file inside a package found in `node_modules`, searching upward from
 * `fromDir` as Node does, reading files only. `conventional` is the file used
 * when the spec names no file and package.json `main` is not a .json file.
 */
export function resolvePackageJsonFile(
  spec: string,
  fromDir: string,
  conventional: string,
): { file?: string; tried: string[] } {
  const parts = splitPackageSpec(spec);
  const tried: string[] = [];
  if (!parts) return { tried };
  for (let dir = resolve(fromDir); ; dir = dirname(dir)) {
    const pkgDir = join(dir, 'node_modules', parts.name);
    if (existsSync(join(pkgDir, 'package.json')) || existsSync(pkgDir)) {
      const candidates: string[] = [];
      if (parts.sub) candidates.push(join(pkgDir, parts.sub), join(pkgDir, `${parts.sub}.json`));
      else {
        try {
          const main = (JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')) as { main?: unknown }).main;
          if (typeof main === 'string' && /\.jsonc?$/.test(main)) candidates.push(join(pkgDir, main));
        } catch {
          // no or unreadable package.json: only the conventional file
        }
        candidates.push(join(pkgDir, conventional));
      }
      for (const c of candidates) {
        tried.push(c);
        if (isFile(c) && /\.jsonc?$/.test(c) && !relative(pkgDir, c).startsWith('..')) return { file: c, tried };
      }
      return { tried };
    }
    if (dirname(dir) === dir) return { tried };
  }
}

/** The file an `extends` entry names. */
function resolveExtends(spec: string, fromDir: string, declaredIn: string, pointer: string, doc: JsonDocument): string {
  const fail = (expected: string): never => {
    throw new ConfigError(declaredIn, [{ pointer, expected, ...doc.position(pointer) }]);
  };
  if (spec.startsWith(PRESET_PREFIX)) {
    const name = spec.slice(PRESET_PREFIX.length);
    if (!(PRESETS as readonly string[]).includes(name))
      fail(`a preset (${PRESETS.map((p) => PRESET_PREFIX + p).join(', ')}), a config file or a package`);
    return join(packageRoot, 'presets', `${name}.json`);
  }
  if (isPathLike(spec)) {
    const file = resolve(fromDir, spec);
    if (!isFile(file)) fail(`an existing config file (${file} does not exist)`);
    return file;
  }
  const { file, tried } = resolvePackageJsonFile(spec, fromDir, 'consent-lint.config.json');
  if (!file) {
    fail(
      tried.length
        ? `a config file in package "${spec}" (tried ${tried.join(', ')}; only JSON is read)`
        : `a preset (${PRESETS.map((p) => PRESET_PREFIX + p).join(', ')}), a file path starting with ./ or ../, or a package installed in node_modules ("${spec}" was not found from ${fromDir})`,
    );
  }
  return file!;
}

interface Layer {
  file: string;
  dir: string;
  data: Config & { extends?: string | string[] };
  doc: JsonDocument;
}

function readLayers(file: string, stack: string[], out: Layer[], root?: string): void {
  if (stack.includes(file)) {
    throw new ConfigError(stack[stack.length - 1], [
      { pointer: '/extends', expected: `no cycle (${[...stack, file].join(' -> ')})` },
    ]);
  }
  if (stack.length > 20)
    throw new ConfigError(file, [{ pointer: '/extends', expected: 'at most 20 levels of extends' }]);
  const doc = readJsonDocument(file, root);
  const problems = validateDocument('config', file, doc.value).map((p) => ({ ...p, ...doc.position(p.pointer) }));
  if (problems.length) throw new ConfigError(file, problems);
  const data = doc.value as Layer['data'];
  const dir = dirname(file);
  const bases = data.extends === undefined ? [] : Array.isArray(data.extends) ? data.extends : [data.extends];
  bases.forEach((spec, i) => {
    const pointer = Array.isArray(data.extends) ? `/extends/${i}` : '/extends';
    readLayers(resolveExtends(spec, dir, file, pointer, doc), [...stack, file], out);
  });
  out.push({ file, dir, data, doc });
}

/** A `policies` entry, made independent of the file that wrote it. */
function policyEntry(spec: string, dir: string): string {
  return isPathLike(spec) || (/\.jsonc?$/.test(spec) && existsSync(resolve(dir, spec))) ? resolve(dir, spec) : spec;
}

/** A relative guard `module`, re-expressed relative to the effective config's directory. */
function guardEntry(g: ConfigGuard, dir: string, rootDir: string): ConfigGuard {
  if (!g.module || !g.module.startsWith('.') || dir === rootDir) return g;
  let rel = relative(rootDir, resolve(dir, g.module)).split(sep).join('/');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return { ...g, module: rel };
}

const escapePointer = (s: string) => s.replace(/~/g, '~0').replace(/\//g, '~1');

/** Load a config file and everything it extends, merged into one effective config. */
export function loadConfigChain(file: string, root?: string): LoadedConfig {
  const abs = resolve(file);
  const layers: Layer[] = [];
  readLayers(abs, [], layers, root); // what it extends (presets, packages) is found by resolution, not by the repository
  const rootDir = dirname(abs);
  const config: Config = {};
  const ruleOrigins = new Map<string, RuleOrigin>();
  const addUnique = (list: string[] | undefined, more: string[]) => [...new Set([...(list ?? []), ...more])];
  for (const { file: f, dir, data, doc } of layers) {
    if (data.include) config.include = [...data.include];
    if (data.exclude) config.exclude = addUnique(config.exclude, data.exclude);
    if (data.policies)
      config.policies = addUnique(
        config.policies,
        data.policies.map((p) => policyEntry(p, dir)),
      );
    if (data.guards) config.guards = [...(config.guards ?? []), ...data.guards.map((g) => guardEntry(g, dir, rootDir))];
    if (data.purposeAliases) config.purposeAliases = { ...config.purposeAliases, ...data.purposeAliases };
    if (data.moduleAliases) config.moduleAliases = { ...config.moduleAliases, ...data.moduleAliases };
    if (data.preset) config.preset = data.preset;
    if (data.rules) {
      config.rules = { ...config.rules, ...data.rules };
      for (const id of Object.keys(data.rules))
        ruleOrigins.set(id, { file: f, ...doc.position(`/rules/${escapePointer(id)}`, true) });
    }
  }
  config.dir = rootDir;
  config.source = abs;
  const result = { config, files: layers.map((l) => l.file), ruleOrigins };
  loaded.set(config, result);
  return result;
}

/**
 * Rule ids in the config's `rules` must name a rule: of a policy in force, of
 * a built-in policy, or consent-lint's own. Otherwise a ConfigError that lists
 * the known ids (a typo would silently leave the rule at its default).
 */
export function checkRuleIds(config: Config, known: RuleSpec[]): void {
  const ids = new Set(known.map((r) => r.id));
  const unknown = Object.keys(config.rules ?? {}).filter((id) => !ids.has(id));
  if (!unknown.length) return;
  const origins = configOrigin(config)?.ruleOrigins;
  const byFile = new Map<string, { pointer: string; expected: string; line?: number; column?: number }[]>();
  const list = [...ids].sort().join(', ');
  for (const id of unknown) {
    const origin = origins?.get(id) ?? { file: config.source ?? 'config' };
    const problems = byFile.get(origin.file) ?? [];
    problems.push({
      pointer: `/rules/${escapePointer(id)}`,
      expected: `a known rule id ("${id}" is not one). Known rules: ${list}`,
      ...(origin.line !== undefined ? { line: origin.line, column: origin.column! } : {}),
    });
    byFile.set(origin.file, problems);
  }
  const [file, problems] = [...byFile.entries()][0];
  throw new ConfigError(file, problems);
}

/**
 * The policies in force: `--policy` when given (SDK policies replace the
 * configured SDK policies; the CMP guard packs stay, since removing them would
 * turn every consent check into a finding), else the config's `policies`,
 * else every built-in policy.
 */
export function policiesInForce(
  config: Config | undefined,
  policyFlags: string[] | undefined,
  cwd: string,
  resolve: (ids: string[] | undefined, baseDir?: string) => Policy[],
): Policy[] {
  const configured = config?.policies?.length ? resolve(config.policies, config.dir) : resolve(undefined);
  if (!policyFlags?.length) return configured;
  const given = resolve(policyFlags, cwd);
  // Guard packs: no rules, JavaScript or native (app-declarations has native rules only: a policy, replaced).
  const packs = configured.filter(
    (p) => !p.rules.length && !p.native?.rules?.length && !given.some((g) => g.source === p.source),
  );
  return [...given, ...packs];
}

/** The effective severity of every rule, by id (`ruleSeverity`: what the scan runs it at). */
export function effectiveRules(rules: RuleSpec[], config: Config | undefined): Record<string, RuleSetting> {
  const out: Record<string, RuleSetting> = {};
  for (const r of [...rules].sort((a, b) => a.id.localeCompare(b.id))) out[r.id] = ruleSeverity(r, config);
  return out;
}
