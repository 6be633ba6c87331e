/**
 * Native parses are independent of each other: the tree of a file, and what
 * the analysis finds in it, are the same whether it is the first native file
 * parsed in the process or the tenth, after files of any grammar.
 *
 * (The Swift grammar's external scanner state was a zero-byte allocation that
 * the allocator recycled uncleared: every Swift parse after the first one in a
 * process saw garbage, and `#available`/`#if`/`#selector` became syntax errors
 * with the code after them lost. See patchSwiftScannerCreate.)
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import { parseNative, patchSwiftScannerCreate, withoutComments, type NativeLanguage } from '../src/native/parsers.js';

const SWIFT = `import UIKit
import CleverTapSDK
final class A: NSObject {
  func go() {
    #if DEBUG
    print("debug")
    #endif
    if #available(iOS 14, *) { print("14") }
    let tap = UITapGestureRecognizer(target: self, action: #selector(go))
    let raw = #"a "raw" string"#
    print(tap, raw)
    CleverTap.autoIntegrate()
  }
}
`;
const OTHERS: [NativeLanguage, string][] = [
  [
    'kotlin',
    'class App : Application() {\n  override fun onCreate() { super.onCreate(); val s = """raw ${1}"""; }\n}\n',
  ],
  ['java', 'class App { void go() { String s = "x"; Runnable r = () -> go(); } }\n'],
  ['objc', '@implementation A\n- (void)go { [CleverTap autoIntegrate]; }\n@end\n'],
  ['swift', 'let s = #"unterminated raw string\n'],
  ['swift', ''],
];

async function tree(lang: NativeLanguage, text: string): Promise<{ sexp: string; error: boolean }> {
  const t = (await parseNative(lang, text))!;
  try {
    return { sexp: t.rootNode.toString(), error: t.rootNode.hasError };
  } finally {
    t.delete();
  }
}

describe('native parses in sequence', () => {
  it('a Swift file parses to the same clean tree before and after files of every grammar', async () => {
    const first = await tree('swift', SWIFT);
    expect(first.error).toBe(false);
    expect(first.sexp).toContain('availability_condition');
    for (let round = 0; round < 3; round++) {
      for (const [lang, text] of OTHERS) await tree(lang, text);
      expect(await tree('swift', SWIFT)).toEqual(first);
    }
  });

  it('the shipped Swift grammar gets the one-byte scanner fix, exactly once', () => {
    const require = createRequire(import.meta.url);
    const file = join(
      dirname(require.resolve('@repomix/tree-sitter-wasms/package.json')),
      'out/tree-sitter-swift.wasm',
    );
    const wasm = new Uint8Array(readFileSync(file));
    const patched = patchSwiftScannerCreate(wasm);
    const changed = [...wasm.keys()].filter((i) => wasm[i] !== patched[i]);
    expect(changed).toHaveLength(1);
    expect([wasm[changed[0]], patched[changed[0]]]).toEqual([0x00, 0x01]);
    // A fixed build (here: the patched one) is left alone, as is anything not wasm.
    expect(patchSwiftScannerCreate(patched)).toBe(patched);
    const junk = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 0, 200]);
    expect(patchSwiftScannerCreate(junk)).toBe(junk);
  });

  it('a scan finds the same, without errors, whichever native files were parsed before', async () => {
    const root = join(__dirname, '..', 'fixtures', 'native', 'rn-swift-directives-ungated');
    const once = await scan({ root });
    await scan({ root: join(__dirname, '..', 'fixtures', 'native', 'rn-braze-ungated') });
    const again = await scan({ root });
    expect(once.document.errors).toEqual([]);
    expect(again.document.errors).toEqual([]);
    const where = (fs: { file: string; line: number; ruleId: string }[]) =>
      fs.map((f) => `${f.file}:${f.line} ${f.ruleId}`);
    expect(where(again.document.findings)).toEqual(where(once.document.findings));
    expect(where(again.document.findings).filter((f) => f.includes('.swift'))).toHaveLength(2);
  });
});

describe('withoutComments (which native files mention an SDK)', () => {
  it('drops line and block comments, keeps strings whole, and keeps text after an unterminated string or comment form', () => {
    expect(withoutComments('/* Copyright Airship */\n#import <x>\n// Leanplum\nint a;', 'objc')).not.toMatch(
      /Airship|Leanplum/,
    );
    expect(withoutComments('NSString *u = @"http://x"; [CleverTap a]; // c', 'objc')).toContain('[CleverTap a];');
    expect(withoutComments("char q = '\"'; [CleverTap a];", 'objc')).toContain('[CleverTap a];');
    expect(withoutComments('val s = """\n // in a string\n"""\nLeanplum.start(this)', 'kotlin')).toContain(
      'Leanplum.start',
    );
    expect(withoutComments('let s = "a\\"//b"; CleverTap.x()', 'swift')).toContain('CleverTap.x()');
    expect(withoutComments('let s = "unterminated\nCleverTap.x()', 'swift')).toContain('CleverTap.x()');
  });
});
