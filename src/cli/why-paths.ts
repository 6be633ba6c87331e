/**
 * `consent-lint why FILE:LINE`: for each sink on that line, every path from
 * its function's entry to it (bounded), and on each path every test and
 * assertion passed, what it proved, and, when it proved nothing, why (the
 * guard a user wrote and the tool did not count is the first question).
 */
import type * as t from '@babel/types';
import type { Config, Finding, Policy } from '../model.js';
import type { FlowGraph, Grants, States } from '../flow/index.js';
import { analyse, seedFiles } from '../pipeline.js';
import { locOf, type Project } from '../program/index.js';
import { sourceText } from '../guards/index.js';

export interface WhyStep {
  line: number;
  code: string;
  /** `true` / `false` for a test, `completes` for an assertion, `exception` for a throw edge. */
  outcome: string;
  proves: string[];
  /** Why it proves nothing (or less than it seems). */
  reasons: string[];
}

export interface WhyPath {
  steps: WhyStep[];
  /** Purposes the sink requires that are not granted on this path (entry included); none when the SDK's switch holds it back. */
  missing: string[];
  /** The SDK's own switch (`unlessDeferredBy`) has run on this path: the call is held back. */
  heldBack?: boolean;
}

export interface WhySink {
  file: string;
  line: number;
  column: number;
  callee: string;
  rule: string;
  requires: string[];
  /** Purposes missing (the finding's), [] when compliant. */
  missing: string[];
  /** How the enclosing function is entered, and what is granted there. */
  entry: { label: string; proves: string[]; blocking?: string };
  /** A call in script code kept in a string: what holds where that code runs besides the host's paths. */
  inString?: { proves: string[] };
  /** Every reference entering the enclosing function, and what is granted at it (`heldBack`: the SDK's switch ran before it). */
  references: { at: string; proves: string[]; missing: string[]; heldBack?: boolean }[];
  trace: string[];
  paths: WhyPath[];
  /** More paths exist than are shown. */
  truncated: boolean;
}

const MAX_PATHS = 16;

/** What an SDK switch on the way proves, as `why` shows it. */
const HELD_BACK = "the call is held back (the SDK's own switch, unlessDeferredBy)";

export function why(
  project: Project,
  policies: Policy[],
  config: Config | undefined,
  file: string,
  line: number,
): { sinks: WhySink[]; findings: Finding[] } {
  const analysis = analyse(project, [...new Set([file, ...seedFiles(project, policies)])], policies, config);
  const proof = analysis.proof!;
  const m = project.module(file);
  if (!m) return { sinks: [], findings: analysis.findings };
  const out: WhySink[] = [];
  const P = proof.purposes;
  for (const ctx of proof.sinkContexts(m, analysis.rules)) {
    const loc = locOf(ctx.sink.node)!;
    if (loc.start.line !== line) continue;
    const finding = analysis.findings.find(
      (f) => f.file === file && f.line === line && f.column === loc.start.column + 1 && f.ruleId === ctx.sink.rule.id,
    );
    const required = P.mask(ctx.sink.requires);
    const blocking = ctx.unit.type === 'Program' ? proof.blocking.matches(ctx.sink.index.script) : [];
    const entryLabel =
      ctx.unit.type === 'Program'
        ? blocking.length
          ? 'a script the CMP blocks until consent'
          : ctx.entry
            ? 'a file loaded only by CMP-blocked tags (<script type="text/plain" src>, <iframe data-cookieblock-src>)'
            : 'module top level (always unguarded)'
        : ctx.root
          ? 'a function nothing in the project references (entered unguarded)'
          : 'every reference to the enclosing function';
    const note = (ast: t.Node) => proof.classifier.assertionNote(ast, ctx.sink.index);
    const { paths, truncated } = enumerate(ctx.graph, ctx.grants, ctx.states, ctx.ids, note);
    out.push({
      file,
      line,
      column: loc.start.column + 1,
      callee: ctx.sink.callee,
      rule: ctx.sink.rule.id,
      requires: [...ctx.sink.requires],
      missing: finding ? finding.missing : [],
      entry: {
        label: entryLabel,
        proves: P.list(ctx.entry),
        ...(blocking.length
          ? {
              blocking: blocking
                .map((b) => `${b.spec.attribute}="${b.categories.join(',')}" (${b.spec.id})`)
                .join('; '),
            }
          : {}),
      },
      ...(ctx.sink.inString ? { inString: { proves: P.list(ctx.inString) } } : {}),
      references: ctx.references.map((r) =>
        r.granted & ctx.held
          ? { at: `${r.hop.file}:${r.hop.line} ${r.hop.label}`, proves: P.list(r.granted), missing: [], heldBack: true }
          : {
              at: `${r.hop.file}:${r.hop.line} ${r.hop.label}`,
              proves: P.list(r.granted),
              missing: ctx.sink.requires.filter((p) => !(r.granted & P.bit(p))),
            },
      ),
      trace: finding ? finding.trace.map((h) => `${h.file}:${h.line} ${h.label}`) : [],
      paths: paths.map((p) => {
        let granted = ctx.entry | ctx.inString;
        const steps: WhyStep[] = [];
        for (const s of p) {
          granted |= s.mask;
          const ast = s.ast;
          const refused =
            s.outcome === 'false' &&
            ast.type !== 'SwitchCase' &&
            proof.classifier.test(ast, ctx.sink.index).whenTrue & required;
          const reasons = s.note
            ? [s.note]
            : s.mask & (required | ctx.held)
              ? []
              : s.outcome === 'exception'
                ? ['an exception skipped the rest of the try block']
                : refused
                  ? ['this is the side where consent was NOT given']
                  : proof.classifier.explain(ast, ctx.sink.index);
          steps.push({
            line: locOf(ast)?.start.line ?? 0,
            code: sourceText(ast.type === 'SwitchCase' ? (ast.test ?? ast) : ast, ctx.sink.index),
            outcome: s.outcome,
            proves: s.mask & ctx.held ? [...P.list(s.mask), HELD_BACK] : P.list(s.mask),
            reasons,
          });
        }
        if (granted & ctx.held) return { steps, missing: [], heldBack: true };
        return { steps, missing: ctx.sink.requires.filter((r) => !(granted & P.bit(r))) };
      }),
      truncated,
    });
    // Paths that differ only in code that decides nothing read the same: show each once.
    const last = out[out.length - 1];
    const seen = new Set<string>();
    last.paths = last.paths.filter((p) => {
      const key = p.steps.map((st) => `${st.line}:${st.code}:${st.outcome}`).join('|');
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
  }
  return { sinks: out, findings: analysis.findings };
}

interface RawStep {
  ast: t.Node;
  outcome: string;
  mask: number;
  note?: string;
}

/** Acyclic paths from the entry to any of `targets`, with the tests and assertions on them. */
function enumerate(
  g: FlowGraph,
  grants: Grants,
  states: States,
  targets: number[],
  note: (ast: t.Node) => string | undefined,
): { paths: RawStep[][]; truncated: boolean } {
  const want = new Set(targets.filter((id) => states[id] !== undefined));
  const paths: RawStep[][] = [];
  let truncated = false;
  const onPath = new Uint8Array(g.nodes.length);
  // Nodes that can reach a target (prune the search).
  const reaches = new Uint8Array(g.nodes.length);
  const preds = new Map<number, number[]>();
  for (const n of g.nodes) for (const e of n.succ) preds.set(e.to, [...(preds.get(e.to) ?? []), n.id]);
  const stack = [...want];
  for (const id of stack) reaches[id] = 1;
  while (stack.length)
    for (const p of preds.get(stack.pop()!) ?? []) if (!reaches[p]) ((reaches[p] = 1), stack.push(p));
  const steps: RawStep[] = [];
  const visit = (id: number): void => {
    if (paths.length >= MAX_PATHS) {
      truncated = true;
      return;
    }
    if (want.has(id)) {
      paths.push([...steps]);
      return;
    }
    onPath[id] = 1;
    const n = g.nodes[id];
    const nodeMask = n.kind === 'point' ? grants.node(n) : 0;
    for (const e of n.succ) {
      if (!reaches[e.to] || onPath[e.to]) continue;
      let pushed = 0;
      if (n.ast && n.kind === 'test' && (e.label === 'true' || e.label === 'false')) {
        steps.push({ ast: n.ast, outcome: e.label, mask: grants.edge(n, e) });
        pushed++;
      } else if (n.ast && n.kind === 'point' && nodeMask && e.label === 'normal') {
        steps.push({ ast: n.ast, outcome: 'completes', mask: nodeMask });
        pushed++;
      } else if (n.ast && n.kind === 'point' && e.label === 'normal' && note(n.ast)) {
        steps.push({ ast: n.ast, outcome: 'completes', mask: 0, note: note(n.ast) });
        pushed++;
      } else if (n.ast && e.label === 'exception') {
        steps.push({ ast: n.ast, outcome: 'exception', mask: 0 });
        pushed++;
      }
      visit(e.to);
      steps.length -= pushed;
    }
    onPath[id] = 0;
  };
  visit(g.entry);
  return { paths, truncated };
}

/** Plain-text report of `why`. */
export function formatWhy(sinks: WhySink[]): string {
  const out: string[] = [];
  for (const s of sinks) {
    out.push(`${s.file}:${s.line}:${s.column} ${s.callee}() (${s.rule}) requires ${s.requires.join(', ')}`);
    out.push(
      s.missing.length
        ? `  FINDING: reachable without ${s.missing.join(', ')}`
        : '  compliant: every path is guarded for every purpose it requires',
    );
    out.push(
      `  entry: ${s.entry.label}${s.entry.blocking ? ` [${s.entry.blocking}]` : ''}; granted at entry: ${s.entry.proves.length ? s.entry.proves.join(', ') : 'nothing'}`,
    );
    if (s.inString)
      out.push(
        `  script code kept in a string: granted where it runs (its own checks, the CMP running it, script blocking): ${s.inString.proves.length ? s.inString.proves.join(', ') : 'nothing'}`,
      );
    for (const r of s.references)
      out.push(
        `  entered from ${r.at}: ${r.heldBack ? "held back by the SDK's own switch" : r.missing.length ? `missing ${r.missing.join(', ')}` : 'guarded'}${r.proves.length ? ` (granted there: ${r.proves.join(', ')})` : ''}`,
      );
    if (s.trace.length) out.push(`  unguarded route: ${s.trace.join(' -> ')}`);
    s.paths.forEach((p, i) => {
      out.push(
        `  path ${i + 1}${p.heldBack ? " (held back by the SDK's own switch)" : p.missing.length ? ` (missing ${p.missing.join(', ')})` : ' (guarded)'}:`,
      );
      if (!p.steps.length) out.push('    (no test or assertion on the way)');
      for (const st of p.steps) {
        out.push(
          `    line ${st.line}: \`${st.code}\` ${st.outcome} -> ${st.proves.length ? `proves ${st.proves.join(', ')}` : 'proves nothing'}`,
        );
        for (const r of st.reasons) out.push(`      not counted: ${r}`);
      }
    });
    if (s.truncated) out.push(`  (more paths not shown)`);
    out.push('');
  }
  return out.join('\n');
}
