// Answers over a growing snapshot (src/program/snapshot.ts): a remembered answer
// holds exactly while what it read holds, and reusing it hands its dependence on.
import { describe, expect, it } from 'vitest';
import type * as t from '@babel/types';
import { parseFile } from '../src/parse/index.js';
import { Project } from '../src/program/project.js';
import { Resolver, type Value } from '../src/program/resolve.js';
import { Frames, SnapshotMemo, stillHolds, type GrowingFact } from '../src/program/snapshot.js';

/** A clock over a set of parsed files, recording what reuse replays; its stamp moves as the snapshot grows. */
function clock() {
  const parsed = new Set<string>();
  const replayed: string[] = [];
  const frames = new Frames();
  const c = {
    parsed,
    replayed,
    frames,
    grown: 0,
    /** As the project's: it moves with every file parsed and every fact grown (facts grow only then). */
    get stamp() {
      return parsed.size + c.grown;
    },
    isParsed: (rel: string) => parsed.has(rel),
    replay(missed: Set<string>) {
      for (const rel of missed) {
        replayed.push(rel);
        frames.miss(rel);
      }
    },
  };
  return c;
}

/** A growing fact whose version the test moves (moving the clock too, as parsing a module would). */
function fact(c?: { grown: number }): GrowingFact & { grow(): void } {
  let v = 0;
  return {
    version: () => v,
    grow: () => {
      v++;
      if (c) c.grown++;
    },
  };
}

describe('SnapshotMemo', () => {
  it('keeps an answer that read nothing growing and missed nothing', () => {
    const c = clock();
    const memo = new SnapshotMemo<string, number>(c);
    let runs = 0;
    expect(memo.compute('k', () => ++runs)).toBe(1);
    c.parsed.add('a.ts');
    expect(memo.compute('k', () => ++runs)).toBe(1);
  });

  it('drops an answer once a file it missed is parsed, and replays the miss while it holds', () => {
    const c = clock();
    const memo = new SnapshotMemo<string, number>(c);
    let runs = 0;
    memo.compute('k', () => {
      c.frames.miss('lib.ts');
      return ++runs;
    });
    const outer = c.frames.begin();
    expect(memo.compute('k', () => ++runs)).toBe(1);
    expect(c.frames.end(outer)?.missed).toEqual(new Set(['lib.ts']));
    expect(c.replayed).toEqual(['lib.ts']);
    c.parsed.add('lib.ts');
    expect(memo.compute('k', () => ++runs)).toBe(2);
  });

  it('drops an answer once a growing fact it read moves, and only that fact decides', () => {
    const c = clock();
    const memo = new SnapshotMemo<string, number>(c);
    const calls = fact(c);
    const other = fact(c);
    let runs = 0;
    memo.compute('k', () => {
      c.frames.read(calls);
      return ++runs;
    });
    other.grow();
    expect(memo.compute('k', () => ++runs)).toBe(1);
    calls.grow();
    expect(memo.compute('k', () => ++runs)).toBe(2);
    expect(memo.compute('k', () => ++runs)).toBe(2);
  });

  it('hands a reused answer’s facts to the computation reusing it (so that one is dropped too)', () => {
    const c = clock();
    const inner = new SnapshotMemo<string, number>(c);
    const outer = new SnapshotMemo<string, number>(c);
    const calls = fact(c);
    inner.compute('x', () => {
      c.frames.read(calls);
      return 1;
    });
    let outerRuns = 0;
    // The outer answer only reuses the inner one: it depends on `calls` all the same.
    outer.compute('y', () => inner.compute('x', () => 99) + ++outerRuns);
    expect(outer.compute('y', () => -1)).toBe(2);
    calls.grow();
    expect(outer.compute('y', () => inner.compute('x', () => 10) + ++outerRuns)).toBe(12);
  });
});

describe('Frames', () => {
  it('keeps the oldest version of a fact read twice (an answer is as old as its oldest read)', () => {
    const f = new Frames();
    const calls = fact();
    const mark = f.begin();
    f.read(calls);
    calls.grow();
    f.read(calls);
    const d = f.end(mark)!;
    expect(d.facts?.get(calls)).toBe(0);
    expect(stillHolds({ stamp: 0, frames: f, isParsed: () => false, replay: () => {} }, d)).toBe(false);
  });

  it('passes what an inner computation read on to the enclosing one', () => {
    const f = new Frames();
    const calls = fact();
    const outer = f.begin();
    const inner = f.begin();
    f.read(calls);
    f.miss('a.ts');
    expect(f.end(inner)).toEqual({ missed: new Set(['a.ts']), facts: new Map([[calls, 0]]) });
    expect(f.end(outer)).toEqual({ missed: new Set(['a.ts']), facts: new Map([[calls, 0]]) });
  });

  it('shares what an inner computation handed on, and never adds to it afterwards (copy on write)', () => {
    const f = new Frames();
    const calls = fact();
    const other = fact();
    const outer = f.begin();
    const inner = f.begin();
    f.read(calls);
    f.miss('a.ts');
    const kept = f.end(inner)!;
    // The enclosing computation goes on reading and missing: what the inner one depended on stays as it was.
    f.read(other);
    f.miss('b.ts');
    f.readAll(new Map([[calls, 0]]));
    f.missAll(new Set(['c.ts']));
    expect(kept).toEqual({ missed: new Set(['a.ts']), facts: new Map([[calls, 0]]) });
    expect(f.end(outer)).toEqual({
      missed: new Set(['a.ts', 'b.ts', 'c.ts']),
      facts: new Map([
        [calls, 0],
        [other, 0],
      ]),
    });
  });

  it('a reused answer’s dependence is shared with the frame reusing it, and stays unchanged', () => {
    const c = clock();
    const memo = new SnapshotMemo<string, number>(c);
    const calls = fact(c);
    const other = fact(c);
    memo.compute('k', () => {
      c.frames.read(calls);
      return 1;
    });
    const outer = c.frames.begin();
    memo.compute('k', () => 2);
    c.frames.read(other);
    expect(c.frames.end(outer)?.facts).toEqual(
      new Map([
        [calls, 0],
        [other, 0],
      ]),
    );
    // Had the reuse added `other` to the entry's own map, this would now drop the answer.
    other.grow();
    expect(memo.compute('k', () => 3)).toBe(1);
  });
});

/** A project of in-memory files (nothing parsed until the test loads it), and a Resolver over it. */
function inMemory(texts: Record<string, string>) {
  const files = new Map(
    Object.entries(texts).map(([rel, text]) => [rel, { absPath: `/virtual/${rel}`, relPath: rel, text }]),
  );
  const project = new Project('/virtual', files, parseFile);
  return { project, resolver: new Resolver(project) };
}

describe('the Resolver over a growing snapshot', () => {
  /** A two-file project: `track(sdk)` in a.ts, its only call (with the SDK) in b.ts. */
  function twoFiles() {
    return inMemory({
      'a.ts': 'export function track(sdk) {\n  sdk.start();\n}\n',
      'b.ts': "import { track } from './a';\ntrack(Leanplum);\n",
    });
  }

  /** What `sdk` in `sdk.start()` is, as the resolver sees the snapshot now. */
  function sdkValue(project: Project, resolver: Resolver): Value | undefined {
    const index = project.module('a.ts')!.scripts[0];
    const fn = index.script.ast.program.body[0] as unknown as { declaration: { body: { body: unknown[] } } };
    const call = (fn.declaration.body.body[0] as { expression: { callee: { object: t.Node } } }).expression;
    return resolver.value(call.callee.object, index);
  }

  it('finds a parameter again once a module calling its function is parsed', () => {
    const { project, resolver } = twoFiles();
    project.load('a.ts');
    expect(sdkValue(project, resolver)).toBeUndefined();
    project.load('b.ts');
    expect(sdkValue(project, resolver)).toMatchObject({ kind: 'path', root: { global: 'Leanplum' } });
  });

  it('keeps the answer while nothing it read has grown', () => {
    const { project, resolver } = twoFiles();
    project.load('a.ts');
    project.load('b.ts');
    const first = sdkValue(project, resolver);
    expect(first).toMatchObject({ kind: 'path', root: { global: 'Leanplum' } });
    project.nextEpoch(); // a new round alone changes nothing read here
    expect(sdkValue(project, resolver)).toBe(first);
  });
});

describe('global stores over a growing snapshot', () => {
  it('finds a global again once a module storing the SDK into it is parsed', () => {
    const { project, resolver } = inMemory({ 'a.js': 'lp.start();\n', 'b.js': 'window.lp = Leanplum;\n' });
    const lp = () => {
      const index = project.module('a.js')!.scripts[0];
      const stmt = index.script.ast.program.body[0] as unknown as { expression: { callee: { object: t.Node } } };
      return resolver.value(stmt.expression.callee.object, index);
    };
    project.load('a.js');
    expect(lp()).toMatchObject({ kind: 'path', root: { global: 'lp' } });
    project.load('b.js');
    expect(JSON.stringify(lp())).toContain('Leanplum');
  });
});

describe('the clock’s stamp', () => {
  it('skips re-checking a dependence while the stamp stays, and checks it again once it moves', () => {
    const c = clock();
    const memo = new SnapshotMemo<string, number>(c);
    let versionReads = 0;
    let v = 0;
    const counted: GrowingFact = {
      version: () => {
        versionReads++;
        return v;
      },
    };
    let runs = 0;
    memo.compute('k', () => {
      c.frames.read(counted);
      return ++runs;
    });
    const before = versionReads;
    for (let i = 0; i < 5; i++) expect(memo.compute('k', () => ++runs)).toBe(1);
    expect(versionReads).toBe(before); // nothing parsed since: no fact asked again
    v++;
    c.parsed.add('new.ts'); // the fact grew because a module was parsed: the stamp moved
    expect(memo.compute('k', () => ++runs)).toBe(2);
  });
});
