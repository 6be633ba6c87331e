/**
 * The pipeline, demand-driven: only files that mention an SDK are parsed at
 * first; the importers of a module are parsed only while a chain of
 * references from a sink leads into it, so cost grows with the code around
 * SDK calls, not with the size of the repository.
 */
import type { AnalysisError, Config, Finding, Policy, RuleSpec } from './model.js';
import { Proof } from './proof/index.js';
import { Resolver, type ModuleInfo, type Project } from './sinks/index.js';

export interface Analysis {
  findings: Finding[];
  errors: AnalysisError[];
  rules: RuleSpec[];
  filesParsed: number;
}

/** The rules in force: config `rules` may turn a rule off or change its severity. */
export function rulesInForce(policies: Policy[], config: Config | undefined): RuleSpec[] {
  const settings = config?.rules ?? {};
  const out: RuleSpec[] = [];
  for (const p of policies) {
    for (const r of p.rules) {
      const s = settings[r.id];
      if (s === 'off') continue;
      out.push(s ? { ...r, severity: s } : r);
    }
  }
  return out;
}

/** Files worth parsing first: those whose text mentions a token of a policy with rules. */
export function seedFiles(project: Project, policies: Policy[]): string[] {
  const tokens = policies.filter((p) => p.rules.length).flatMap((p) => p.tokens);
  if (!tokens.length) return [];
  const re = new RegExp(tokens.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
  const out: string[] = [];
  for (const [rel, f] of project.files) if (re.test(f.text)) out.push(rel);
  return out;
}

export function analyse(project: Project, seeds: string[], policies: Policy[], config: Config | undefined): Analysis {
  const rules = rulesInForce(policies, config);
  const resolver = new Resolver(project);
  const proof = new Proof(project, resolver, policies, config);
  for (const f of seeds) project.module(f);

  // Follow references outward: parse the importers of every module holding
  // code from which a sink is reachable, until no new file is needed.
  const expanded = new Set<string>();
  for (let round = 0; round < 1000; round++) {
    const reaching = proof.reachingModules(project.parsed, rules);
    const next = reaching.filter((m) => !expanded.has(m.file));
    if (!next.length) break;
    let added = 0;
    for (const m of next) {
      expanded.add(m.file);
      for (const importer of project.importersOf(m.file)) {
        if (!project.isParsed(importer)) {
          project.module(importer);
          added++;
        }
      }
    }
    if (!added) break;
  }
  const modules: ModuleInfo[] = [...project.parsed];
  const { findings, errors } = proof.prove(modules, rules);
  return { findings, errors: [...project.errors(), ...errors], rules, filesParsed: modules.length };
}
