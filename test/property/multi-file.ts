/**
 * Random multi-file programs for the pruning-equivalence property
 * (exhaustive.property.test.ts): the forms through which the default scan
 * decides which files to parse, combined at random across folders.
 *
 *  - the SDK value travels through a chain of modules (`export const`,
 *    `export default`, a getter function, an object holding it, a global
 *    `window.lp_k = …`), each imported as named, aliased, namespace,
 *    `require` (destructured or not), directly or through a barrel
 *    (`export *`, `export { x } from`), from `./m`, `.` or `..` (index files);
 *  - the sink is called at the end of the chain, at the top level or in an
 *    exported function, or by functions of modules that name no SDK and hand
 *    the SDK they receive as an argument on to each other;
 *  - callers in other modules reach that function (and each other's) through
 *    the same import forms plus `import()`, a computed specifier (`import(\`./a/${n}\`)`,
 *    `require('./a/' + n)`: any module of the folder) and `Object.values(namespace)`, at
 *    the top level, in exported functions or object methods, or only import it;
 *  - every call may be guarded (`if`, early `return`, a callback gate) by a
 *    consent check imported directly, through a wrapper function in a module
 *    that names no CMP, or through a barrel;
 *  - unrelated modules, one mentioning the SDK in a comment.
 */
import { posix } from 'node:path';
import fc from 'fast-check';

const DIRS = ['src', 'src/a', 'src/a/b', 'src/c'];

type ValueExport = 'const' | 'default' | 'getter' | 'holder' | 'global';
type BindingImport = 'named' | 'alias' | 'namespace' | 'require' | 'requireMember';
type CallerImport = BindingImport | 'dynamic' | 'values' | 'computed';
type Barrel = 'none' | 'star' | 'named';
type Guard = 'none' | 'if' | 'early' | 'gate';

interface Place {
  dir: number;
  /** Be the folder's index.ts when it is still free (imported as `.`, `..` or the folder). */
  index: boolean;
}

interface Hop extends Place {
  exp: ValueExport;
  imp: BindingImport;
  barrel: Barrel;
}

interface Caller extends Place {
  /** Which function defined so far it reaches (modulo their number). */
  target: number;
  imp: CallerImport;
  barrel: Barrel;
  how: 'top' | 'fn' | 'object' | 'none';
  guard: Guard;
}

export interface MultiFilePlan {
  hops: Hop[];
  sink: {
    where: 'top' | 'fn';
    guard: Guard;
    /** Modules that name no SDK, each handing the SDK it receives to the next; the last one calls it. */
    handIn: (Place & { barrel: Barrel })[];
    method: 'start' | 'registerForWebPush';
  };
  callers: Caller[];
  guardPath: 'direct' | 'wrapper' | 'barrel';
  noise: Place[];
}

const place = { dir: fc.nat({ max: DIRS.length - 1 }), index: fc.boolean() };
const barrelArb = fc.constantFrom<Barrel>('none', 'none', 'star', 'named');
const guardArb = fc.constantFrom<Guard>('none', 'if', 'early', 'gate');
const bindingImports: BindingImport[] = ['named', 'alias', 'namespace', 'require', 'requireMember'];

export const multiFilePlanArb: fc.Arbitrary<MultiFilePlan> = fc.record({
  hops: fc.array(
    fc.record({
      ...place,
      exp: fc.constantFrom<ValueExport>('const', 'default', 'getter', 'holder', 'global'),
      imp: fc.constantFrom(...bindingImports),
      barrel: barrelArb,
    }),
    { maxLength: 3 },
  ),
  sink: fc.record({
    where: fc.constantFrom<'top' | 'fn'>('top', 'fn', 'fn'),
    guard: guardArb,
    handIn: fc.array(fc.record({ ...place, barrel: barrelArb }), { maxLength: 2 }),
    method: fc.constantFrom<'start' | 'registerForWebPush'>('start', 'registerForWebPush'),
  }),
  callers: fc.array(
    fc.record({
      ...place,
      target: fc.nat({ max: 7 }),
      imp: fc.constantFrom<CallerImport>(...bindingImports, 'dynamic', 'values', 'computed'),
      barrel: barrelArb,
      how: fc.constantFrom<Caller['how']>('top', 'fn', 'fn', 'object', 'none'),
      guard: guardArb,
    }),
    { maxLength: 5 },
  ),
  guardPath: fc.constantFrom<MultiFilePlan['guardPath']>('direct', 'wrapper', 'barrel'),
  noise: fc.array(fc.record(place), { maxLength: 2 }),
});

/** A function the callers can reach: where it is exported, under which name, and how a reference to it is called. */
interface Callable {
  file: string;
  name: string;
  call: (ref: string) => string;
}

const CMP = 'src/consent/cmp.ts';

class Builder {
  readonly files = new Map<string, string[]>();
  private readonly guardsUsed = new Map<string, Set<'allowed' | 'whenAllowed'>>();
  private n = 0;

  constructor(private readonly guardPath: MultiFilePlan['guardPath']) {
    this.files.set(CMP, [
      'export function canMarket() { return Cookiebot.consent.marketing && Cookiebot.consent.statistics; }',
      'export function whenAllowed(run) { if (Cookiebot.consent.marketing && Cookiebot.consent.statistics) run(); }',
    ]);
    if (guardPath === 'wrapper')
      this.files.set('src/consent/wrap.ts', [
        "import { canMarket } from './cmp';",
        'export function allowed() { return canMarket(); }',
      ]);
    if (guardPath === 'barrel')
      this.files.set('src/consent/index.ts', ["export { canMarket as allowed, whenAllowed } from './cmp';"]);
  }

  fresh(): number {
    return this.n++;
  }

  /** A new module at `p`: the folder's index.ts when asked for and free, else `m<k>.ts`. */
  module(p: Place): string {
    const dir = DIRS[p.dir];
    const path = p.index && !this.files.has(`${dir}/index.ts`) ? `${dir}/index.ts` : `${dir}/m${this.fresh()}.ts`;
    this.files.set(path, []);
    return path;
  }

  add(file: string, ...lines: string[]): void {
    this.files.get(file)!.push(...lines);
  }

  /** The specifier `from` writes for `to`: `./x`, `../x`, and a folder for an index file (`.`, `..`, `./a`). */
  spec(from: string, to: string): string {
    let target = to.replace(/\.ts$/, '');
    if (target.endsWith('/index')) target = posix.dirname(target);
    const rel = posix.relative(posix.dirname(from), target);
    return rel === '' ? '.' : rel.startsWith('.') ? rel : `./${rel}`;
  }

  /** Import `name` of `target` into `file` (through a barrel, maybe); returns the expression that reads it. */
  importInto(file: string, target: string, name: string, form: BindingImport, barrel: Barrel): string {
    let from = target;
    if (barrel !== 'none') {
      from = this.module({ dir: DIRS.indexOf(posix.dirname(file)), index: false });
      const s = this.spec(from, target);
      // `export *` does not pass a default export on.
      this.add(
        from,
        barrel === 'star' && name !== 'default' ? `export * from '${s}';` : `export { ${name} } from '${s}';`,
      );
    }
    const s = this.spec(file, from);
    const k = this.fresh();
    switch (form) {
      case 'named':
        if (name === 'default') {
          this.add(file, `import d${k} from '${s}';`);
          return `d${k}`;
        }
        this.add(file, `import { ${name} } from '${s}';`);
        return name;
      case 'alias':
        this.add(file, `import { ${name} as a${k} } from '${s}';`);
        return `a${k}`;
      case 'namespace':
        this.add(file, `import * as ns${k} from '${s}';`);
        return `ns${k}.${name}`;
      case 'require':
        this.add(file, `const { ${name}: r${k} } = require('${s}');`);
        return `r${k}`;
      case 'requireMember':
        this.add(file, `const m${k} = require('${s}');`);
        return `m${k}.${name}`;
    }
  }

  /** `stmt` under `guard` in `file` (at the top level an early return is an `if`). */
  guarded(file: string, guard: Guard, stmt: string, topLevel: boolean): string {
    if (guard === 'none') return stmt;
    const used = this.guardsUsed.get(file) ?? new Set();
    this.guardsUsed.set(file, used);
    if (guard === 'gate') {
      used.add('whenAllowed');
      return `whenAllowed(() => { ${stmt} });`;
    }
    used.add('allowed');
    return guard === 'early' && !topLevel ? `if (!allowed()) return; ${stmt}` : `if (allowed()) { ${stmt} }`;
  }

  /** Every module's text, the guard imports added. */
  finish(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [file, lines] of this.files) {
      const head: string[] = [];
      for (const g of this.guardsUsed.get(file) ?? []) {
        const via =
          g === 'whenAllowed' || this.guardPath === 'direct'
            ? CMP
            : this.guardPath === 'wrapper'
              ? 'src/consent/wrap.ts'
              : 'src/consent/index.ts';
        const local = g === 'allowed' && via === CMP ? 'canMarket as allowed' : g;
        head.push(`import { ${local} } from '${this.spec(file, via)}';`);
      }
      out[file] = `${[...head, ...lines].join('\n')}\n`;
    }
    return out;
  }
}

/** The files of a plan (relative path -> text). */
export function buildMultiFile(plan: MultiFilePlan): Record<string, string> {
  const b = new Builder(plan.guardPath);
  // The SDK value, handed from module to module.
  let file = 'src/lp.ts';
  b.files.set(file, ["import Leanplum from 'leanplum-sdk';"]);
  let expr = 'Leanplum';
  for (const hop of plan.hops) {
    const k = b.fresh();
    const next = b.module(hop);
    let read: string;
    switch (hop.exp) {
      case 'global':
        b.add(file, `window.lp${k} = ${expr};`);
        read = `window.lp${k}`;
        break;
      case 'const':
        b.add(file, `export const lp${k} = ${expr};`);
        read = b.importInto(next, file, `lp${k}`, hop.imp, hop.barrel);
        break;
      case 'default':
        b.add(file, `export default ${expr};`);
        read = b.importInto(next, file, 'default', hop.imp, hop.barrel);
        break;
      case 'getter':
        b.add(file, `export function getLp${k}() { return ${expr}; }`);
        read = `${b.importInto(next, file, `getLp${k}`, hop.imp, hop.barrel)}()`;
        break;
      case 'holder':
        b.add(file, `export const box${k} = { sdk: ${expr} };`);
        read = `${b.importInto(next, file, `box${k}`, hop.imp, hop.barrel)}.sdk`;
        break;
    }
    b.add(next, `const v${k} = ${read};`);
    file = next;
    expr = `v${k}`;
  }

  // The sink, maybe in a module that names no SDK and gets it as an argument.
  const { sink } = plan;
  let call = `${expr}.${sink.method}();`;
  const takers = sink.handIn.map((p) => ({ file: b.module(p), barrel: p.barrel, name: `take${b.fresh()}` }));
  takers.forEach((t, i) => {
    const next = takers[i + 1];
    const body = next
      ? `${b.importInto(t.file, next.file, next.name, 'named', next.barrel)}(x);`
      : `x.${sink.method}();`;
    b.add(t.file, `export function ${t.name}(x) { ${body} }`);
  });
  if (takers.length)
    call = `${b.importInto(file, takers[0].file, takers[0].name, 'named', takers[0].barrel)}(${expr});`;
  const callables: Callable[] = [];
  if (sink.where === 'top') b.add(file, b.guarded(file, sink.guard, call, true));
  else {
    b.add(file, `export function run0() { ${b.guarded(file, sink.guard, call, false)} }`);
    callables.push({ file, name: 'run0', call: (ref) => `${ref}()` });
  }

  // Callers of the functions defined so far, in other modules.
  for (const c of plan.callers) {
    const caller = b.module(c);
    if (!callables.length) {
      b.add(caller, 'export const idle = 0;');
      continue;
    }
    const t = callables[c.target % callables.length];
    const k = b.fresh();
    if (c.imp === 'computed') {
      // The folder as a static prefix, the file name known only at run time.
      const s = b.spec(caller, t.file);
      const slash = s.lastIndexOf('/');
      const [pre, base] = s === '.' || s === '..' ? [`${s}/`, 'index'] : [s.slice(0, slash + 1), s.slice(slash + 1)];
      const n = `location.hash.slice(1) || '${base}'`;
      const run = b.guarded(caller, c.guard, `${t.call(`m.${t.name}`)};`, false);
      if (k % 2) b.add(caller, `import(\`${pre}\${${n}}\`).then((m) => { ${run} });`);
      else b.add(caller, `export function load${k}() { const m = require('${pre}' + (${n})); ${run} }`);
      continue;
    }
    if (c.imp === 'dynamic' || c.imp === 'values') {
      const s = b.spec(caller, t.file);
      if (c.imp === 'dynamic')
        b.add(
          caller,
          `import('${s}').then((m) => { ${b.guarded(caller, c.guard, `${t.call(`m.${t.name}`)};`, false)} });`,
        );
      else
        b.add(
          caller,
          `import * as all${k} from '${s}';`,
          `Object.values(all${k}).forEach((f) => { ${b.guarded(caller, c.guard, 'f();', false)} });`,
        );
      continue;
    }
    const ref = b.importInto(caller, t.file, t.name, c.imp, c.barrel);
    const stmt = `${t.call(ref)};`;
    switch (c.how) {
      case 'top':
        b.add(caller, b.guarded(caller, c.guard, stmt, true));
        break;
      case 'fn':
        b.add(caller, `export function call${k}() { ${b.guarded(caller, c.guard, stmt, false)} }`);
        callables.push({ file: caller, name: `call${k}`, call: (r) => `${r}()` });
        break;
      case 'object':
        b.add(caller, `export const api${k} = { run() { ${b.guarded(caller, c.guard, stmt, false)} } };`);
        callables.push({ file: caller, name: `api${k}`, call: (r) => `${r}.run()` });
        break;
      case 'none': // imported, never referenced
        b.add(caller, `export const held${k} = 0;`);
        break;
    }
  }

  // Modules that matter to nothing, one of them naming the SDK in a comment.
  plan.noise.forEach((p, i) => {
    const m = b.module(p);
    b.add(m, i === 0 ? '// Leanplum: see the wiki' : '', `export const noise${b.fresh()} = ${i};`);
  });
  return b.finish();
}
