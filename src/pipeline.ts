/**
 * The pipeline, demand-driven, and the only place that parses: files that
 * mention an SDK first; then each stage of the analysis, run over the
 * snapshot of what is parsed, returns what it needs (files its answers
 * missed, importers of functions whose callers decide a sink), and the
 * relevant needs are parsed, until nothing new is needed. Cost grows with the
 * code around SDK calls, not with the size of the repository.
 */
import type { AnalysisInputs } from './cache/index.js';
import { join } from 'node:path';
import type { AnalysisError, Config, Discovery, Finding, Policy, RuleSpec } from './model.js';
import { largeFileMention, type LargeFileMention, MINIFIED_SDK_KIND, TOO_LARGE_SDK_KIND } from './discover/index.js';
import { ruleSeverity } from './policy/severity.js';
import { cmpGlobalRoots, writableNames } from './guards/writes.js';
import { Budget, type BudgetOptions } from './proof/budget.js';
import { Proof, type ProofResult } from './proof/index.js';
import {
  escapeRegExp,
  GLOBAL_OBJECTS,
  importerListsReadIn,
  Resolver,
  sdkModulesOf,
  stillHolds,
  tokenRegExp,
  type Dependence,
  type ModuleInfo,
  type Project,
  type ProjectOptions,
} from './program/index.js';
import {
  DYNAMIC_CODE_TOKENS,
  exportsSdkValue,
  sdkCalleeModules,
  sdkChannelModules,
  sdkEscapesRule,
  sdkGlobalStores,
} from './sinks/index.js';

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
  const out: RuleSpec[] = [];
  const all = policies.flatMap((p) => p.rules);
  // Where an SDK value leaves the analysis: a built-in rule whenever some SDK has rules.
  if (all.some((r) => r.sinks?.length)) all.push(sdkEscapesRule());
  for (const r of all) {
    // Strict: every rule on, each an error (a `rules` setting still wins).
    const severity = ruleSeverity(r, config);
    if (severity === 'off') continue;
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
    out.push(
      ...p.tokens,
      ...(p.autoImports ?? []).flatMap((a) => a.names),
      ...argumentsQueues([p]).map((q) => q.global),
      ...configPluginNames([p]),
    );
    for (const r of p.rules) {
      for (const s of r.sinks) s.receivers.forEach(origin);
      for (const a of r.argumentRequirements ?? []) (a.sources ?? []).forEach(origin);
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
  // Code run from a value (`eval(code)`) may call anything: where the analysis meets it, it is reported.
  out.push(...DYNAMIC_CODE_TOKENS);
  return out.filter(Boolean);
}

/** The texts that make a file mention an SDK: tokens of the policies with rules, and the SDK aliases. */
export function seedTokens(project: Project, policies: Policy[]): string[] {
  // What imports an SDK through a tsconfig or Babel alias names only the alias.
  return [...sdkTokens(policies), ...project.sdkAliasNames()];
}

/**
 * The tokens of the policies with rules; the framework plugins they name (a
 * build config naming one mentions the SDK); and the host objects another
 * package exports that an SDK is reached through (react-native's
 * `NativeModules` of `NativeModules.Leanplum.start`: a receiver whose methods
 * are all nested). A file using a host with a computed key
 * (`NativeModules[pkg][name]()`) may call the SDK without naming it.
 */
function sdkTokens(policies: Policy[]): string[] {
  const out: string[] = [];
  for (const p of policies) {
    if (!p.rules.length) continue;
    // A framework's auto-imported SDK function is called by its name alone (`useGtag()`).
    out.push(...p.tokens, ...(p.autoImports ?? []).flatMap((a) => a.names));
    for (const r of p.rules)
      for (const s of r.sinks) {
        if (!s.methods.length || !s.methods.every((m) => m.includes('.'))) continue;
        // Another package's export (a global of that shape is the SDK itself, already a token).
        for (const o of s.receivers)
          if ('module' in o && o.export !== '*' && o.export !== 'default' && !o.path?.length) out.push(o.export);
      }
  }
  out.push(...configPluginNames(policies));
  return [...new Set(out)];
}

/** The framework plugins the rules name (`gatsby-plugin-google-gtag`): a build config naming one mentions the SDK. */
function configPluginNames(policies: Policy[]): string[] {
  // A preset named by a common word (`classic`) is anchored by its list's key (`presets`, the file
  // naming it; its options may live in another module) and its option (`gtag`).
  return policies.flatMap((p) =>
    p.rules.flatMap((r) =>
      (r.configPlugins ?? []).flatMap((c) => (c.list ? [c.list, ...(c.option ? [c.option] : [])] : [c.package])),
    ),
  );
}

/** The methods the rules call on SDK globals (`start` of `Leanplum.start`): first parts of dotted ones. */
function globalSinkMethods(policies: Policy[]): string[] {
  const out = new Set<string>();
  for (const p of policies)
    for (const r of p.rules)
      for (const s of r.sinks)
        if (s.receivers.some((o) => 'global' in o)) for (const m of s.methods) if (m) out.add(m.split('.')[0]);
  return [...out];
}

/** How a file reads the global object by a computed key (`window[`): in the census, so the search below is cheap. */
function chosenGlobalTexts(policies: Policy[]): string[] {
  return globalSinkMethods(policies).length ? [...GLOBAL_OBJECTS].map((g) => `${g}[`) : [];
}

/**
 * A global chosen at run time (`window[name].start()`, `self[key]['init']()`)
 * may be an SDK's global without the file naming it: a file calling an SDK
 * global's method on one is worth parsing (the sink search then matches it
 * against every SDK global). Only the call written in place: libraries read
 * `window[key]` all the time, and a parsed file's unrelated `Function(…)` would
 * be reported; `const sdk = window[key]` is followed in files parsed anyway.
 */
export function chosenGlobalCalls(policies: Policy[]): RegExp | undefined {
  const methods = globalSinkMethods(policies).map(escapeRegExp).join('|');
  if (!methods) return undefined;
  const key = String.raw`\[(?!\s*['"\`])[^\]\n]*\]\s*`;
  return new RegExp(
    String.raw`\b(?:${[...GLOBAL_OBJECTS].join('|')})${key}(?:\??\.\s*(?:${methods})\b|\[\s*['"\`](?:${methods})['"\`]\s*\])`,
  );
}

/** The queues a stand-in for an SDK global pushes its `arguments` onto (`dataLayer.push`), per the policies' dispatchers. */
export function argumentsQueues(policies: Policy[]): { global: string; method: string }[] {
  return policies.flatMap((p) => (p.rules.length ? (p.dispatchers ?? []) : []).flatMap((d) => d.argumentsQueue ?? []));
}

/**
 * Files worth parsing first: those whose text mentions a token of a policy with
 * rules, or a queue a stand-in for an SDK global pushes onto (`dataLayer`: the
 * app's own `function track() { dataLayer.push(arguments); }` is `gtag`).
 */
export function seedFiles(project: Project, policies: Policy[]): string[] {
  const tokens = [...seedTokens(project, policies), ...argumentsQueues(policies).map((q) => q.global)];
  if (!tokens.length) return [];
  const seeds = project.filesMatching(new RegExp(tokens.map(escapeRegExp).join('|')), tokens);
  const chosen = chosenGlobalCalls(policies);
  if (!chosen) return seeds;
  const more = project.filesMatching(chosen, chosenGlobalTexts(policies));
  if (!more.length) return seeds;
  // In file order, as the one search gives.
  const all = new Set([...seeds, ...more]);
  return [...project.files.keys()].filter((rel) => all.has(rel));
}

/**
 * The discovery's skips, where a file that was not read and that nothing
 * marks as vendored or bundled mentions an SDK (`seedTokens`): a minified file
 * (`Discovery.minified`) or one over 1 MiB (`Discovery.tooLarge`, searched a
 * chunk at a time). Its SDK calls would be unchecked, so its skip becomes an
 * analysis error (exit 1), never a `skipped` entry that passes. A token counts
 * where no letter or digit comes right before it: inside a word it is prose.
 */
export function unreadNamingSdk(discovery: Discovery, tokens: string[]): AnalysisError[] {
  const { skipped, minified = [], tooLarge = [] } = discovery;
  if ((!minified.length && !tooLarge.length) || !tokens.length) return skipped;
  // A name inside a longer word is no mention (`braze` in Polish `obrazek`, a translation table of a vendored widget).
  const re = new RegExp(`(?<![A-Za-z0-9])(?:${tokens.map(escapeRegExp).join('|')})`);
  const named = new Map<string, { kind: string; message: string }>();
  const unchecked = 'so SDK calls in it are unchecked.';
  const vendored = 'a vendored bundle belongs in vendor/ or the config `exclude`.';
  for (const f of minified) {
    const m = re.exec(f.text);
    if (m)
      named.set(f.relPath, {
        kind: MINIFIED_SDK_KIND,
        message: `and it mentions \`${m[0]}\`, ${unchecked} Format the file to have it analysed; ${vendored}`,
      });
  }
  const longest = Math.max(...tokens.map((t) => t.length));
  for (const rel of tooLarge) {
    let found: LargeFileMention;
    try {
      found = largeFileMention(join(discovery.root, rel), rel, discovery.root, re, longest);
    } catch {
      found = { capped: true }; // it could not be read again: as unknown as a file searched in part
    }
    if (found.mark || (found.token === undefined && !found.capped)) continue;
    named.set(rel, {
      kind: TOO_LARGE_SDK_KIND,
      message:
        found.token !== undefined
          ? `and it mentions \`${found.token}\`, ${unchecked} Split the file to have it analysed; ${vendored}`
          : `and it could not be searched whole for SDK names, ${unchecked} Split the file, or ${vendored}`,
    });
  }
  if (!named.size) return skipped;
  return skipped.map((e) => {
    const why = e.kind === 'skipped' ? named.get(e.file) : undefined;
    if (!why) return e;
    return { ...e, kind: why.kind, message: `Not analysed: ${e.message.replace(/^Skipped: /, '')}, ${why.message}` };
  });
}

/** `consent-lint-disable…` directives: the files holding one are searched for on every run. */
export const DIRECTIVE_LITERAL = 'consent-lint-disable';

/** What the run's whole-project text searches look for (`ProjectOptions.searchLiterals`). */
function searchLiterals(policies: Policy[]): string[] {
  return [
    ...sdkTokens(policies),
    // Seeds too (`seedFiles`): a literal the census lacks sends the seed search over every file.
    ...argumentsQueues(policies).map((q) => q.global),
    ...chosenGlobalTexts(policies),
    ...writableNames(cmpGlobalRoots(policies)),
    DIRECTIVE_LITERAL,
  ];
}

/** `CONSENT_LINT_TIMING=1`: phase times on stderr (as ESLint's TIMING). */
export const timing = process.env.CONSENT_LINT_TIMING
  ? (label: string, since: number) =>
      process.stderr.write(`[timing] ${label}: ${Math.round(performance.now() - since)} ms\n`)
  : () => {};

/**
 * The project's options for a run: module aliases, the SDK modules the
 * policies know, and the tokens that make a file relevant. The pipeline parses
 * a file the analysis asks for only when it is relevant (it mentions a token
 * or imports a file that does); the rest is declined, and the cache re-checks
 * that decision.
 */
export function projectOptions(policies: Policy[], config: Config | undefined): ProjectOptions {
  return {
    moduleAliases: config?.moduleAliases,
    sdkModules: sdkModulesOf(policies),
    relevantTokens: tokenRegExp(analysisTokens(policies, config)),
    searchLiterals: searchLiterals(policies),
    moduleAutoImports: policies.flatMap((p) => p.autoImports ?? []),
  };
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

/** Time budgets, and `exhaustive` (`--no-prune`): every file is a seed, so nothing is ever missing or declined. */
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
  const queues = argumentsQueues(policies);
  const resolver = new Resolver(project);
  // Exhaustive: everything is parsed up front (the check of the pruning).
  if (budgetOptions.exhaustive) seeds = [...project.files.keys()];
  // The proof reads the snapshot of what is parsed; what it misses it asks for
  // (Project.want), and only this loop turns those asks into parsing.
  const proof = new Proof(project, resolver, policies, config, budget);
  // Parse a file not parsed yet: 1 if it was, for the round's count of files added.
  const loadNew = (rel: string): number => (!project.isParsed(rel) && project.load(rel) ? 1 : 0);
  // Parse what was asked for, if relevant; the rest is declined for good.
  const parseNeeds = (needs: string[]): number => {
    let added = 0;
    for (const rel of needs) {
      if (!budgetOptions.exhaustive && !project.relevant(rel) && !project.isInsisted(rel)) project.decline(rel);
      else added += loadNew(rel);
    }
    return added;
  };
  for (let i = 0; i < seeds.length; i++) {
    if (i % 25 === 0) yield `parsing files that mention an SDK (${i}/${seeds.length})`;
    project.load(seeds[i]);
  }
  timing(`parse ${seeds.length} seed files`, t0);
  t0 = performance.now();

  // A module handing out the SDK (`export const engagement = Leanplum`, barrels
  // re-exporting it) leads to importers that call it without naming it.
  const handedOut = [...seeds];
  const checked = new Set<string>();
  const sdkExporters = new Set<string>();
  const storedGlobals = new Set<string>();
  // Modules whose check depended on the snapshot: checked again once what it missed is parsed, or
  // once a growing fact it read (calls of a function, stores into a global) has grown.
  const partial = new Map<string, Dependence>();
  const followHandedOut = (): number => {
    let added = 0;
    for (const [file, p] of partial) {
      if (stillHolds(project, p, false)) continue;
      partial.delete(file);
      checked.delete(file);
      handedOut.push(file);
    }
    while (handedOut.length) {
      const file = handedOut.pop()!;
      if (checked.has(file)) continue;
      const mod = project.module(file);
      if (!mod) continue;
      const frame = project.frames.begin();
      checked.add(file);
      // `window.lp = Leanplum`: every file naming that global may read the SDK back.
      for (const name of sdkGlobalStores(mod, rules, resolver)) {
        if (storedGlobals.has(name)) continue;
        storedGlobals.add(name);
        const mentions = new RegExp(`\\b${escapeRegExp(name)}\\b`);
        for (const [rel, f] of project.files) {
          if (project.isParsed(rel) || !mentions.test(f.text)) continue;
          added += loadNew(rel);
          handedOut.push(rel);
        }
      }
      // Modules the SDK is handed to are parsed whatever their text names: the context or token a
      // Provider gives it to (`<LpContext.Provider value={Leanplum}>`: it hands the SDK to its readers),
      // and the function a call passes it to (`run(Leanplum)`: followed into `run`, not an escape).
      const channels = sdkChannelModules(mod, rules, resolver);
      for (const rel of [...channels.needs, ...sdkCalleeModules(mod, rules, resolver), ...channels.modules]) {
        added += loadNew(rel);
        handedOut.push(rel);
      }
      const exports = exportsSdkValue(mod, rules, resolver, queues);
      const dependence = project.frames.end(frame);
      if (dependence) partial.set(file, dependence);
      if (!exports) continue;
      sdkExporters.add(file); // its importer list is an input of the result
      for (const importer of project.importersOf(file)) {
        added += loadNew(importer);
        handedOut.push(importer);
      }
    }
    return added;
  };

  // Follow unguarded reference chains outward: parse the importers of every
  // module whose functions' callers are still needed (and of the barrels
  // re-exporting them), and whatever the analysis asked for, until a round
  // adds no file; then prove, and go on if the proof still asked for files.
  // Which names of a module have had their importers parsed ('all': every importer).
  const expanded = new Map<string, Set<string> | 'all'>();
  const skipped = new Set<string>();
  const MAX_ROUNDS = 1000;
  let cutShort = false;
  let result: ProofResult | undefined;
  for (let round = 0; ; round++) {
    if (round === MAX_ROUNDS) {
      cutShort = true;
      break;
    }
    // Out of time: stop here; the proof then reports every sink (nothing is proven).
    if (budget.runOver) break;
    yield `following references (${project.parsed.length} files parsed)`;
    const tr = performance.now();
    project.nextEpoch(); // facts with no finer version (references into other modules) are read afresh in each round
    let added = followHandedOut() + parseNeeds(project.takeWanted());
    // Settle what the sinks stage asks for before references and guards are sought.
    for (let more = 1; more; added += more) {
      more = parseNeeds(proof.searchSinks(project.parsed, rules));
      more += followHandedOut() + parseNeeds(project.takeWanted());
    }
    const queue: { file: string; names: Set<string> | 'all' }[] = [];
    const { frontier, needs } = proof.expansionFrontier(project.parsed, rules);
    for (const { module, names } of frontier) {
      const done = expanded.get(module.file);
      if (done === 'all') continue;
      const fresh = names === 'all' ? 'all' : new Set([...names].filter((n) => !done?.has(n)));
      if (fresh !== 'all' && !fresh.size) continue;
      queue.push({ file: module.file, names: fresh });
    }
    while (queue.length) {
      const { file, names } = queue.pop()!;
      const done = expanded.get(file);
      if (done === 'all') continue;
      expanded.set(file, names === 'all' ? 'all' : new Set([...(done ?? []), ...names]));
      const mentions = names === 'all' ? undefined : new RegExp(`\\b(?:${[...names].map(escapeRegExp).join('|')})\\b`);
      for (const importer of project.importersOf(file)) {
        const reexports = project.reExports(importer, file);
        // An importer that never mentions a needed name cannot refer to it, unless it holds the whole
        // module (`import * as m`, `require`, `import()`), whose exports a computed key or `Object.values` reaches.
        if (
          !reexports &&
          mentions &&
          !mentions.test(project.files.get(importer)?.text ?? '') &&
          !project.importsWhole(importer, file)
        ) {
          skipped.add(importer); // its text decided this: an input of the result
          continue;
        }
        added += loadNew(importer);
        // A barrel passes the module on: its own importers may hold the references.
        if (reexports) queue.push({ file: importer, names: 'all' });
      }
    }
    added += parseNeeds(needs);
    timing(`round ${round}: +${added} files`, tr);
    if (added) continue;
    const tp = performance.now();
    yield `proving (${project.parsed.length} files)`;
    project.nextEpoch();
    result = proof.prove([...project.parsed], rules);
    timing('prove', tp);
    if (!parseNeeds(result.needs) || budget.runOver) break;
  }
  timing(`expand to ${project.parsed.length} files`, t0);
  const modules: ModuleInfo[] = [...project.parsed];
  const { findings, errors } = result ?? proof.prove(modules, rules);
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
      // Nuxt's auto-imports were read from its sources' and configs' text.
      parsed: [...new Set([...project.parsed.map((m) => m.file), ...skipped, ...project.autoImports.inputs()])],
      // Modules whose importers decided that a helper, context or token is followed are inputs too.
      expanded: [...new Set([...expanded.keys(), ...sdkExporters, ...importerListsReadIn(project)])].sort(),
      declined: project.declinedFiles(),
    },
  };
}
