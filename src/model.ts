/**
 * The shared vocabulary of the pipeline. Every stage speaks these types and
 * nothing else crosses stage boundaries:
 *
 *   discover -> parse -> sinks -> flow -> guards/proof -> report
 */
import type { File as BabelFile } from '@babel/types';

/** A consent purpose: `analytics`, `marketing`, `advertising`, `tracking-authorization`, or any policy-defined string. */
export type Purpose = string;

export type Severity = 'error' | 'warn';
export type RuleSetting = Severity | 'off';

/** 1-based line, 1-based column (as users and editors count). */
export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** Something that could not be analysed; never silently ignored. */
export interface AnalysisError {
  file: string;
  line: number;
  column: number;
  message: string;
  /** `parse` | `skipped` | `unresolved` | `unsupported` | `config` ... */
  kind: string;
}

// ---------------------------------------------------------------- discover

export interface DiscoveredFile {
  /** Absolute path. */
  absPath: string;
  /** Path relative to the scan root, `/` separators. */
  relPath: string;
  /** File contents, decoded as UTF-8 (BOM stripped; positions unaffected since the BOM is not a column). */
  text: string;
}

export interface Discovery {
  root: string;
  files: DiscoveredFile[];
  /** Files listed but not read: binary, non-UTF-8, huge, minified, unreadable. */
  skipped: AnalysisError[];
  /** Number of candidate files seen (read or skipped). */
  filesScanned: number;
}

// ---------------------------------------------------------------- parse

export type ScriptLanguage = 'ts' | 'tsx' | 'js' | 'flow';

/**
 * One piece of JavaScript inside a file: the whole file for .ts/.js, or one
 * `<script>` block / event-handler attribute of an .html/.vue file.
 * Babel positions in `ast` are already file positions (startLine/startColumn).
 */
export interface ParsedScript {
  file: string; // relPath
  ast: BabelFile;
  language: ScriptLanguage;
  /** `module` for ES modules / CJS files; `script` for classic HTML scripts; `handler` for on* attributes. */
  kind: 'module' | 'script' | 'handler';
  /** Source text of the script (for code frames, suppressions). */
  code: string;
}

export interface ParsedFile {
  file: string;
  scripts: ParsedScript[];
  errors: AnalysisError[];
}

// ---------------------------------------------------------------- policy

/** Where a value comes from: an export of a module, or a global name. */
export type Origin =
  | { module: string; export: string }
  | { global: string };

export interface SinkSpec {
  /** Receivers: the SDK object(s) whose members are sinks. */
  receivers: Origin[];
  methods: string[];
}

export interface ArgumentRequirement {
  argument: number;
  /** Values flowing from any of these (call results, members thereof) trigger the extra purposes. */
  sources: Origin[];
  requires: Purpose[];
  description: string;
}

export interface RuleSpec {
  id: string;
  description: string;
  severity: Severity;
  requires: Purpose[];
  message: string;
  legalBasis: string;
  docs: string;
  sinks: SinkSpec[];
  argumentRequirements?: ArgumentRequirement[];
  examples?: { compliant: string; nonCompliant: string };
}

/** A step of an access path from an origin to a consent value. */
export type PathStep =
  | string // a property name
  | { anyProperty: true } // `{key}`: any property; its name is the key
  | { call: true; keyArgument?: number; argumentEquals?: Record<string, (string | number)[]> }
  | { callbackParameter: { argument: number; parameter: number }; argumentEquals?: Record<string, (string | number)[]> };

export type GuardTest =
  | { truthy: true }
  | { equals: (string | number | boolean)[] }
  | { includes: true } // `.includes(key)` / `.indexOf(key) >= 0`; key is the argument
  ;

export interface GuardSpec {
  id: string;
  description: string;
  from: Origin | { function: string; module?: string };
  path: PathStep[];
  test: GuardTest;
  /** Purposes granted regardless of key. */
  purposes?: Purpose[];
  /** Key (property name / argument / included value) -> purposes. `"*"`: the key itself is the purpose. */
  keys?: Record<string, Purpose[]>;
  keyIsPurpose?: boolean;
  /** Returns a promise: only a guard when awaited. */
  async?: boolean;
  /** `callback`: the function passed as `callbackArgument` runs only when granted. `assert`: code after the call runs only when granted. */
  kind?: 'value' | 'callback' | 'assert';
  callbackArgument?: number;
}

/** An SDK call that invokes other SDK methods by name (`applyQueue([{ name: 'start' }])`). */
export interface DispatcherSpec {
  receivers: Origin[];
  method: string;
  argument: number;
  nameProperty: string;
}

/** How functions outside the analysed code treat an SDK value passed to them (dotted callee names; `x.*` any member). */
export interface ValueUses {
  /** Look at the value, never call it (logging, serialisation, assertions). */
  inspect?: string[];
  /** Certainly call it (forwarders). */
  call?: string[];
}

export interface Policy {
  id: string;
  description: string;
  dispatchers?: DispatcherSpec[];
  valueUses?: ValueUses;
  /** Text tokens whose presence makes a file worth parsing (module names, globals). */
  tokens: string[];
  rules: RuleSpec[];
  guards: GuardSpec[];
  /** Source file of the policy (for error messages). */
  source?: string;
}

export interface ConfigGuard {
  function?: string;
  property?: string;
  module?: string;
  purposeArgument?: number;
  purposes?: Purpose[];
  assert?: boolean;
  callbackArgument?: number;
}

export interface Config {
  include?: string[];
  exclude?: string[];
  policies?: string[];
  guards?: ConfigGuard[];
  purposeAliases?: Record<string, Purpose>;
  rules?: Record<string, RuleSetting>;
  /** Directory of the config file (relative module paths resolve from here). */
  dir?: string;
  source?: string;
}

// ---------------------------------------------------------------- findings

export interface TraceStep {
  file: string;
  line: number;
  column: number;
  label: string;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  message: string;
  requires: Purpose[];
  missing: Purpose[];
  trace: TraceStep[];
  suppressed: boolean;
  suppressionReason?: string;
  /** Internal (not in the JSON report): enclosing scope path, e.g. `App/useEffect callback`, for baseline keys. */
  scope?: string;
  /** Internal: callee as written, e.g. `Leanplum.start`, for baseline keys. */
  callee?: string;
  /** Internal: every file whose code the verdict depended on (trace hops, guard wrappers), for --changed. */
  dependsOn?: string[];
}

export interface ResultDocument {
  version: 1;
  findings: Finding[];
  errors: AnalysisError[];
  stats: { filesScanned: number; filesParsed: number; durationMs: number };
}
