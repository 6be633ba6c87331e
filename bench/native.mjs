#!/usr/bin/env node
// Cost of the native layer: the same React Native app scanned without and with
// its ios/ and android/ folders (whole process, built CLI).
//
//   npm run build && node bench/native.mjs [--size 1k] [--reps 5] [--native-files 60]
//
// The JS tree comes from bench/generate.mjs (seeded, deterministic). The native
// folders hold what a React Native app with a few native modules has: the
// Kotlin MainApplication/MainActivity and Swift/Objective-C AppDelegate of the
// fixture apps (Leanplum, CleverTap, Braze: SDK starts, consent checks, ATT),
// Info.plist, AndroidManifest.xml, res/values, plus `--native-files` more
// Kotlin/Java/Swift/Objective-C files, half of which mention an SDK (so they
// are parsed and analysed; the others are only listed and token-checked).
// Runs are interleaved (JS-only, native, JS-only, ...) after one warm-up each;
// the median of each is reported with the ratio (the budget is 1.5).
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, def) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : def;
};
const size = opt('size', '1k');
const reps = Number(opt('reps', '5'));
const nativeFiles = Number(opt('native-files', '60'));
const trees = join(root, 'bench', 'trees');
const jsTree = join(trees, `rn-js-${size}`);
const nativeTree = join(trees, `rn-native-${size}`);

if (!existsSync(join(root, 'dist', 'index.js'))) {
  console.error('build first: npm run build');
  process.exit(2);
}

// ------------------------------------------------------------------ trees

if (!existsSync(jsTree)) {
  const r = spawnSync(process.execPath, [join(root, 'bench', 'generate.mjs'), jsTree, size], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(2);
}
rmSync(nativeTree, { recursive: true, force: true });
cpSync(jsTree, nativeTree, { recursive: true });

const fx = join(root, 'fixtures', 'native');
const copy = (from, to) => {
  mkdirSync(dirname(join(nativeTree, to)), { recursive: true });
  cpSync(join(fx, from), join(nativeTree, to));
};
copy(
  'rn-leanplum-gated/android/app/src/main/java/com/example/lpapp/MainApplication.kt',
  'android/app/src/main/java/com/example/app/MainApplication.kt',
);
copy(
  'rn-clevertap-ungated/android/app/src/main/java/com/example/ctapp/MainApplication.java',
  'android/app/src/main/java/com/example/app/CleverTapSetup.java',
);
copy('rn-braze-gated/android/app/src/main/res/values/braze.xml', 'android/app/src/main/res/values/braze.xml');
copy('rn-leanplum-gated/android/app/src/main/AndroidManifest.xml', 'android/app/src/main/AndroidManifest.xml');
copy('rn-leanplum-gated/ios/LpApp/AppDelegate.swift', 'ios/App/AppDelegate.swift');
copy('rn-leanplum-gated/ios/LpApp/Info.plist', 'ios/App/Info.plist');
copy('rn-clevertap-gated/ios/CtApp/AppDelegate.m', 'ios/App/CleverTapSetup.m');
copy('rn-braze-ungated/ios/BrazeApp/AppDelegate.mm', 'ios/App/BrazeSetup.mm');

const write = (rel, text) => {
  mkdirSync(dirname(join(nativeTree, rel)), { recursive: true });
  writeFileSync(join(nativeTree, rel), text);
};
write(
  'android/app/src/main/java/com/example/app/MainActivity.kt',
  `package com.example.app

import com.facebook.react.ReactActivity

class MainActivity : ReactActivity() {
    override fun getMainComponentName(): String = "App"
}
`,
);
for (let i = 0; i < nativeFiles; i++) {
  const sdk = i % 2 === 0;
  switch (i % 4) {
    case 0:
      write(
        `android/app/src/main/java/com/example/app/modules/Module${i}.kt`,
        `package com.example.app.modules

import com.facebook.react.bridge.ReactApplicationContext
import com.facebook.react.bridge.ReactContextBaseJavaModule
import com.facebook.react.bridge.ReactMethod
${sdk ? 'import com.leanplum.Leanplum\nimport com.onetrust.otpublishers.headless.Public.OTPublishersHeadlessSDK\n' : ''}
class Module${i}(private val context: ReactApplicationContext) : ReactContextBaseJavaModule(context) {
    override fun getName() = "Module${i}"

    @ReactMethod
    fun track(event: String, count: Int) {
        val values = mutableListOf<String>()
        for (n in 0 until count) {
            if (n % 2 == 0) values.add(event + n) else values.add(event.uppercase())
        }
${
  sdk
    ? `        val ot = OTPublishersHeadlessSDK(context)
        if (ot.getConsentStatusForGroupId("C0002") == 1 && ot.getConsentStatusForGroupId("C0004") == 1) {
            Leanplum.track(event)
        }
`
    : ''
}        when (values.size) {
            0 -> return
            else -> println(values.joinToString())
        }
    }
}
`,
      );
      break;
    case 1:
      write(
        `android/app/src/main/java/com/example/app/modules/Helper${i}.java`,
        `package com.example.app.modules;

import java.util.ArrayList;
import java.util.List;
${sdk ? 'import com.clevertap.android.sdk.CleverTapAPI;\n' : ''}
public final class Helper${i} {
  private final List<String> items = new ArrayList<>();

  public int add(String item) {
    if (item == null || item.isEmpty()) {
      return -1;
    }
    items.add(item);
${sdk ? '    CleverTapAPI.getDefaultInstance(null);\n' : ''}    return items.size();
  }
}
`,
      );
      break;
    case 2:
      write(
        `ios/App/Modules/Module${i}.swift`,
        `import Foundation
${sdk ? 'import Leanplum\nimport OTPublishersHeadlessSDK\n' : ''}
@objc(Module${i})
class Module${i}: NSObject {
  @objc func track(_ event: String, count: Int) {
    var values: [String] = []
    for n in 0..<count {
      if n % 2 == 0 { values.append(event + String(n)) } else { values.append(event.uppercased()) }
    }
${
  sdk
    ? `    guard OTPublishersHeadlessSDK.shared.getConsentStatus(forCategory: "C0002") == 1 else { return }
    Leanplum.track(event)
`
    : ''
}    print(values.joined(separator: ","))
  }
}
`,
      );
      break;
    default:
      write(
        `ios/App/Modules/Helper${i}.m`,
        `#import <Foundation/Foundation.h>
${sdk ? '#import <CleverTapSDK/CleverTap.h>\n' : ''}
@interface Helper${i} : NSObject
@end

@implementation Helper${i}
- (NSInteger)add:(NSString *)item
{
  if (item.length == 0) {
    return -1;
  }
${sdk ? '  [[CleverTap sharedInstance] recordEvent:item];\n' : ''}  return 1;
}
@end
`,
      );
  }
}

// ------------------------------------------------------------------ runs

const out = join(tmpdir(), `consent-lint-native-bench-${process.pid}.json`);
// CPU time (user + system) of the child as well, when GNU time is there: on a shared
// machine wall time mostly measures the neighbours.
const gnuTime = existsSync('/usr/bin/time') && spawnSync('/usr/bin/time', ['-f', '%U %S', 'true']).status === 0;
function run(tree) {
  const argv = [process.execPath, join(root, 'bin', 'run.js'), tree, '--format', 'json', '--output', out];
  const t0 = process.hrtime.bigint();
  const r = gnuTime
    ? spawnSync('/usr/bin/time', ['-f', 'CPU %U %S', ...argv], { encoding: 'utf8' })
    : spawnSync(argv[0], argv.slice(1), { encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0 && r.status !== 1) throw new Error(`consent-lint exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  const cpu = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(r.stderr);
  const doc = JSON.parse(readFileSync(out, 'utf8'));
  return {
    ms,
    cpu: cpu ? (Number(cpu[1]) + Number(cpu[2])) * 1000 : NaN,
    findings: doc.findings.length,
    errors: doc.errors.length,
    parsed: doc.stats.filesParsed,
  };
}
run(jsTree);
run(nativeTree);
const js = [];
const nat = [];
let last;
for (let i = 0; i < reps; i++) {
  js.push(run(jsTree));
  last = run(nativeTree);
  nat.push(last);
}
rmSync(out, { force: true });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const show = (label, runs) => {
  const wall = median(runs.map((r) => r.ms));
  const cpu = median(runs.map((r) => r.cpu));
  console.log(
    `${label} wall median ${wall.toFixed(0)} ms (${runs.map((r) => r.ms.toFixed(0)).join(', ')})${gnuTime ? `; CPU median ${cpu.toFixed(0)} ms` : ''}`,
  );
  return { wall, cpu };
};
console.log(
  `React Native app, ${size} JS files; native: ${nativeFiles + 9} files (${nativeFiles / 2 + 6} mention an SDK)`,
);
const a = show('JS only:    ', js);
const b = show('with native:', nat);
console.log(`with native: ${last.findings} findings, ${last.errors} errors, ${last.parsed} files parsed`);
console.log(
  `ratio: wall ${(b.wall / a.wall).toFixed(2)}${gnuTime ? `, CPU ${(b.cpu / a.cpu).toFixed(2)}` : ''} (budget 1.5)`,
);
