/**
 * JSON documents the tool reads (configs, policies): located, read through the
 * guarded reader, validated by the JSON Schemas in `schemas/`, with errors that
 * name the file, the JSON pointer and (for JSONC) the line and column.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { Node as JsonNode, ParseError } from 'jsonc-parser';
import { GuardedReadError, guardedReadText } from '../discover/index.js';
import type { Policy } from '../model.js';
import { lineColumn } from '../program/text.js';

/** The package root (holds `policies/` and `schemas/`), from src/policy or dist/policy alike. */
export const packageRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
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

export type SchemaKind = 'policy' | 'config';
const validators = new Map<SchemaKind, ValidateFunction>();

const require = createRequire(import.meta.url);

function validator(kind: SchemaKind): ValidateFunction {
  let v = validators.get(kind);
  if (!v) {
    // Precompiled at build time (scripts/compile-schemas.mjs); compiled here when running from src/.
    try {
      // By a path that means dist/policy/ from dist/policy/ and from dist/bundle/ (scripts/bundle.mjs) alike.
      v = (require('../policy/validators.cjs') as Record<SchemaKind, ValidateFunction>)[kind];
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
    if (
      (e.keyword === 'oneOf' || e.keyword === 'anyOf') &&
      errors.some((o) => o !== e && o.instancePath.startsWith(e.instancePath) && o.keyword !== e.keyword)
    )
      continue;
    let text = e.message ?? 'is invalid';
    if (e.keyword === 'additionalProperties')
      text = `unknown property "${(e.params as { additionalProperty: string }).additionalProperty}" (not allowed here)`;
    if (e.keyword === 'enum')
      text = `must be one of ${(e.params as { allowedValues: unknown[] }).allowedValues.map((x) => JSON.stringify(x)).join(', ')}`;
    if (e.keyword === 'const') text = `must be ${JSON.stringify((e.params as { allowedValue: unknown }).allowedValue)}`;
    if (e.keyword === 'required')
      text = `missing required property "${(e.params as { missingProperty: string }).missingProperty}"`;
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
  const { findNodeAtLocation, getNodeValue, parseTree, printParseErrorCode } =
    require('jsonc-parser') as typeof import('jsonc-parser');
  const tree = parseTree(text, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
  if (errors.length || !tree) {
    const problems = (errors.length ? errors : [{ error: 4, offset: 0, length: 0 } as ParseError])
      .slice(0, 5)
      .map((e) => ({
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
      const target = key && node.parent?.type === 'property' ? node.parent.children![0] : node;
      return lineColumn(text, target.offset);
    },
  };
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
export function checkPolicySemantics(p: Policy): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  if ((p.rules ?? []).length > 0 && (p.tokens ?? []).length === 0) {
    problems.push({
      pointer: '/tokens',
      expected:
        'at least one token when the policy has rules (with no tokens no file is ever analysed, so every scan would pass)',
    });
  }
  const seen = new Set<string>();
  (p.rules ?? []).forEach((r, i) => {
    if (!r.id.startsWith(`${p.id}/`))
      problems.push({ pointer: `/rules/${i}/id`, expected: `a rule id of the form "${p.id}/<category>"` });
    if (seen.has(r.id))
      problems.push({ pointer: `/rules/${i}/id`, expected: `a unique rule id ("${r.id}" is repeated)` });
    seen.add(r.id);
  });
  return problems;
}
