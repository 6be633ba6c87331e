/**
 * `consent-lint validate FILE...`, `consent-lint policies`, `consent-lint explain RULE_ID`.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const highlight: typeof import('@babel/code-frame').highlight = (...args) =>
  (require('@babel/code-frame') as typeof import('@babel/code-frame')).highlight(...args);
import type { Config, GuardSpec, Policy } from '../model.js';
import {
  builtinPolicyIds,
  checkRuleIds,
  ConfigError,
  findConfigFile,
  loadConfigFile,
  policiesInForce,
  resolvePolicies,
  validateFile,
} from '../policy/index.js';
import { readBaseline } from '../baseline/index.js';
import { policyRules, ruleSeverity } from '../policy/index.js';
import { paint } from '../report/colors.js';
import { ruleDocFile, ruleDocUrl } from '../policy/links.js';
import { directiveRules, DIRECTIVE } from '../suppress/index.js';
import { sdkEscapesRule } from '../sinks/index.js';
import { EXIT_OK, EXIT_USAGE, reportError, UsageError } from './errors.js';
import type { CliIO } from './io.js';
import { knownRules, resolveColor } from './scan.js';
import { describeSink } from '../sinks/forms.js';

// ------------------------------------------------------------------ validate

/** Validate policy, config (and baseline) files: `file: /pointer: expected` per problem, exit 2 if any. */
export function runValidate(files: string[], io: CliIO): number {
  if (!files.length) return reportError(new UsageError('validate: give at least one FILE'), io);
  let bad = false;
  for (const file of files) {
    const abs = resolve(io.cwd, file);
    try {
      let kind: string;
      if (looksLikeBaseline(abs)) {
        readBaseline(abs);
        kind = 'baseline';
      } else {
        const result = validateFile(abs);
        if (result.problems.length) throw new ConfigError(abs, result.problems);
        kind = result.kind;
      }
      io.stdout(`${file}: valid (${kind})\n`);
    } catch (error) {
      reportError(error, io);
      bad = true;
    }
  }
  return bad ? EXIT_USAGE : EXIT_OK;
}

function looksLikeBaseline(file: string): boolean {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, '')) as Record<string, unknown>;
    return typeof data === 'object' && data !== null && data.tool === 'consent-lint' && 'entries' in data;
  } catch {
    return false;
  }
}

// ------------------------------------------------------------------ shared

interface Loaded {
  config?: Config;
  configFile?: string;
  builtin: Policy[];
  /** Policies in force (config `policies`, or all built-in). */
  inForce: Policy[];
}

function load(configFlag: string | undefined, io: CliIO): Loaded {
  const configFile = configFlag ? resolve(io.cwd, configFlag) : findConfigFile(io.cwd);
  const config = configFile ? loadConfigFile(configFile) : undefined;
  const builtin = resolvePolicies(builtinPolicyIds());
  const inForce = policiesInForce(config, undefined, io.cwd, resolvePolicies);
  if (config) checkRuleIds(config, knownRules(inForce, sdkEscapesRule()));
  return { ...(config ? { config } : {}), ...(configFile ? { configFile } : {}), builtin, inForce };
}

/** A rule's setting: the config's, else off for `strict`-preset rules outside the strict preset, else its severity. */

function guardPurposes(g: GuardSpec): string[] {
  const set = new Set<string>(g.purposes ?? []);
  for (const list of Object.values(g.keys ?? {})) for (const p of list) set.add(p);
  if (g.keyIsPurpose) set.add('<key>');
  return [...set].sort();
}

function wrap(text: string, indent: string, width = 88): string {
  const out: string[] = [];
  for (const para of text.split('\n')) {
    let line = '';
    for (const word of para.split(/\s+/).filter(Boolean)) {
      if (line && indent.length + line.length + 1 + word.length > width) {
        out.push(indent + line);
        line = word;
      } else line = line ? `${line} ${word}` : word;
    }
    out.push(indent + line);
  }
  return out.join('\n');
}

// ------------------------------------------------------------------ policies

export interface PoliciesFlags {
  config?: string;
  format?: 'text' | 'json';
  color?: boolean;
}

export function runPolicies(flags: PoliciesFlags, io: CliIO): number {
  try {
    const { config, configFile, builtin, inForce } = load(flags.config, io);
    const all = [...inForce, ...builtin.filter((b) => !inForce.some((p) => p.source === b.source))];
    const forced = new Set(inForce.map((p) => p.source));
    const builtinSources = new Set(builtin.map((p) => p.source));
    if (flags.format === 'json') {
      const data = {
        config: configFile ?? null,
        policies: all.map((p) => ({
          id: p.id,
          description: p.description,
          builtin: builtinSources.has(p.source),
          inForce: forced.has(p.source),
          kind: policyRules(p).length ? (p.guards.length ? 'sdk+guards' : 'sdk') : 'guard-pack',
          rules: policyRules(p).map((r) => ({
            id: r.id,
            severity: ruleSeverity(r, config),
            requires: r.requires,
            message: r.message,
          })),
          guards: p.guards.map((g) => ({ id: g.id, description: g.description, purposes: guardPurposes(g) })),
        })),
        configGuards: config?.guards ?? [],
        directiveRules: directiveRules.map((r) => ({ id: r.id, severity: ruleSeverity(r, config) })),
      };
      io.stdout(`${JSON.stringify(data, null, 2)}\n`);
      return EXIT_OK;
    }
    const c = paint(resolveColor({ ...(flags.color !== undefined ? { color: flags.color } : {}) }, io));
    const out: string[] = [];
    out.push(
      configFile
        ? `Configuration: ${configFile}`
        : 'Configuration: none (zero config: every built-in policy and guard pack applies)',
    );
    for (const p of all) {
      const rules = policyRules(p);
      const tags = [
        builtinSources.has(p.source) ? 'built-in' : (p.source ?? 'file'),
        rules.length ? 'SDK policy' : 'guard pack',
      ];
      if (rules.length && p.guards.length) tags[1] = 'SDK policy + guards';
      out.push(
        '',
        `${c.bold(p.id)}  ${c.dim(`(${tags.join(', ')})`)}${forced.has(p.source) ? '' : c.yellow('  not in force (config "policies")')}`,
      );
      out.push(wrap(p.description, '  '));
      if (rules.length) {
        out.push('  rules:');
        const w = Math.max(...rules.map((r) => r.id.length));
        for (const r of rules) {
          const sev = ruleSeverity(r, config);
          const sevText = sev === 'error' ? c.red('error') : sev === 'warn' ? c.yellow('warn ') : c.dim('off  ');
          out.push(
            `    ${r.id.padEnd(w)}  ${sevText}  requires ${r.requires.join(', ')}${r.argumentRequirements?.length ? ` (+ ${[...new Set(r.argumentRequirements.flatMap((a) => a.requires))].join(', ')} when ${r.argumentRequirements.map((a) => a.description).join('; ')})` : ''}`,
          );
        }
      }
      if (p.guards.length) {
        out.push('  guards:');
        for (const g of p.guards)
          out.push(
            `    ${g.id}  ${c.dim(g.description)}${guardPurposes(g).length ? `  -> ${guardPurposes(g).join(', ')}` : ''}`,
          );
      }
    }
    if (config?.guards?.length) {
      out.push('', c.bold('App guards (config "guards")'));
      for (const g of config.guards) {
        const what = g.function ? `${g.function}()` : g.property!;
        const purposes = g.purposes?.join(', ') ?? `argument ${g.purposeArgument} names the purpose`;
        out.push(
          `    ${what}${g.module ? ` from ${g.module}` : ''}  -> ${purposes}${g.assert ? ' (assertion)' : ''}${g.callbackArgument !== undefined ? ` (callback argument ${g.callbackArgument})` : ''}`,
        );
      }
    }
    out.push('', c.bold('consent-lint'));
    for (const r of directiveRules) out.push(`    ${r.id}  ${ruleSeverity(r, config)}  ${c.dim(r.message)}`);
    io.stdout(`${out.join('\n')}\n`);
    return EXIT_OK;
  } catch (error) {
    return reportError(error, io);
  }
}

// ------------------------------------------------------------------ explain

export interface ExplainFlags {
  config?: string;
  color?: boolean;
}

export function runExplain(ruleId: string, flags: ExplainFlags, io: CliIO): number {
  try {
    const { config, builtin, inForce } = load(flags.config, io);
    const rules = [...inForce, ...builtin]
      .flatMap((p) => policyRules(p).map((r) => ({ rule: r, policy: p })))
      .concat([...directiveRules, sdkEscapesRule()].map((r) => ({ rule: r, policy: undefined as unknown as Policy })));
    const hit = rules.find((r) => r.rule.id === ruleId);
    if (!hit) {
      const known = [...new Set(rules.map((r) => r.rule.id))].sort();
      throw new UsageError(`unknown rule "${ruleId}". Known rules: ${known.join(', ')}`);
    }
    const { rule } = hit;
    const color = resolveColor({ ...(flags.color !== undefined ? { color: flags.color } : {}) }, io);
    const c = paint(color);
    const code = (s: string) =>
      (color ? highlight(s) : s)
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n');
    const sev = ruleSeverity(rule, config);
    const out: string[] = [];
    out.push(`${c.bold(rule.id)}  ${c.dim(`(${sev}${hit.policy ? `; policy ${hit.policy.id}` : ''})`)}`, '');
    out.push(c.bold('What it checks'), wrap(rule.description, '  '));
    if (rule.requires.length) out.push('', `  Requires consent for: ${rule.requires.join(', ')}`);
    for (const a of rule.argumentRequirements ?? [])
      out.push(wrap(`Also requires ${a.requires.join(', ')} when ${a.description} (argument ${a.argument}).`, '  '));
    for (const s of rule.sinks) out.push(wrap(`Calls: ${describeSink(s)}.`, '  '));
    if (rule.scripts?.length) out.push(wrap(`Script loads: ${rule.scripts.join(', ')}.`, '  '));
    if (rule.configPlugins?.length)
      out.push(wrap(`Framework plugins: ${rule.configPlugins.map((c) => c.package).join(', ')}.`, '  '));
    if (rule.preset === 'strict')
      out.push(wrap('Preset: strict (off in the default recommended preset unless the config turns it on).', '  '));
    out.push('', c.bold('Why (legal basis)'), wrap(rule.legalBasis, '  '));
    if (rule.examples) {
      out.push('', c.bold(c.red('Non-compliant')), code(rule.examples.nonCompliant));
      out.push('', c.bold(c.green('Compliant')), code(rule.examples.compliant));
    }
    out.push('', c.bold('How to fix'), wrap(rule.docs, '  '));
    if (!rule.id.startsWith('consent-lint/')) {
      out.push('', c.bold('Reviewed exception'), `    // ${DIRECTIVE} ${rule.id} -- <why this call is compliant>`);
    }
    const url = ruleDocUrl(rule.id);
    const page = ruleDocFile(rule.id);
    if (url || page) out.push('', c.bold('More'), ...(url ? [`  ${url}`] : []), ...(page ? [`  ${page}`] : []));
    io.stdout(`${out.join('\n')}\n`);
    return EXIT_OK;
  } catch (error) {
    return reportError(error, io);
  }
}
