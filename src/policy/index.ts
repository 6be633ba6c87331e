/**
 * Policies and configuration: JSON only (never JS: scanning must not execute
 * the repository's code), validated against the JSON Schemas in `schemas/`.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { GuardedReadError, gitSync, guardedReadText, isInsideDir } from '../discover/index.js';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Node as JsonNode, ParseError } from 'jsonc-parser';
import type { Config, Policy, RuleSpec } from '../model.js';
import { loadConfigChain, resolvePackageJsonFile } from './config.js';

export { checkRuleIds, configOrigin, effectiveRules, loadConfigChain, policiesInForce, PRESETS, type LoadedConfig } from './config.js';

/** The package root (holds `policies/` and `schemas/`), from src/policy or dist/policy alike. */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const policiesDir = join(packageRoot, 'policies');
const schemasDir = join(packageRoot, 'schemas');

export const CONFIG_FILE_NAME = 'consent-lint.config.json';
/** Searched in this order in each directory. */
export const CONFIG_FILE_NAMES = [CONFIG_FILE_NAME, 'consent-lint.config.jsonc'];

export interface SchemaProblem {
  /** JSON pointer of the bad value (`` for the document itself). */
  pointer: string;
  /** What was expected there. */
  expected: string;
  /** 1-based position of the bad value in the file, when known. */
  line?: number;
  column?: number;
}

/** An invalid policy/config/usage: the CLI prints it and exits 2. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: SchemaProblem[],
  ) {
    super(problems.map((p) => formatProblem(file, p)).join('\n'));
    this.name = 'ConfigError';
  }
}

/** `file:line:column: /pointer: expected` (the position when known). */
export function formatProblem(file: string, p: SchemaProblem): string {
  return `${file}${p.line !== undefined ? `:${p.line}:${p.column ?? 1}` : ''}: ${p.pointer || '/'}: ${p.expected}`;
}

type SchemaKind = 'policy' | 'config';
const validators = new Map<SchemaKind, ValidateFunction>();

const require = createRequire(import.meta.url);

function validator(kind: SchemaKind): ValidateFunction {
  let v = validators.get(kind);
  if (!v) {
    // Precompiled at build time (scripts/compile-schemas.mjs); compiled here when running from src/.
    try {
      v = (require('./validators.cjs') as Record<SchemaKind, ValidateFunction>)[kind];
    } catch {
      v = undefined;
    }
    if (v) validators.set(kind, v);
  }
  if (!v) {
    const { Ajv } = require('ajv') as typeof import('ajv');
    const ajv = new Ajv({ allErrors: true, strict: false });
    const schema = JSON.parse(readFileSync(join(schemasDir, `${kind}.schema.json`), 'utf8')) as object;
    v = ajv.compile(schema);
    validators.set(kind, v);
  }
  return v;
}

/** Turn ajv's errors into one problem per bad location, most specific first. */
function describe(errors: ErrorObject[]): SchemaProblem[] {
  const byPointer = new Map<string, string[]>();
  for (const e of errors) {
    // `oneOf`/`anyOf` summaries repeat what their branches said; keep them only when alone.
    if ((e.keyword === 'oneOf' || e.keyword === 'anyOf') && errors.some((o) => o !== e && o.instancePath.startsWith(e.instancePath) && o.keyword !== e.keyword)) continue;
    let text = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties') text = `unknown property "${(e.params as { additionalProperty: string }).additionalProperty}" (not allowed here)`;
    if (e.keyword === 'enum') text = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((x) => JSON.stringify(x)).join(', ')}`;
    if (e.keyword === 'const') text = `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    if (e.keyword === 'required') text = `missing required property "${(e.params as { missingProperty: string }).missingProperty}"`;
    const list = byPointer.get(e.instancePath) ?? [];
    if (!list.includes(text)) list.push(text);
    byPointer.set(e.instancePath, list);
  }
  return [...byPointer.entries()]
    .sort((a, b) => b[0].split('/').length - a[0].split('/').length)
    .map(([pointer, texts]) => ({ pointer, expected: texts.join('; ') }));
}

/** A parsed JSON(C) file that can say where a JSON pointer is. */
export interface JsonDocument {
  value: unknown;
  /** Line and column (1-based) of the value at `pointer` (of its property name with `key`), or {} when unknown. */
  position(pointer: string, key?: boolean): { line?: number; column?: number };
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: offset - start + 1 };
}

/**
 * JSON with comments and trailing commas (config and policy files), read
 * through the guarded reader (regular file, at most 1 MiB, not through a
 * symlink leaving `root` when given); syntax errors as `file:line:column`,
 * never quoting the file's bytes.
 */
export function readJsonDocument(file: string, root?: string): JsonDocument {
  let text: string;
  try {
    text = guardedReadText(file, root !== undefined ? { root } : {}).replace(/^\uFEFF/, '');
  } catch (e) {
    const why = e instanceof GuardedReadError ? e.reason : (e as Error).message;
    throw new ConfigError(file, [{ pointer: '', expected: `a readable JSON file (${why})` }]);
  }
  const errors: ParseError[] = [];
  // jsonc-parser is loaded only for the files that need it (configs, user policies), not for a plain scan.
  const { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode } = require('jsonc-parser') as typeof import('jsonc-parser');
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  if (errors.length || !tree) {
    const problems = (errors.length ? errors : [{ error: 4, offset: 0, length: 0 } as ParseError]).slice(0, 5).map((e) => ({
      pointer: '',
      expected: `valid JSON (${errors.length ? printParseErrorCode(e.error) : 'empty file'})`,
      ...lineColumn(text, e.offset),
    }));
    throw new ConfigError(file, problems);
  }
  return {
    value: getNodeValue(tree),
    position(pointer: string, key = false) {
      const path = pointer
        .split('/')
        .slice(1)
        .map((seg) => seg.replace(/~1/g, '/').replace(/~0/g, '~'))
        .map((seg) => (/^\d+$/.test(seg) ? Number(seg) : seg));
      let node: JsonNode | undefined = pointer ? findNodeAtLocation(tree, path) : tree;
      // additionalProperties errors point at the object; still better than nothing.
      for (let p = path; !node && p.length; p = p.slice(0, -1)) node = findNodeAtLocation(tree, p.slice(0, -1));
      if (!node) return {};
      const target = key && node.parent?.type === 'property' ? node.parent.children![0]! : node;
      return lineColumn(text, target.offset);
    },
  };
}

/** Where and what the JSON syntax error is, without quoting the text. */
function jsonSyntaxError(text: string): string {
  const { parse, printParseErrorCode } = require('jsonc-parser') as typeof import('jsonc-parser');
  const errors: import('jsonc-parser').ParseError[] = [];
  parse(text, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
  const e = errors[0];
  if (!e) return 'not JSON';
  let line = 1;
  let col = 1;
  for (let i = 0; i < e.offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      col = 1;
    } else col++;
  }
  return `${printParseErrorCode(e.error)} at line ${line}, column ${col}`;
}

export function validateDocument(kind: SchemaKind, file: string, data: unknown): SchemaProblem[] {
  const v = validator(kind);
  if (v(data)) return kind === 'policy' ? checkPolicySemantics(data as Policy) : [];
  return describe(v.errors ?? []);
}

/**
 * What JSON Schema cannot say: rule ids must be `<policy id>/<category>`, ids
 * unique; a policy with rules needs tokens (files are parsed only when they
 * mention a token: with none, no file would ever be analysed and every scan
 * would pass).
 */
function checkPolicySemantics(p: Policy): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  if ((p.rules ?? []).length > 0 && (p.tokens ?? []).length === 0) {
    problems.push({ pointer: '/tokens', expected: 'at least one token when the policy has rules (with no tokens no file is ever analysed, so every scan would pass)' });
  }
  const seen = new Set<string>();
  (p.rules ?? []).forEach((r, i) => {
    if (!r.id.startsWith(`${p.id}/`)) problems.push({ pointer: `/rules/${i}/id`, expected: `a rule id of the form "${p.id}/<category>"` });
    if (seen.has(r.id)) problems.push({ pointer: `/rules/${i}/id`, expected: `a unique rule id ("${r.id}" is repeated)` });
    seen.add(r.id);
  });
  return problems;
}

export function builtinPolicyIds(): string[] {
  return readdirSync(policiesDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

const policyCache = new Map<string, Policy>();

/**
 * Load a policy by built-in id or by path (relative to `baseDir`). With
 * `root`, a path must stay inside it (also through symlinks): the config of a
 * scanned repository cannot make us read files outside that repository.
 */
export function loadPolicy(idOrFile: string, baseDir: string = process.cwd(), root?: string): Policy {
  const builtin = join(policiesDir, `${idOrFile}.json`);
  const isBuiltin = /^[a-z0-9][a-z0-9-]*$/.test(idOrFile) && existsSync(builtin);
  let file = isBuiltin ? builtin : isAbsolute(idOrFile) ? idOrFile : resolve(baseDir, idOrFile);
  let tried: string[] = [];
  if (!existsSync(file) && !/^\.\.?[\\/]/.test(idOrFile) && !isAbsolute(idOrFile)) {
    // A policy shipped in a package: `@acme/consent-policies` (package.json `main`
    // naming a .json file, or consent-lint-policy.json) or `@acme/consent-policies/segment.json`.
    const found = resolvePackageJsonFile(idOrFile, baseDir, 'consent-lint-policy.json');
    tried = found.tried;
    if (found.file) file = found.file;
  }
  if (!isBuiltin && root !== undefined && !isInsideDir(realpathOr(root), realpathOr(dirname(file)))) {
    throw new ConfigError(idOrFile, [{ pointer: '', expected: `a policy file inside the repository ${root} (refused: ${file} is outside it and was not read)` }]);
  }
  const cached = policyCache.get(file);
  if (cached) return cached;
  if (!existsSync(file)) {
    throw new ConfigError(idOrFile, [
      {
        pointer: '',
        expected: `a built-in policy id (${builtinPolicyIds().join(', ')}), a path to a policy JSON file, or a package in node_modules with one${tried.length ? ` (tried ${tried.join(', ')})` : ''}`,
      },
    ]);
  }
  // A built-in policy ships with this build: plain JSON, no positions needed.
  const doc: JsonDocument = isBuiltin ? { value: JSON.parse(readFileSync(file, 'utf8')) as unknown, position: () => ({}) } : readJsonDocument(file, root);
  const data = doc.value;
  // Built-in policies ship with this build and are validated by its tests (test/startup.test.ts);
  // validating them again on every run cost more than parsing a small project (~20 ms, cold JIT).
  const problems = isBuiltin ? checkPolicySemantics(data as Policy) : validateDocument('policy', file, data).map((p) => ({ ...p, ...doc.position(p.pointer) }));
  if (problems.length) throw new ConfigError(file, problems);
  const policy = { ...(data as Policy), source: file };
  delete (policy as { $schema?: string }).$schema;
  policy.tokens ??= [];
  policy.rules = (policy.rules ?? []).map((r) => ({ ...r, sinks: r.sinks ?? [] }));
  policy.guards ??= [];
  policyCache.set(file, policy);
  return policy;
}

/** The policies in force: the given ids/files, or every built-in policy. */
export function resolvePolicies(ids: string[] | undefined, baseDir: string = process.cwd()): Policy[] {
  return (ids && ids.length ? ids : builtinPolicyIds()).map((id) => loadPolicy(id, baseDir));
}

/**
 * The policies a config names (`policies`), each confined to the config's
 * repository. An error names the config file and the JSON pointer of the
 * entry (`/policies/1`), and what is wrong with the policy file it points to.
 */
export function configPolicies(config: Config): Policy[] {
  const ids = config.policies;
  if (!ids?.length) return resolvePolicies(undefined);
  const baseDir = config.dir ?? process.cwd();
  const root = repositoryRoot(baseDir);
  return ids.map((id, i) => {
    try {
      return loadPolicy(id, baseDir, root);
    } catch (e) {
      if (!(e instanceof ConfigError) || !config.source) throw e;
      const inner = e.problems.map((p) => (e.file === id && !p.pointer ? p.expected : `${e.file}: ${p.pointer || '/'}: ${p.expected}`)).join('; ');
      throw new ConfigError(config.source, [{ pointer: `/policies/${i}`, expected: `${JSON.stringify(id)}: ${inner}` }]);
    }
  });
}

/** The git top level holding `dir`, else `dir` itself: the boundary of what a repository's config may name. */
export function repositoryRoot(dir: string): string {
  const r = gitSync(['rev-parse', '--show-toplevel'], dir);
  return r.ok && r.stdout.trim() ? resolve(r.stdout.trim()) : resolve(dir);
}

function worldWritable(dir: string): boolean {
  try {
    return (statSync(dir).mode & 0o002) !== 0;
  } catch {
    return true;
  }
}

function realpathOr(p: string): string {
  try {
    return realpathSync.native(p);
  } catch {
    return resolve(p);
  }
}

/**
 * The effective config of a file: JSONC, validated, with everything it
 * `extends` merged in (see ./config.ts). `root`, for a config found by
 * searching (not named on the command line), confines the read to the repository.
 */
export function loadConfigFile(file: string, root?: string): Config {
  return loadConfigChain(file, root).config;
}

/**
 * The nearest `consent-lint.config.json`, searching upward from `startDir`
 * and stopping at the repository root (the first directory holding `.git`).
 * Outside a repository the search stops before `$HOME`, the filesystem root
 * and any world-writable directory (`/tmp`): a config there must not turn
 * that directory into the scan root.
 */
export function findConfigFile(startDir: string, home: string = homedir()): string | undefined {
  let dir = resolve(startDir);
  try {
    if (!statSync(dir).isDirectory()) dir = dirname(dir);
  } catch {
    dir = dirname(dir);
  }
  const candidates: string[] = [];
  for (;;) {
    for (const name of CONFIG_FILE_NAMES) candidates.push(join(dir, name));
    if (existsSync(join(dir, '.git'))) break; // the repository root: the search ends here
    const parent = dirname(dir);
    if (parent === dir) {
      // No repository: the start directory, then its ancestors up to (not
      // including) $HOME, the filesystem root, or a world-writable directory
      // such as /tmp (anyone could plant a config there).
      const h = home ? resolve(home) : undefined;
      const start = dirname(candidates[0]!);
      for (let i = 0; i < candidates.length; i++) {
        const d = dirname(candidates[i]!);
        if (d !== start && (d === h || dirname(d) === d || worldWritable(d))) return undefined;
        if (existsSync(candidates[i]!)) return candidates[i];
      }
      return undefined;
    }
    dir = parent;
  }
  return candidates.find((c) => existsSync(c));
}

/** `consent-lint validate FILE`: which schema applies, and what is wrong. */
export function validateFile(file: string): { kind: SchemaKind; problems: SchemaProblem[] } {
  // `validate` is given its files on the command line: no root confinement, but the same guarded read.
  const abs = resolve(file);
  const doc = readJsonDocument(abs);
  const data = doc.value;
  const looksLikePolicy = typeof data === 'object' && data !== null && 'id' in data && ('rules' in data || 'guards' in data || 'description' in data);
  const kind: SchemaKind = CONFIG_FILE_NAMES.some((n) => abs.endsWith(n)) || !looksLikePolicy ? 'config' : 'policy';
  let problems = validateDocument(kind, abs, data).map((p) => ({ ...p, ...doc.position(p.pointer) }));
  // A config's `extends` chain must load too.
  if (!problems.length && kind === 'config') {
    try {
      loadConfigChain(abs);
    } catch (e) {
      if (!(e instanceof ConfigError)) throw e;
      if (e.file !== abs) throw e;
      problems = e.problems;
    }
  }
  return { kind, problems };
}

/** A policy's rules: JavaScript ones and those of its `native` section (for listings, `explain` and rule docs). */
export function policyRules(p: Policy): RuleSpec[] {
  return [...p.rules, ...(p.native?.rules ?? []).map((r) => ({ ...r, sinks: [] }))];
}
