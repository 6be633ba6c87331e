/**
 * A local stand-in for the GitHub Actions runner executing a composite
 * action's steps, close to what the runner does:
 *
 * - `${{ … }}` expressions in `env`, `working-directory`, `run` and `with` are
 *   evaluated (contexts `inputs` with the action's defaults, `steps.<id>.outputs`,
 *   `github`, `runner`, `env`; operators `! == != && || ()`, functions
 *   `always() success() failure() cancelled() contains() startsWith()`);
 * - `if:` defaults to `success()` and is evaluated the same way (a bare
 *   expression without `${{ }}` is allowed, as GitHub allows it);
 * - a `shell: bash` step runs as `bash --noprofile --norc -eo pipefail {file}`
 *   with a fresh `GITHUB_OUTPUT`, `GITHUB_ENV`, `GITHUB_PATH` file per step and
 *   the job's `GITHUB_STEP_SUMMARY`; `name<<DELIM` and `name=value` outputs
 *   are parsed, `GITHUB_ENV` additions reach later steps;
 * - a `uses:` step is recorded (with its evaluated `with:`), not executed:
 *   there is no network here.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface ActionStep {
  id?: string;
  name?: string;
  if?: string;
  shell?: string;
  run?: string;
  uses?: string;
  with?: Record<string, string>;
  env?: Record<string, string>;
  'working-directory'?: string;
}

export interface ActionMetadata {
  inputs: Record<string, { default?: string; required?: boolean }>;
  outputs: Record<string, { value: string }>;
  runs: { using: string; steps: ActionStep[] };
}

export interface StepRecord {
  step: ActionStep;
  label: string;
  outcome: 'success' | 'failure' | 'skipped';
  /** Exit code of a `run:` step. */
  code?: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  /** The evaluated `with:` of a `uses:` step. */
  with?: Record<string, string>;
  /** The script as the runner wrote it to disk (expressions substituted). */
  script?: string;
}

export interface ActionRun {
  steps: StepRecord[];
  /** Whether the action (and so the job) failed. */
  failed: boolean;
  outputs: Record<string, string>;
  summary: string;
  /** Everything the run steps printed, in order. */
  log: string;
}

export function loadAction(file: string): ActionMetadata {
  return parseYaml(readFileSync(file, 'utf8')) as ActionMetadata;
}

// ------------------------------------------------------------------ expressions

type Value = string | number | boolean | null | Record<string, unknown>;
type Token = { t: 'str' | 'num' | 'id' | 'op'; v: string };

function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'") {
      let s = '';
      for (i++; ; i++) {
        if (i >= src.length) throw new Error(`unterminated string in ${src}`);
        if (src[i] === "'" && src[i + 1] === "'") {
          s += "'";
          i++;
        } else if (src[i] === "'") break;
        else s += src[i];
      }
      i++;
      out.push({ t: 'str', v: s });
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^-?[0-9.]+/.exec(src.slice(i))!;
      out.push({ t: 'num', v: m[0] });
      i += m[0].length;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][\w-]*/.exec(src.slice(i))!;
      out.push({ t: 'id', v: m[0] });
      i += m[0].length;
    } else {
      const two = src.slice(i, i + 2);
      if (['==', '!=', '&&', '||', '<=', '>='].includes(two)) {
        out.push({ t: 'op', v: two });
        i += 2;
      } else if ('!().,[]<>'.includes(c)) {
        out.push({ t: 'op', v: c });
        i++;
      } else throw new Error(`unexpected "${c}" in expression ${src}`);
    }
  }
  return out;
}

export interface ExprContext {
  contexts: Record<string, Value>;
  /** Status functions. */
  status: { failed: boolean };
}

const truthy = (v: Value | undefined): boolean =>
  !(v === undefined || v === null || v === false || v === 0 || v === '' || Number.isNaN(v));
const str = (v: Value | undefined): string =>
  v === undefined || v === null ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);

function looseEquals(a: Value | undefined, b: Value | undefined): boolean {
  // GitHub: strings compare case-insensitively; other mixed types are coerced to numbers.
  if (typeof a === 'string' && typeof b === 'string') return a.toLowerCase() === b.toLowerCase();
  const x = a ?? null;
  const y = b ?? null;
  if (typeof x === typeof y && (x === null || typeof x !== 'object')) return x === y;
  const num = (v: Value): number =>
    v === null
      ? 0
      : typeof v === 'boolean'
        ? Number(v)
        : typeof v === 'number'
          ? v
          : typeof v === 'string'
            ? v.trim() === ''
              ? 0
              : Number(v)
            : NaN;
  return num(x) === num(y);
}

export function evaluate(src: string, ctx: ExprContext): Value | undefined {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const take = (v?: string) => {
    const t = tokens[pos++];
    if (!t || (v !== undefined && t.v !== v)) throw new Error(`expected ${v ?? 'a token'} in ${src}`);
    return t;
  };
  const or = (): Value | undefined => {
    let left = and();
    while (peek()?.v === '||') {
      take();
      const right = and();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const and = (): Value | undefined => {
    let left = eq();
    while (peek()?.v === '&&') {
      take();
      const right = eq();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const eq = (): Value | undefined => {
    let left = unary();
    while (peek()?.v === '==' || peek()?.v === '!=') {
      const op = take().v;
      const right = unary();
      left = op === '==' ? looseEquals(left, right) : !looseEquals(left, right);
    }
    return left;
  };
  const unary = (): Value | undefined => {
    if (peek()?.v === '!') {
      take();
      return !truthy(unary());
    }
    return primary();
  };
  const primary = (): Value | undefined => {
    const t = take();
    if (t.v === '(') {
      const v = or();
      take(')');
      return v;
    }
    if (t.t === 'str') return t.v;
    if (t.t === 'num') return Number(t.v);
    if (t.t !== 'id') throw new Error(`unexpected ${t.v} in ${src}`);
    if (t.v === 'true' || t.v === 'false') return t.v === 'true';
    if (t.v === 'null') return null;
    if (peek()?.v === '(') {
      take('(');
      const args: (Value | undefined)[] = [];
      while (peek()?.v !== ')') {
        args.push(or());
        if (peek()?.v === ',') take(',');
      }
      take(')');
      switch (t.v) {
        case 'always':
          return true;
        case 'success':
          return !ctx.status.failed;
        case 'failure':
          return ctx.status.failed;
        case 'cancelled':
          return false;
        case 'contains':
          return str(args[0]).toLowerCase().includes(str(args[1]).toLowerCase());
        case 'startsWith':
          return str(args[0]).toLowerCase().startsWith(str(args[1]).toLowerCase());
        case 'format':
          return str(args[0]).replace(/\{(\d+)\}/g, (_, n: string) => str(args[Number(n) + 1]));
        default:
          throw new Error(`unsupported function ${t.v}() in ${src}`);
      }
    }
    let value: Value | undefined = ctx.contexts[t.v];
    if (!(t.v in ctx.contexts)) throw new Error(`unknown context "${t.v}" in ${src}`);
    for (;;) {
      if (peek()?.v === '.') {
        take('.');
        const key = take().v;
        value = value && typeof value === 'object' ? (value[key] as Value | undefined) : undefined;
      } else if (peek()?.v === '[') {
        take('[');
        const key = str(or());
        take(']');
        value = value && typeof value === 'object' ? (value[key] as Value | undefined) : undefined;
      } else break;
    }
    return value;
  };
  const v = or();
  if (pos !== tokens.length) throw new Error(`trailing tokens in ${src}`);
  return v;
}

/** Replace every `${{ expr }}` in a string by its value (as GitHub does: missing values become ''). */
export function substitute(text: string, ctx: ExprContext): string {
  return text.replace(/\$\{\{(.*?)\}\}/gs, (_, expr: string) => str(evaluate(expr, ctx)));
}

function condition(expr: string | undefined, ctx: ExprContext): boolean {
  if (expr === undefined) return !ctx.status.failed;
  const inner = /^\s*\$\{\{(.*)\}\}\s*$/s.exec(expr)?.[1] ?? expr;
  // GitHub adds success() to a condition that calls no status function.
  const hasStatus = /\b(always|success|failure|cancelled)\s*\(/.test(inner);
  return (hasStatus || !ctx.status.failed) && truthy(evaluate(inner, ctx));
}

// ------------------------------------------------------------------ files

export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (!line) continue;
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc) {
      const value: string[] = [];
      for (i++; i < lines.length && lines[i] !== heredoc[2]; i++) value.push(lines[i]);
      if (i >= lines.length) throw new Error(`unterminated heredoc ${heredoc[2]} for ${heredoc[1]}`);
      out[heredoc[1]] = value.join('\n');
      continue;
    }
    const eq = line.indexOf('=');
    if (eq <= 0) throw new Error(`invalid line in environment file: ${line}`);
    out[line.slice(0, eq)] = line.slice(eq + 1);
  }
  return out;
}

// ------------------------------------------------------------------ running

export interface RunOptions {
  /** The `with:` of the `uses: owner/consent-lint@v0` step. */
  inputs?: Record<string, string>;
  /** The job's working directory (`$GITHUB_WORKSPACE`). */
  workspace: string;
  /** Where the action is checked out (`github.action_path`). */
  actionPath: string;
  /** Base environment of the runner process (PATH, HOME, …). */
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

export function runCompositeAction(action: ActionMetadata, options: RunOptions): ActionRun {
  if (action.runs.using !== 'composite') throw new Error(`not a composite action: ${action.runs.using}`);
  const temp = mkdtempSync(join(tmpdir(), 'cl-runner-'));
  const summaryFile = join(temp, 'step_summary');
  writeFileSync(summaryFile, '');
  const inputs: Record<string, string> = {};
  for (const [name, spec] of Object.entries(action.inputs ?? {}))
    inputs[name] = options.inputs?.[name] ?? spec.default ?? '';
  for (const name of Object.keys(options.inputs ?? {}))
    if (!(name in inputs)) throw new Error(`unexpected input ${name}`);
  const stepsCtx: Record<string, { outputs: Record<string, string>; outcome: string; conclusion: string }> = {};
  const addedEnv: Record<string, string> = {};
  const status = { failed: false };
  const records: StepRecord[] = [];
  const baseEnv: NodeJS.ProcessEnv = {
    ...(options.env ?? { PATH: process.env.PATH, HOME: process.env.HOME }),
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_ACTION_PATH: options.actionPath,
    GITHUB_RUN_ID: '4242',
    RUNNER_TEMP: temp,
    RUNNER_OS: 'Linux',
    GITHUB_STEP_SUMMARY: summaryFile,
  };
  const ctx = (): ExprContext => ({
    contexts: {
      inputs,
      steps: stepsCtx,
      github: { action_path: options.actionPath, workspace: options.workspace, run_id: '4242', event_name: 'push' },
      runner: { temp, os: 'Linux' },
      env: { ...addedEnv },
    },
    status,
  });
  let log = '';

  action.runs.steps.forEach((step, index) => {
    const label = step.id ?? step.name ?? `step ${index}`;
    const record: StepRecord = { step, label, outcome: 'skipped', stdout: '', stderr: '', outputs: {} };
    records.push(record);
    if (!condition(step.if, ctx())) {
      if (step.id) stepsCtx[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
      return;
    }
    if (step.uses) {
      record.with = Object.fromEntries(
        Object.entries(step.with ?? {}).map(([k, v]) => [k, substitute(String(v), ctx())]),
      );
      record.outcome = 'success';
      if (step.id) stepsCtx[step.id] = { outputs: {}, outcome: 'success', conclusion: 'success' };
      return;
    }
    if (step.run === undefined) throw new Error(`step ${label} has neither run nor uses`);
    if (step.shell !== 'bash')
      throw new Error(`step ${label}: composite run steps need shell: bash here (got ${step.shell})`);
    const stepDir = join(temp, `step-${index}`);
    mkdirSync(stepDir);
    const files = {
      GITHUB_OUTPUT: join(stepDir, 'output'),
      GITHUB_ENV: join(stepDir, 'env'),
      GITHUB_PATH: join(stepDir, 'path'),
    };
    for (const f of Object.values(files)) writeFileSync(f, '');
    const script = substitute(step.run, ctx());
    const scriptFile = join(stepDir, `${index}.sh`);
    writeFileSync(scriptFile, script);
    record.script = script;
    const stepEnv = Object.fromEntries(
      Object.entries(step.env ?? {}).map(([k, v]) => [k, substitute(String(v), ctx())]),
    );
    const wd = step['working-directory'] !== undefined ? substitute(step['working-directory'], ctx()) : '.';
    const cwd = isAbsolute(wd) ? wd : resolve(options.workspace, wd);
    const r = spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', scriptFile], {
      cwd,
      env: { ...baseEnv, ...addedEnv, ...stepEnv, ...files },
      encoding: 'utf8',
      timeout: options.timeoutMs ?? 120_000,
    });
    record.code = r.status;
    record.stdout = r.stdout;
    record.stderr = r.stderr;
    log += r.stdout + r.stderr;
    record.outputs = parseEnvFile(readFileSync(files.GITHUB_OUTPUT, 'utf8'));
    Object.assign(addedEnv, parseEnvFile(readFileSync(files.GITHUB_ENV, 'utf8')));
    record.outcome = r.status === 0 ? 'success' : 'failure';
    if (record.outcome === 'failure') status.failed = true;
    if (step.id) stepsCtx[step.id] = { outputs: record.outputs, outcome: record.outcome, conclusion: record.outcome };
  });

  const outputs = Object.fromEntries(
    Object.entries(action.outputs ?? {}).map(([k, o]) => [k, substitute(o.value, ctx())]),
  );
  return { steps: records, failed: status.failed, outputs, summary: readFileSync(summaryFile, 'utf8'), log };
}
