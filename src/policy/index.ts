/**
 * Policies and configuration: JSON only (never JS: scanning must not execute
 * the repository's code), validated against the JSON Schemas in `schemas/`.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Config, Policy } from '../model.js';

/** The package root (holds `policies/` and `schemas/`), from src/policy or dist/policy alike. */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const policiesDir = join(packageRoot, 'policies');
const schemasDir = join(packageRoot, 'schemas');

export const CONFIG_FILE_NAME = 'consent-lint.config.json';

export interface SchemaProblem {
  /** JSON pointer of the bad value (`` for the document itself). */
  pointer: string;
  /** What was expected there. */
  expected: string;
}

/** An invalid policy/config/usage: the CLI prints it and exits 2. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly problems: SchemaProblem[],
  ) {
    super(problems.map((p) => `${file}: ${p.pointer || '/'}: ${p.expected}`).join('\n'));
    this.name = 'ConfigError';
  }
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
    const schema = JSON.parse(readFileSync(join(schemasDir, `${kind}.schema.json`), 'utf8'));
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

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new ConfigError(file, [{ pointer: '', expected: `a readable JSON file (${(e as Error).message})` }]);
  }
  try {
    return JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw new ConfigError(file, [{ pointer: '', expected: `valid JSON (${(e as Error).message})` }]);
  }
}

export function validateDocument(kind: SchemaKind, file: string, data: unknown): SchemaProblem[] {
  const v = validator(kind);
  if (v(data)) return kind === 'policy' ? checkPolicySemantics(data as Policy) : [];
  return describe(v.errors ?? []);
}

/** What JSON Schema cannot say: rule ids must be `<policy id>/<category>`, ids unique. */
function checkPolicySemantics(p: Policy): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
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

/** Load a policy by built-in id or by path (relative to `baseDir`). */
export function loadPolicy(idOrFile: string, baseDir: string = process.cwd()): Policy {
  const builtin = join(policiesDir, `${idOrFile}.json`);
  const file = /^[a-z0-9][a-z0-9-]*$/.test(idOrFile) && existsSync(builtin) ? builtin : isAbsolute(idOrFile) ? idOrFile : resolve(baseDir, idOrFile);
  const cached = policyCache.get(file);
  if (cached) return cached;
  if (!existsSync(file)) {
    throw new ConfigError(idOrFile, [{ pointer: '', expected: `a built-in policy id (${builtinPolicyIds().join(', ')}) or a path to a policy JSON file` }]);
  }
  const data = readJson(file);
  // Built-in policies ship with this build and are validated by its tests (test/startup.test.ts);
  // validating them again on every run cost more than parsing a small project (~20 ms, cold JIT).
  const problems = file === builtin ? checkPolicySemantics(data as Policy) : validateDocument('policy', file, data);
  if (problems.length) throw new ConfigError(file, problems);
  const policy = { ...(data as Policy), source: file };
  delete (policy as { $schema?: string }).$schema;
  policy.tokens ??= [];
  policy.rules ??= [];
  policy.guards ??= [];
  policyCache.set(file, policy);
  return policy;
}

/** The policies in force: the given ids/files, or every built-in policy. */
export function resolvePolicies(ids: string[] | undefined, baseDir: string = process.cwd()): Policy[] {
  return (ids && ids.length ? ids : builtinPolicyIds()).map((id) => loadPolicy(id, baseDir));
}

export function loadConfigFile(file: string): Config {
  const abs = resolve(file);
  const data = readJson(abs);
  const problems = validateDocument('config', abs, data);
  if (problems.length) throw new ConfigError(abs, problems);
  const config = { ...(data as Config), dir: dirname(abs), source: abs };
  delete (config as { $schema?: string }).$schema;
  return config;
}

/**
 * The nearest `consent-lint.config.json`, searching upward from `startDir`
 * and stopping at the repository root (the first directory holding `.git`).
 */
export function findConfigFile(startDir: string): string | undefined {
  let dir = resolve(startDir);
  try {
    if (!statSync(dir).isDirectory()) dir = dirname(dir);
  } catch {
    dir = dirname(dir);
  }
  for (;;) {
    const candidate = join(dir, CONFIG_FILE_NAME);
    if (existsSync(candidate)) return candidate;
    if (existsSync(join(dir, '.git'))) return undefined;
    const parent = dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
}

/** `consent-lint validate FILE`: which schema applies, and what is wrong. */
export function validateFile(file: string): { kind: SchemaKind; problems: SchemaProblem[] } {
  const abs = resolve(file);
  const data = readJson(abs);
  const looksLikePolicy = typeof data === 'object' && data !== null && 'id' in data && ('rules' in data || 'guards' in data || 'description' in data);
  const kind: SchemaKind = abs.endsWith(CONFIG_FILE_NAME) || !looksLikePolicy ? 'config' : 'policy';
  return { kind, problems: validateDocument(kind, abs, data) };
}
