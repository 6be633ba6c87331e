/**
 * The pipeline, demand-driven: only files that mention an SDK are parsed at
 * first; the importers of a module are parsed only while a chain of
 * references from a sink leads into it, so cost grows with the code around
 * SDK calls, not with the size of the repository.
 */
import type { AnalysisInputs } from './cache/index.js';
import type { AnalysisError, Config, Finding, Policy, RuleSpec } from './model.js';
import { Budget, type BudgetOptions } from './proof/budget.js';
import { Proof } from './proof/index.js';
import { escapeRegExp, Resolver, tokenRegExp, type ModuleInfo, type Project } from './program/index.js';
import { exportsSdkValue, sdkArgumentCallees, sdkEscapesRule, sdkGlobalStores } from './sinks/index.js';

export interface Analysis {
  findings: Finding[];
  errors: AnalysisError[];
  rules: RuleSpec[];
  filesParsed: number;
  /** What the analysis read, for the cache's validation. */
  inputs: AnalysisInputs;
  /** The proof itself, for `consent-lint why` (not cached). */
  proof?: Proof;
}

/**
 * The rules in force: config `rules` may turn a rule off or change its
 * severity; rules marked `preset: "strict"` are on only under the `strict`
 * preset (no preset means `recommended`) or when `rules` names them.
 */
export function rulesInForce(policies: Policy[], config: Config | undefined): RuleSpec[] {
  const settings = config?.rules ?? {};
  const out: RuleSpec[] = [];
  const all = policies.flatMap((p) => p.rules);
  // Where an SDK value leaves the analysis: a built-in rule whenever some SDK has rules.
  if (all.some((r) => r.sinks?.length)) all.push(sdkEscapesRule());
  for (const r of all) {
    const s = settings[r.id];
    if (s === 'off') continue;
    if (!s && r.preset === 'strict' && config?.preset !== 'strict') continue;
    // Strict: every rule on, each an error (a `rules` setting still wins).
    const severity = s ?? (config?.preset === 'strict' ? 'error' : r.severity);
    out.push(severity !== r.severity ? { ...r, severity } : r);
  }
  return out;
}

/**
 * Every name through which a value can become an SDK, an advertising-ID
 * source, or a consent check: policy tokens, origins of sinks, sources and
 * guards, and the config's guard names.
 */
export function analysisTokens(policies: Policy[], config: Config | undefined): string[] {
  const out: string[] = [];
  const origin = (o: object) =>
    out.push(
      'global' in o
        ? String((o as { global: string }).global)
        : 'module' in o
          ? String((o as { module: string }).module)
          : '',
    );
  for (const p of policies) {
    out.push(...p.tokens);
    for (const r of p.rules) {
      for (const s of r.sinks) s.receivers.forEach(origin);
      for (const a of r.argumentRequirements ?? []) a.sources.forEach(origin);
    }
    for (const g of p.guards) {
      if ('function' in g.from) out.push(g.from.function.split('.')[0], ...(g.from.module ? [g.from.module] : []));
      else origin(g.from);
    }
  }
  for (const g of config?.guards ?? []) {
    if (g.function) out.push(g.function.split('.').pop()!);
    if (g.property) out.push(g.property.split('.')[0]);
  }
  return out.filter(Boolean);
}

/** Files worth parsing first: those whose text mentions a token of a policy with rules. */
export function seedFiles(project: Project, policies: Policy[]): string[] {
  const tokens = policies.filter((p) => p.rules.length).flatMap((p) => p.tokens);
  if (!tokens.length) return [];
  const re = new RegExp(tokens.map(escapeRegExp).join('|'));
  const out: string[] = [];
  for (const [rel, f] of project.files) if (re.test(f.text)) out.push(rel);
  return out;
}

/** `CONSENT_LINT_TIMING=1`: phase times on stderr (as ESLint's TIMING). */
export const timing = process.env.CONSENT_LINT_TIMING
  ? (label: string, since: number) =>
      process.stderr.write(`[timing] ${label}: ${Math.round(performance.now() - since)} ms\n`)
  : () => {};

/** Resolution parses a file on demand only if it can lead to an SDK or a guard. */
export function configureProject(project: Project, policies: Policy[], config: Config | undefined): void {
  const tokens = tokenRegExp(analysisTokens(policies, config));
  if (tokens) project.worthParsing = project.tokenClosure(tokens);
}

/** Run the analysis to completion, synchronously. */
export function analyse(
  project: Project,
  seeds: string[],
  policies: Policy[],
  config: Config | undefined,
  budget?: AnalysisOptions,
): Analysis {
  const steps = analysisSteps(project, seeds, policies, config, budget);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

/** The same, yielding to the event loop between steps (a progress spinner keeps turning) and reporting each step. */
export async function analyseAsync(
  project: Project,
  seeds: string[],
  policies: Policy[],
  config: Config | undefined,
  onProgress?: (step: string) => void,
  budget?: AnalysisOptions,
): Promise<Analysis> {
  const steps = analysisSteps(project, seeds, policies, config, budget);
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    onProgress?.(r.value);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** Time budgets, and `exhaustive` (`--no-prune`): every file is a seed and on-demand parsing is never narrowed. */
export type AnalysisOptions = BudgetOptions & { exhaustive?: boolean };

/** The analysis as steps; each `yield` says what comes next. */
function* analysisSteps(
  project: Project,
  seeds: string[],
  policies: Policy[],
  config: Config | undefined,
  budgetOptions: AnalysisOptions = {},
): Generator<string, Analysis> {
  let t0 = performance.now();
  const budget = new Budget(budgetOptions);
  const rules = rulesInForce(policies, config);
  const resolver = new Resolver(project);
  // Exhaustive: everything is parsed up front, so nothing is ever cut off or declined (the check of the pruning).
  if (budgetOptions.exhaustive) {
    seeds = [...project.files.keys()];
    project.worthParsing = () => true;
  } else configureProject(project, policies, config);
  const proof = new Proof(project, resolver, policies, config, budget);
  for (let i = 0; i < seeds.length; i++) {
    if (i % 25 === 0) yield `parsing files that mention an SDK (${i}/${seeds.length})`;
    project.module(seeds[i]);
  }
  // A module handing out the SDK (`export const engagement = Leanplum`, barrels
  // re-exporting it) leads to importers that call it without naming it.
  const handedOut = [...seeds];
  const checked = new Set<string>();
  const sdkExporters = new Set<string>();
  const storedGlobals = new Set<string>();
  while (handedOut.length) {
    const file = handedOut.pop()!;
    if (checked.has(file)) continue;
    checked.add(file);
    const mod = project.module(file);
    if (!mod) continue;
    // `window.lp = Leanplum`: every file naming that global may read the SDK back.
    for (const name of sdkGlobalStores(mod, rules, resolver)) {
      if (storedGlobals.has(name)) continue;
      storedGlobals.add(name);
      const mentions = new RegExp(`\\b${escapeRegExp(name)}\\b`);
      for (const [rel, f] of project.files) {
        if (project.isParsed(rel) || !mentions.test(f.text)) continue;
        project.module(rel);
        handedOut.push(rel);
      }
    }
    // `run(Leanplum)`: the function may live in a module that names no SDK; parse what resolving it needs.
    const handedIn = sdkArgumentCallees(mod, rules, resolver);
    const narrow = project.worthParsing;
    const before = project.parsed.length;
    project.worthParsing = () => true;
    try {
      for (const { callee, index } of handedIn) resolver.value(callee, index);
    } finally {
      project.worthParsing = narrow;
    }
    for (const m of project.parsed.slice(before)) handedOut.push(m.file);
    if (!exportsSdkValue(mod, rules, resolver)) continue;
    sdkExporters.add(file); // its importer list is an input of the result
    for (const importer of project.importersOf(file)) {
      project.module(importer);
      handedOut.push(importer);
    }
  }
  timing(`parse ${seeds.length} seed files`, t0);
  t0 = performance.now();

  // Follow unguarded reference chains outward: parse the importers of every
  // module whose functions' callers are still needed (and of the barrels
  // re-exporting them), until no new file is needed.
  // Which names of a module have had their importers parsed ('all': every importer).
  const expanded = new Map<string, Set<string> | 'all'>();
  const skipped = new Set<string>();
  const MAX_ROUNDS = 1000;
  let cutShort = false;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    // Out of time: stop here; the proof then reports every sink (nothing is proven).
    if (budget.runOver) break;
    yield `following references (${project.parsed.length} files parsed)`;
    const tr = performance.now();
    const queue: { file: string; names: Set<string> | 'all' }[] = [];
    for (const { module, names } of proof.expansionFrontier(project.parsed, rules)) {
      const done = expanded.get(module.file);
      if (done === 'all') continue;
      const fresh = names === 'all' ? 'all' : new Set([...names].filter((n) => !done?.has(n)));
      if (fresh !== 'all' && !fresh.size) continue;
      queue.push({ file: module.file, names: fresh });
    }
    if (!queue.length) break;
    let added = 0;
    while (queue.length) {
      const { file, names } = queue.pop()!;
      const done = expanded.get(file);
      if (done === 'all') continue;
      expanded.set(file, names === 'all' ? 'all' : new Set([...(done ?? []), ...names]));
      // An importer that never mentions a needed name cannot refer to it, unless it holds the whole
      // module (`import * as m`, `require`, `import()`), whose exports a computed key or `Object.values` reaches.
      const mentions = names === 'all' ? undefined : new RegExp(`\\b(?:${[...names].map(escapeRegExp).join('|')})\\b`);
      for (const importer of project.importersOf(file)) {
        const reexports = project.reExports(importer, file);
        if (
          !reexports &&
          mentions &&
          !mentions.test(project.files.get(importer)?.text ?? '') &&
          !project.importsWhole(importer, file)
        ) {
          skipped.add(importer); // its text decided this: an input of the result
          continue;
        }
        if (!project.isParsed(importer)) {
          project.module(importer);
          added++;
        }
        // A barrel passes the module on: its own importers may hold the references.
        if (reexports) queue.push({ file: importer, names: 'all' });
      }
    }
    timing(`round ${round}: +${added} files`, tr);
    if (!added) break;
    if (round === MAX_ROUNDS - 1) cutShort = true;
  }
  timing(`expand to ${project.parsed.length} files`, t0);
  t0 = performance.now();
  yield `proving (${project.parsed.length} files)`;
  const modules: ModuleInfo[] = [...project.parsed];
  const { findings, errors } = proof.prove(modules, rules);
  timing('prove', t0);
  // Never a silent stop: importers still unread may call unguarded (the run then fails, as for any analysis error).
  if (cutShort)
    errors.push({
      file: modules[0]?.file ?? '',
      line: 1,
      column: 1,
      kind: 'unsupported',
      message: `following references stopped after ${MAX_ROUNDS} rounds; importers not read yet may call SDK code without consent`,
    });
  return {
    findings,
    errors: [...project.errors(), ...errors],
    rules,
    // Everything parsed counts, also helpers first needed by the proof itself.
    filesParsed: project.parsed.length,
    proof,
    inputs: {
      seeds,
      parsed: [...new Set([...project.parsed.map((m) => m.file), ...skipped])],
      expanded: [...new Set([...expanded.keys(), ...sdkExporters])].sort(),
      declined: [...project.declined].sort(),
    },
  };
}
