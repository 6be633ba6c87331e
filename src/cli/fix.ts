/**
 * `--fix` / `--fix-dry-run`, and SARIF `fixes`: for a finding whose missing
 * purposes are covered by guard functions the config declares
 * (`{ "function": "hasConsent", "module": "./src/privacy", "purposeArgument": 0 }`
 * or `{ "function": "canMarket", "purposes": ["marketing"] }`), wrap the
 * statement that makes the SDK call in
 *
 *     if (hasConsent('analytics') && hasConsent('marketing')) {
 *       Leanplum.start();
 *     }
 *
 * and import the guard when the file does not have it yet. Edits use
 * ts-morph's manipulation API (comments and formatting around the call are
 * kept). A fix is offered only when the analysis, run again on a copy of the
 * project with the fix applied, no longer reports the finding.
 *
 * Fixable: an unsuppressed finding with missing purposes, in a .js/.jsx/.ts/
 * .tsx/.mjs/.cjs/.mts/.cts file, whose call is a whole expression statement
 * (`Leanplum.start();`, `await Leanplum.start();`). Others are left alone.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import type { Config, ConfigGuard, Finding, Policy } from '../model.js';
import { baselineEntry, identifyFindings } from '../baseline/index.js';
import { guardedReadText, MAX_FILE_BYTES } from '../discover/index.js';

const FIXABLE_EXT = new Set(['.js', '.jsx', '.ts', '.tsx', '.mjs', '.cjs', '.mts', '.cts']);

export interface FileFix {
  /** Root-relative path. */
  file: string;
  before: string;
  after: string;
  /** The findings this edit fixes (verified). */
  findings: Finding[];
}

export interface FixPlan {
  fixes: FileFix[];
  /** Findings with missing consent that got no (verified) fix, with the reason. */
  skipped: { finding: Finding; reason: string }[];
}

/** The guard calls that together cover `missing`, or undefined when the config's guards cannot. */
export function guardCalls(
  missing: string[],
  guards: ConfigGuard[],
): { calls: string[]; used: ConfigGuard[] } | undefined {
  const fns = guards.filter((g) => g.function && !g.assert && g.callbackArgument === undefined);
  const calls: string[] = [];
  const used: ConfigGuard[] = [];
  const left = new Set(missing);
  // A guard naming the purpose in its argument says exactly what is checked: prefer it.
  const byArgument = fns.find((g) => g.purposeArgument === 0);
  if (byArgument) {
    return {
      calls: missing.map((p) => `${byArgument.function}('${p.replace(/[\\']/g, '\\$&')}')`),
      used: [byArgument],
    };
  }
  // Otherwise guards with fixed purposes (one call may cover several).
  for (const g of fns.filter((g) => g.purposes?.length && g.purposeArgument === undefined)) {
    if (g.purposes!.some((p) => left.has(p))) {
      calls.push(`${g.function}()`);
      used.push(g);
      for (const p of g.purposes!) left.delete(p);
    }
  }
  return left.size ? undefined : { calls, used };
}

/** Module specifier for importing a guard's module into `file` (both absolute); undefined for package names. */
function importSpecifier(file: string, configDir: string, module: string): string {
  if (!module.startsWith('.')) return module;
  const target = resolve(configDir, module).replace(/\.(m|c)?(t|j)sx?$/, '');
  let rel = relative(dirname(file), target).split(sep).join('/');
  if (!rel.startsWith('.')) rel = `./${rel}`;
  return rel;
}

type TsMorph = typeof import('ts-morph');

/** Apply the fixes of one file's findings with ts-morph; returns the new text and the findings it addressed. */
function fixFile(
  tm: TsMorph,
  absFile: string,
  text: string,
  findings: Finding[],
  config: Config,
  skip: (f: Finding, reason: string) => void,
): { after: string; fixed: Finding[] } | undefined {
  const project = new tm.Project({
    useInMemoryFileSystem: true,
    compilerOptions: { allowJs: true, jsx: tm.ts.JsxEmit.Preserve },
  });
  // Follow the file's quote style for the import we may add.
  const firstImport = /^\s*import[^'"]*(['"])/m.exec(text);
  project.manipulationSettings.set({ quoteKind: firstImport?.[1] === '"' ? tm.QuoteKind.Double : tm.QuoteKind.Single });
  const sf = project.createSourceFile(absFile.replace(/\.(c|m)?js$/, '.$1js').replace(/\\/g, '/'), text, {
    overwrite: true,
  });
  const lineStarts = sf.compilerNode.getLineStarts();
  const fixed: Finding[] = [];
  const imports = new Map<string, Set<string>>();
  // Bottom-up, so earlier positions stay valid while later statements are rewritten.
  const sorted = [...findings].sort((a, b) => b.line - a.line || b.column - a.column);
  const wrapped = new Set<number>();
  for (const f of sorted) {
    const plan = guardCalls(f.missing, config.guards ?? []);
    if (!plan) {
      skip(f, `no guard function in the config covers ${f.missing.join(', ')}`);
      continue;
    }
    const pos = (lineStarts[f.line - 1] ?? -1) + f.column - 1;
    const node = sf.getDescendantAtPos(pos);
    let call: import('ts-morph').Node | undefined;
    for (let n = node; n; n = n.getParent()) {
      if (tm.Node.isCallExpression(n) && n.getStart() === pos) {
        call = n;
        break;
      }
    }
    if (!call) {
      skip(f, 'the call was not found in the file');
      continue;
    }
    let expr: import('ts-morph').Node = call;
    while (
      expr.getParent() &&
      (tm.Node.isAwaitExpression(expr.getParent()) || tm.Node.isParenthesizedExpression(expr.getParent()))
    )
      expr = expr.getParent()!;
    const stmt = expr.getParent();
    if (!stmt || !tm.Node.isExpressionStatement(stmt) || stmt.getExpression() !== expr) {
      skip(f, 'the call is not a statement of its own');
      continue;
    }
    if (wrapped.has(stmt.getStart())) {
      fixed.push(f);
      continue;
    }
    // Names the guard calls need: imported from `module`, or already in scope.
    let missingName: string | undefined;
    for (const g of plan.used) {
      const root = g.function!.split('.')[0];
      const inScope =
        sf
          .getImportDeclarations()
          .some(
            (d) =>
              d.getNamedImports().some((n) => (n.getAliasNode()?.getText() ?? n.getName()) === root) ||
              d.getDefaultImport()?.getText() === root ||
              d.getNamespaceImport()?.getText() === root,
          ) ||
        !!sf.getFunction(root) ||
        !!sf.getVariableDeclaration(root);
      if (inScope) continue;
      if (!g.module) {
        missingName = root;
        break;
      }
      const spec = importSpecifier(absFile, config.dir ?? dirname(absFile), g.module);
      if (!imports.has(spec)) imports.set(spec, new Set());
      imports.get(spec)!.add(root);
    }
    if (missingName) {
      skip(f, `${missingName} is not in scope and its guard names no module to import it from`);
      continue;
    }
    // A comment after the call on the same line stays with it, inside the block.
    const full = sf.getFullText();
    const start = stmt.getStart();
    let end = stmt.getEnd();
    for (const c of stmt.getTrailingCommentRanges()) if (!full.slice(end, c.getPos()).includes('\n')) end = c.getEnd();
    const lineStart = full.lastIndexOf('\n', start - 1) + 1;
    const indent = /^[ \t]*/.exec(full.slice(lineStart, start))![0];
    const unit = indent.includes('\t') ? '\t' : '  ';
    const body = full.slice(start, end);
    wrapped.add(start);
    sf.replaceText(
      [start, end],
      `if (${plan.calls.join(' && ')}) {\n${indent}${unit}${body.split('\n').join(`\n${unit}`)}\n${indent}}`,
    );
    fixed.push(f);
  }
  if (!fixed.length) return undefined;
  for (const [spec, names] of imports) {
    const existing = sf.getImportDeclaration(
      (d) => d.getModuleSpecifierValue() === spec && !d.isTypeOnly() && !d.getNamespaceImport(),
    );
    if (existing)
      existing.addNamedImports([...names].filter((n) => !existing.getNamedImports().some((i) => i.getName() === n)));
    else
      sf.insertImportDeclaration(sf.getImportDeclarations().length, {
        namedImports: [...names],
        moduleSpecifier: spec,
      });
  }
  return { after: sf.getFullText(), fixed };
}

/** A throwaway copy of the project (without .git and node_modules, which is linked) for the verification scan. */
function copyProject(root: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'consent-lint-fix-'));
  for (const name of readdirSync(root)) {
    if (name === '.git' || name === 'node_modules' || name === '.consent-lint-cache') continue;
    cpSync(join(root, name), join(dir, name), { recursive: true, verbatimSymlinks: true });
  }
  if (existsSync(join(root, 'node_modules'))) symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  return dir;
}

export interface PlanOptions {
  root: string;
  config: Config | undefined;
  policies: Policy[];
  findings: Finding[];
  /** The analysis, as the scan command runs it (re-run on the fixed copy). */
  scan: (root: string, config: Config | undefined) => Promise<Finding[]>;
}

/** Compute verified fixes for the findings. Never touches files under `root`. */
export async function planFixes(options: PlanOptions): Promise<FixPlan> {
  const { root, config } = options;
  const skipped: FixPlan['skipped'] = [];
  const candidates = options.findings.filter(
    (f) => !f.suppressed && f.missing.length && !f.ruleId.startsWith('consent-lint/'),
  );
  if (!candidates.length) return { fixes: [], skipped };
  if (!config?.guards?.some((g) => g.function)) {
    for (const f of candidates)
      skipped.push({ finding: f, reason: 'the config declares no guard function (consent-lint.config.json "guards")' });
    return { fixes: [], skipped };
  }
  const tm = (await import('ts-morph')) as TsMorph;
  let active = candidates.filter((f) => {
    if (FIXABLE_EXT.has(extname(f.file))) return true;
    skipped.push({ finding: f, reason: `${extname(f.file)} files are not fixed automatically` });
    return false;
  });
  // Fix, verify on a copy, drop what did not verify, until stable (at most 3 rounds).
  for (let round = 0; round < 3 && active.length; round++) {
    const byFile = new Map<string, Finding[]>();
    for (const f of active) byFile.set(f.file, [...(byFile.get(f.file) ?? []), f]);
    const fixes: FileFix[] = [];
    const roundSkips: FixPlan['skipped'] = [];
    for (const [file, findings] of byFile) {
      const abs = join(root, file);
      let before: string;
      try {
        // Through the guarded reader, as the scan read it; a file that is not UTF-8 is not rewritten.
        before = guardedReadText(abs, { root, maxBytes: MAX_FILE_BYTES });
      } catch (e) {
        for (const finding of findings)
          roundSkips.push({ finding, reason: `the file cannot be rewritten safely (${(e as Error).message})` });
        continue;
      }
      const result = fixFile(tm, abs, before, findings, { ...config, dir: config.dir ?? root }, (finding, reason) =>
        roundSkips.push({ finding, reason }),
      );
      if (result && result.after !== before) fixes.push({ file, before, after: result.after, findings: result.fixed });
    }
    if (!fixes.length) {
      skipped.push(...roundSkips);
      return { fixes: [], skipped };
    }
    const copy = copyProject(root);
    let remaining: Finding[];
    try {
      for (const fix of fixes) writeFileSync(join(copy, fix.file), fix.after);
      const configCopy = config.source
        ? {
            ...config,
            dir: join(copy, relative(root, config.dir ?? root)),
            source: join(copy, relative(root, config.source)),
          }
        : config;
      remaining = await options.scan(copy, configCopy);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
    // Findings are the same finding when their stable identity (rule, file, declaration path, callee, ordinal) agrees.
    const key = (f: Finding) => JSON.stringify(baselineEntry(f));
    const keysAfter = new Set(identifyFindings(remaining).map(key));
    const stillThere = (f: Finding) => keysAfter.has(key(f));
    const failed = fixes.flatMap((fx) => fx.findings).filter(stillThere);
    // A fix must not introduce findings either (e.g. a new one in the fixed file).
    const introduced = remaining.filter(
      (f) =>
        fixes.some((fx) => fx.file === f.file) &&
        !f.suppressed &&
        !options.findings.some(
          (o) => o.ruleId === f.ruleId && o.file === f.file && o.identity?.callee === f.identity?.callee,
        ),
    );
    if (!failed.length && !introduced.length) {
      skipped.push(...roundSkips);
      return { fixes, skipped };
    }
    for (const f of failed)
      skipped.push({
        finding: f,
        reason: 'the finding remained after the fix (the guard is not recognised on every path)',
      });
    const badFiles = new Set(introduced.map((f) => f.file));
    for (const fx of fixes)
      if (badFiles.has(fx.file))
        for (const f of fx.findings) skipped.push({ finding: f, reason: 'the fix introduced another finding' });
    active = active.filter(
      (f) => !failed.includes(f) && !badFiles.has(f.file) && !roundSkips.some((s) => s.finding === f),
    );
    if (round === 2) skipped.push(...roundSkips);
  }
  return { fixes: [], skipped };
}

// ------------------------------------------------------------------ diff

/** Line hunks between two texts (LCS; fine for source files). */
export function lineHunks(
  a: string,
  b: string,
): { aStart: number; aLines: string[]; bStart: number; bLines: string[] }[] {
  const x = a.split('\n');
  const y = b.split('\n');
  const n = x.length;
  const m = y.length;
  if (n * m > 25_000_000) return [{ aStart: 0, aLines: x, bStart: 0, bLines: y }];
  const lcs: Uint32Array[] = Array.from({ length: n + 1 }, () => new Uint32Array(m + 1));
  for (let i = n - 1; i >= 0; i--)
    for (let j = m - 1; j >= 0; j--)
      lcs[i][j] = x[i] === y[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const hunks: { aStart: number; aLines: string[]; bStart: number; bLines: string[] }[] = [];
  let i = 0;
  let j = 0;
  let cur: (typeof hunks)[number] | undefined;
  while (i < n || j < m) {
    if (i < n && j < m && x[i] === y[j]) {
      cur = undefined;
      i++;
      j++;
    } else {
      if (!cur) {
        cur = { aStart: i, aLines: [], bStart: j, bLines: [] };
        hunks.push(cur);
      }
      if (j < m && (i >= n || lcs[i][j + 1] >= lcs[i + 1][j])) cur.bLines.push(y[j++]);
      else cur.aLines.push(x[i++]);
    }
  }
  return hunks;
}

/** `diff -u`-style text for one file. */
export function unifiedDiff(file: string, a: string, b: string, context = 3): string {
  const x = a.split('\n');
  const hunks = lineHunks(a, b);
  const out = [`--- a/${file}`, `+++ b/${file}`];
  let k = 0;
  while (k < hunks.length) {
    // Merge hunks whose contexts overlap.
    let end = k;
    while (
      end + 1 < hunks.length &&
      hunks[end + 1].aStart - (hunks[end].aStart + hunks[end].aLines.length) <= 2 * context
    )
      end++;
    const first = hunks[k];
    const last = hunks[end];
    const aFrom = Math.max(0, first.aStart - context);
    const aTo = Math.min(x.length, last.aStart + last.aLines.length + context);
    const lines: string[] = [];
    let aCount = 0;
    let bCount = 0;
    let pos = aFrom;
    for (let h = k; h <= end; h++) {
      const hk = hunks[h];
      for (; pos < hk.aStart; pos++, aCount++, bCount++) lines.push(` ${x[pos]}`);
      for (const l of hk.aLines) (lines.push(`-${l}`), aCount++);
      for (const l of hk.bLines) (lines.push(`+${l}`), bCount++);
      pos = hk.aStart + hk.aLines.length;
    }
    for (; pos < aTo; pos++, aCount++, bCount++) lines.push(` ${x[pos]}`);
    const bFrom = first.bStart - (first.aStart - aFrom);
    out.push(`@@ -${aFrom + 1},${aCount} +${bFrom + 1},${bCount} @@`, ...lines);
    k = end + 1;
  }
  return `${out.join('\n')}\n`;
}

/** SARIF replacements (character offsets) turning `a` into `b`. */
export function replacements(
  a: string,
  b: string,
): { deletedRegion: { charOffset: number; charLength: number }; insertedContent: { text: string } }[] {
  const x = a.split('\n');
  const offsets: number[] = [];
  let off = 0;
  for (const l of x) {
    offsets.push(off);
    off += l.length + 1;
  }
  offsets.push(a.length + 1);
  return lineHunks(a, b).map((h) => {
    const start = Math.min(offsets[h.aStart], a.length);
    const end = Math.min(offsets[h.aStart + h.aLines.length], a.length);
    const text = h.bLines.length ? `${h.bLines.join('\n')}${h.aStart + h.aLines.length < x.length ? '\n' : ''}` : '';
    return { deletedRegion: { charOffset: start, charLength: end - start }, insertedContent: { text } };
  });
}
