/**
 * The native layer (src/native): fixture apps with inline expectations, then
 * one small app per form (guards, resolution, declarations, native starts).
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scan, type Config, type Finding } from '../src/index.js';
import type { Log } from 'sarif';
import { loadConfigFile, validateDocument } from '../src/policy/index.js';
import { formatGithub, formatSarif } from '../src/report/index.js';
import { sarifValidator } from './cli-helpers.js';
import { collectExpectations, compare } from './support/expectations.js';

const fixtures = join(__dirname, '..', 'fixtures', 'native');
const NATIVE_FILE = /\.(kt|java|swift|m|mm|xml|plist|gradle|kts)$/;

describe('fixtures/native', () => {
  for (const app of readdirSync(fixtures)) {
    it(`${app}: findings match the inline expectations, at exact line:column`, async () => {
      const root = join(fixtures, app);
      const cfgFile = join(root, 'consent-lint.config.json');
      const config = existsSync(cfgFile) ? loadConfigFile(cfgFile) : undefined;
      const { document } = await scan({ root, config });
      const expected = collectExpectations(root);
      if (app.endsWith('-gated')) expect(expected).toEqual([]);
      else expect(expected.length).toBeGreaterThan(0);
      // Every native expectation names its column.
      expect(expected.filter((e) => NATIVE_FILE.test(e.file) && e.column === undefined)).toEqual([]);
      expect(compare(expected, document.findings)).toEqual([]);
      expect(document.errors).toEqual([]);
    });
  }

  it('the ungated apps cover every native language and both declaration files', async () => {
    const files = new Set<string>();
    for (const app of readdirSync(fixtures).filter((a) => !a.endsWith('-gated'))) {
      const { document } = await scan({ root: join(fixtures, app) });
      for (const f of document.findings)
        files.add(f.file.replace(/^.*\./, '.').replace(/^.*\/Info\.plist$/, 'Info.plist'));
      for (const f of document.findings) if (f.file.endsWith('Info.plist')) files.add('Info.plist');
      for (const f of document.findings) if (f.file.endsWith('AndroidManifest.xml')) files.add('AndroidManifest.xml');
    }
    for (const ext of ['.kt', '.java', '.swift', '.m', '.mm', 'Info.plist', 'AndroidManifest.xml', '.tsx'])
      expect(files).toContain(ext);
  });
});

// ------------------------------------------------------------------ helpers

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function scanApp(files: Record<string, string>, config?: Config) {
  const root = mkdtempSync(join(tmpdir(), 'cl-native-'));
  dirs.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return (await scan({ root, config })).document;
}

/** 1-based line and column of `needle` (the n-th line containing it). */
function at(text: string, needle: string): { line: number; column: number } {
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`not found: ${needle}`);
  return { line: i + 1, column: lines[i].indexOf(needle) + 1 };
}

const brief = (fs: Finding[]) => fs.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId} ${f.missing.join(',')}`);

const KT_HEAD = `package com.example.app

import android.app.Application
import com.leanplum.Leanplum
import com.leanplum.LeanplumDeviceIdMode
import com.onetrust.otpublishers.headless.Public.OTPublishersHeadlessSDK
`;

function kotlin(body: string, extra = ''): string {
  return `${KT_HEAD}
class MainApplication : Application() {
    private lateinit var ot: OTPublishersHeadlessSDK
${extra}
    override fun onCreate() {
        super.onCreate()
        ot = OTPublishersHeadlessSDK(this)
${body}
    }
}
`;
}

const KT = 'android/app/src/main/java/com/example/app/MainApplication.kt';
const SWIFT = 'ios/App/AppDelegate.swift';

function swift(body: string, extra = ''): string {
  return `import UIKit
import Leanplum
import AppTrackingTransparency
import AdSupport

class AppDelegate: UIResponder, UIApplicationDelegate {
${extra}
  func application(_ application: UIApplication, didFinishLaunchingWithOptions launchOptions: [UIApplication.LaunchOptionsKey: Any]?) -> Bool {
${body}
    return true
  }
}
`;
}

// ------------------------------------------------------------------ guards, per language

describe('consent dominance in Kotlin', () => {
  const cases: [string, string, string[]][] = [
    ['unguarded', '        Leanplum.start(this)', ['analytics,marketing']],
    [
      'if block',
      '        if (ot.getConsentStatusForGroupId("C0002") == 1 && ot.getConsentStatusForGroupId("C0004") == 1) {\n            Leanplum.start(this)\n        }',
      [],
    ],
    [
      'early return on !=',
      '        if (ot.getConsentStatusForGroupId("C0002") != 1) return\n        if (ot.getConsentStatusForGroupId("C0004") != 1) return\n        Leanplum.start(this)',
      [],
    ],
    [
      '|| does not guard',
      '        if (debug || ot.getConsentStatusForGroupId("C0004") == 1) {\n            Leanplum.start(this)\n        }',
      ['analytics,marketing'],
    ],
    [
      'one of two purposes',
      '        if (ot.getConsentStatusForGroupId("C0004") == 1) Leanplum.start(this)',
      ['analytics'],
    ],
    [
      'else branch is not granted',
      '        if (ot.getConsentStatusForGroupId("C0002") == 1 && ot.getConsentStatusForGroupId("C0004") == 1) {\n        } else {\n            Leanplum.start(this)\n        }',
      ['analytics,marketing'],
    ],
    [
      'value stored in a val',
      '        val ok = ot.getConsentStatusForGroupId("C0002") == 1 && ot.getConsentStatusForGroupId("C0004") == 1\n        if (!ok) return\n        Leanplum.start(this)',
      [],
    ],
    [
      'lambda inherits its creation point',
      '        if (ot.getConsentStatusForGroupId("C0002") == 1 && ot.getConsentStatusForGroupId("C0004") == 1) {\n            handler.post { Leanplum.start(this) }\n        }',
      [],
    ],
    ['lambda created unguarded', '        handler.post { Leanplum.start(this) }', ['analytics,marketing']],
    [
      'when with subject',
      '        when (ot.getConsentStatusForGroupId("C0004")) {\n            1 -> if (ot.getConsentStatusForGroupId("C0002") == 1) Leanplum.start(this)\n            else -> {}\n        }',
      [],
    ],
    [
      'throw in the denied branch',
      '        if (ot.getConsentStatusForGroupId("C0002") != 1 || ot.getConsentStatusForGroupId("C0004") != 1) throw IllegalStateException("no consent")\n        Leanplum.start(this)',
      [],
    ],
  ];
  it.each(cases)('%s', async (_name, body, missing) => {
    const text = kotlin(body);
    const doc = await scanApp({ [KT]: text });
    expect(doc.errors).toEqual([]);
    expect(doc.findings.map((f) => f.missing.join(','))).toEqual(missing);
    if (missing.length) {
      expect(doc.findings[0]).toMatchObject({ file: KT, ruleId: 'leanplum/init', ...at(text, 'Leanplum.start(this)') });
      expect(doc.findings[0].trace[0].label).toBe('MainApplication.onCreate (entry: called by the platform)');
    }
  });

  it('a helper called only under consent is guarded; an inferred guard wrapper counts', async () => {
    const extra = `
    private fun canTrack(): Boolean = ot.getConsentStatusForGroupId("C0002") == 1 && ot.getConsentStatusForGroupId("C0004") == 1

    private fun startSdks() {
        Leanplum.start(this)
    }
`;
    expect((await scanApp({ [KT]: kotlin('        if (canTrack()) startSdks()', extra) })).findings).toEqual([]);
    const doc = await scanApp({ [KT]: kotlin('        if (canTrack()) startSdks()\n        startSdks()', extra) });
    const text = kotlin('        if (canTrack()) startSdks()\n        startSdks()', extra);
    expect(brief(doc.findings)).toEqual([
      `${KT}:${at(text, 'Leanplum.start(this)').line}:9 leanplum/init analytics,marketing`,
    ]);
    expect(doc.findings[0].trace.map((t) => t.label)).toEqual([
      'MainApplication.onCreate (entry: called by the platform)',
      'startSdks()',
      'Leanplum.start()',
    ]);
  });

  it('overrides, React Native methods and helpers other files may call are entries, whatever this file does', async () => {
    const helper = (mod: string) => `
    ${mod}fun startSdks() {
        Leanplum.start(this)
    }
`;
    const guarded =
      '        if (ot.getConsentStatusForGroupId("C0002") == 1 && ot.getConsentStatusForGroupId("C0004") == 1) startSdks()';
    const other = {
      'android/app/src/main/java/com/example/app/Other.kt':
        'package com.example.app\n\nfun later(app: MainApplication) = app.startSdks()\n',
    };
    // a public helper named in another file: that file may call it without consent
    const pub = await scanApp({ [KT]: kotlin(guarded, helper('')), ...other });
    expect(pub.findings.map((f) => f.trace[0].label)).toEqual([
      'MainApplication.startSdks (entry: may be called from another file)',
    ]);
    // private: every caller is in this file
    expect((await scanApp({ [KT]: kotlin(guarded, helper('private ')), ...other })).findings).toEqual([]);
    // the platform calls overrides and React Native exposes @ReactMethod, even if this file also calls them under consent
    for (const mod of ['override ', '@ReactMethod ']) {
      const doc = await scanApp({ [KT]: kotlin(guarded, helper(mod)) });
      expect(doc.findings.map((f) => f.trace[0].label)).toEqual([
        'MainApplication.startSdks (entry: called by the platform)',
      ]);
    }
  });

  it('a local that shares the SDK name is not the SDK; a class that is not imported is reported, not assumed', async () => {
    const fake = kotlin('        val Leanplum = FakeLeanplum()\n        Leanplum.start(this)').replace(
      'import com.leanplum.Leanplum\n',
      '',
    );
    expect(await scanApp({ [KT]: fake })).toMatchObject({ findings: [], errors: [] });
    const unimported = kotlin('        Leanplum.start(this)').replace('import com.leanplum.Leanplum\n', '');
    const doc = await scanApp({ [KT]: unimported });
    expect(doc.findings).toEqual([]);
    expect(doc.errors).toMatchObject([{ kind: 'unresolved', ...at(unimported, 'Leanplum.start(this)') }]);
    // a fully qualified call needs no import; a wildcard import resolves too
    const fq = kotlin('        com.leanplum.Leanplum.start(this)').replace('import com.leanplum.Leanplum\n', '');
    expect(brief((await scanApp({ [KT]: fq })).findings)).toHaveLength(1);
    const star = kotlin('        Leanplum.start(this)').replace(
      'import com.leanplum.Leanplum\n',
      'import com.leanplum.*\n',
    );
    expect(brief((await scanApp({ [KT]: star })).findings)).toHaveLength(1);
  });

  it('device-ID mode: only ADVERTISING_ID is a sink (also via static import and a val); an unreadable argument is reported', async () => {
    const manifest = {
      'android/app/src/main/AndroidManifest.xml':
        '<manifest xmlns:android="http://schemas.android.com/apk/res/android"/>',
    };
    const adv = await scanApp({
      [KT]: kotlin('        Leanplum.setDeviceIdMode(LeanplumDeviceIdMode.ADVERTISING_ID)'),
      ...manifest,
    });
    expect(adv.findings.map((f) => [f.ruleId, f.missing.join(',')])).toEqual([
      ['app-declarations/ad-id-permission', ''],
      ['leanplum/device-id', 'analytics,advertising'],
    ]);
    // without the app's manifest in the scan, declarations are not checked (a library, or src/ alone)
    expect(
      (
        await scanApp({ [KT]: kotlin('        Leanplum.setDeviceIdMode(LeanplumDeviceIdMode.ADVERTISING_ID)') })
      ).findings.map((f) => f.ruleId),
    ).toEqual(['leanplum/device-id']);
    expect(
      (await scanApp({ [KT]: kotlin('        Leanplum.setDeviceIdMode(LeanplumDeviceIdMode.ANDROID_ID)') })).findings,
    ).toEqual([]);
    const viaVal = await scanApp({
      [KT]: kotlin('        val mode = LeanplumDeviceIdMode.ADVERTISING_ID\n        Leanplum.setDeviceIdMode(mode)'),
    });
    expect(viaVal.findings.map((f) => f.ruleId)).toContain('leanplum/device-id');
    const staticImport = kotlin('        Leanplum.setDeviceIdMode(ADVERTISING_ID)').replace(
      'import com.leanplum.LeanplumDeviceIdMode\n',
      'import com.leanplum.LeanplumDeviceIdMode.ADVERTISING_ID\n',
    );
    expect((await scanApp({ [KT]: staticImport })).findings.map((f) => f.ruleId)).toContain('leanplum/device-id');
    const unknown = kotlin('        Leanplum.setDeviceIdMode(modeFromConfig())');
    const doc = await scanApp({ [KT]: unknown });
    expect(doc.findings).toEqual([]);
    expect(doc.errors).toMatchObject([{ kind: 'unresolved', ...at(unknown, 'Leanplum.setDeviceIdMode') }]);
  });

  it('Google UMP canRequestAds grants advertising only', async () => {
    const text = kotlin(`        val info = UserMessagingPlatform.getConsentInformation(this)
        if (info.canRequestAds()) {
            Leanplum.setDeviceIdMode(LeanplumDeviceIdMode.ADVERTISING_ID)
        }`).replace(
      'import android.app.Application\n',
      'import android.app.Application\nimport com.google.android.ump.UserMessagingPlatform\n',
    );
    const doc = await scanApp({
      [KT]: text,
      'android/app/src/main/AndroidManifest.xml':
        '<manifest xmlns:android="http://schemas.android.com/apk/res/android"><uses-permission android:name="com.google.android.gms.permission.AD_ID"/></manifest>',
    });
    expect(brief(doc.findings)).toEqual([
      `${KT}:${at(text, 'Leanplum.setDeviceIdMode').line}:13 leanplum/device-id analytics`,
    ]);
  });

  it('config guards name native helpers too', async () => {
    const text = kotlin(
      '        if (!ConsentStore.hasConsent("analytics") || !ConsentStore.hasConsent("marketing")) return\n        Leanplum.start(this)',
    );
    expect((await scanApp({ [KT]: text })).findings).toHaveLength(1);
    expect(
      (await scanApp({ [KT]: text }, { guards: [{ function: 'ConsentStore.hasConsent', purposeArgument: 0 }] }))
        .findings,
    ).toEqual([]);
  });

  it('a Kotlin named argument is read by no position: it may stand for any parameter', async () => {
    const config: Config = { guards: [{ function: 'ConsentStore.hasConsent', purposeArgument: 0 }] };
    // `hasConsent(userId = "analytics", purpose = "x")`: index 0 is not the purpose parameter, so no guard.
    const named = kotlin(
      '        if (!ConsentStore.hasConsent(userId = "analytics", purpose = "x") || !ConsentStore.hasConsent(userId = "marketing", purpose = "y")) return\n        Leanplum.start(this)',
    );
    expect((await scanApp({ [KT]: named }, config)).findings).toHaveLength(1);
    // Positional arguments before any named one keep their positions.
    const positional = kotlin(
      '        if (!ConsentStore.hasConsent("analytics", strict = true) || !ConsentStore.hasConsent("marketing", strict = true)) return\n        Leanplum.start(this)',
    );
    expect((await scanApp({ [KT]: positional }, config)).findings).toEqual([]);
  });

  it('a syntax error is reported at its position, never silently passed', async () => {
    const text = kotlin('        if (ot.getConsentStatusForGroupId("C0004") == 1 {\n        Leanplum.start(this)');
    const doc = await scanApp({ [KT]: text });
    expect(doc.errors.some((e) => e.kind === 'parse' && e.file === KT)).toBe(true);
  });
});

describe('consent dominance in Java', () => {
  const JAVA = 'android/app/src/main/java/com/example/app/MainApplication.java';
  const java = (body: string) => `package com.example.app;

import android.app.Application;
import com.clevertap.android.sdk.ActivityLifecycleCallback;
import com.onetrust.otpublishers.headless.Public.OTPublishersHeadlessSDK;

public class MainApplication extends Application {
  @Override
  public void onCreate() {
    super.onCreate();
    final OTPublishersHeadlessSDK ot = new OTPublishersHeadlessSDK(this);
${body}
  }
}
`;
  it.each([
    ['unguarded', '    ActivityLifecycleCallback.register(this);', 1],
    [
      '&& in the condition',
      '    if (ot.getConsentStatusForGroupId("C0002") == 1 && ot.getConsentStatusForGroupId("C0004") == 1) ActivityLifecycleCallback.register(this);',
      0,
    ],
    [
      'ternary',
      '    boolean ok = ot.getConsentStatusForGroupId("C0002") == 1 && ot.getConsentStatusForGroupId("C0004") == 1;\n    Runnable r = ok ? () -> ActivityLifecycleCallback.register(this) : null;',
      0,
    ],
    [
      'switch with break',
      '    switch (ot.getConsentStatusForGroupId("C0004")) {\n      case 1:\n        if (ot.getConsentStatusForGroupId("C0002") == 1) ActivityLifecycleCallback.register(this);\n        break;\n      default:\n        break;\n    }',
      0,
    ],
    [
      'catch block keeps only what held at try',
      '    try {\n      if (ot.getConsentStatusForGroupId("C0002") != 1 || ot.getConsentStatusForGroupId("C0004") != 1) return;\n      doWork();\n    } catch (Exception e) {\n      ActivityLifecycleCallback.register(this);\n    }',
      1,
    ],
    [
      'anonymous class method created under consent',
      '    if (ot.getConsentStatusForGroupId("C0002") == 1 && ot.getConsentStatusForGroupId("C0004") == 1) {\n      handler.post(new Runnable() {\n        @Override public void run() { ActivityLifecycleCallback.register(MainApplication.this); }\n      });\n    }',
      0,
    ],
  ])('%s', async (_name, body, count) => {
    const doc = await scanApp({ [JAVA]: java(body) });
    expect(doc.errors).toEqual([]);
    expect(doc.findings.map((f) => f.ruleId)).toEqual(new Array(count).fill('clevertap/native-start'));
  });
});

describe('consent dominance in Swift', () => {
  it.each([
    ['unguarded', '    Leanplum.start()', ['analytics,marketing']],
    [
      'guard with comma conditions',
      '    let ot = OTPublishersHeadlessSDK.shared\n    guard ot.getConsentStatus(forCategory: "C0002") == 1, ot.getConsentStatus(forCategory: "C0004") == 1 else { return false }\n    Leanplum.start()',
      [],
    ],
    [
      'guard let does not grant',
      '    guard let ot = OTPublishersHeadlessSDK.shared as OTPublishersHeadlessSDK? else { return false }\n    Leanplum.start()',
      ['analytics,marketing'],
    ],
    [
      'if with !',
      '    if !(OTPublishersHeadlessSDK.shared.getConsentStatus(forCategory: "C0002") == 1) { return false }\n    if OTPublishersHeadlessSDK.shared.getConsentStatus(forCategory: "C0004") == 1 { Leanplum.start() }',
      [],
    ],
    [
      'Didomi purpose status',
      '    if Didomi.shared.getUserConsentStatusForPurpose(purposeId: "analytics") && Didomi.shared.getUserConsentStatusForPurpose(purposeId: "marketing") {\n      Leanplum.start()\n    }',
      [],
    ],
  ])('%s', async (_name, body, missing) => {
    const text = swift(body);
    const doc = await scanApp({ [SWIFT]: text });
    expect(doc.errors).toEqual([]);
    expect(doc.findings.map((f) => f.missing.join(','))).toEqual(missing);
    if (missing.length) expect(doc.findings[0]).toMatchObject(at(text, 'Leanplum.start()'));
  });

  it('ATT: the completion status and a switch on trackingAuthorizationStatus are guards; the IDFA adds advertising and tracking-authorization', async () => {
    const plist =
      '<?xml version="1.0"?><plist version="1.0"><dict><key>NSUserTrackingUsageDescription</key><string>Ads</string></dict></plist>';
    const body = `    let ot = OTPublishersHeadlessSDK.shared
    guard ot.getConsentStatus(forCategory: "C0002") == 1, ot.getConsentStatus(forCategory: "C0004") == 1 else { return false }
    ATTrackingManager.requestTrackingAuthorization { status in
      if status == .authorized {
        Leanplum.setDeviceId(ASIdentifierManager.shared().advertisingIdentifier.uuidString)
      }
      Leanplum.setDeviceId(ASIdentifierManager.shared().advertisingIdentifier.uuidString)
    }
    switch ATTrackingManager.trackingAuthorizationStatus {
    case .authorized:
      Leanplum.setDeviceId(ASIdentifierManager.shared().advertisingIdentifier.uuidString)
    default:
      Leanplum.setDeviceId("user-123")
    }`;
    const text = swift(body);
    const doc = await scanApp({ [SWIFT]: text, 'ios/App/Info.plist': plist });
    expect(doc.errors).toEqual([]);
    const line =
      text.split('\n').findIndex((l) => l.includes('advertisingIdentifier') && l.startsWith('      Leanplum')) + 1;
    expect(brief(doc.findings)).toEqual([`${SWIFT}:${line}:7 leanplum/device-id tracking-authorization`]);
  });

  it('a type declared in the file shadows the SDK name', async () => {
    const text =
      swift('    Leanplum.start()').replace('import Leanplum\n', '') + '\nclass Leanplum { static func start() {} }\n';
    expect(await scanApp({ [SWIFT]: text })).toMatchObject({ findings: [], errors: [] });
  });
});

describe('consent dominance in Objective-C', () => {
  const M = 'ios/App/AppDelegate.m';
  const objc = (body: string, extra = '') => `#import "AppDelegate.h"
#import <CleverTapSDK/CleverTap.h>

@implementation AppDelegate
${extra}
- (BOOL)application:(UIApplication *)application didFinishLaunchingWithOptions:(NSDictionary *)launchOptions
{
${body}
  return YES;
}
@end
`;
  it.each([
    ['unguarded', '  [CleverTap autoIntegrate];', 1],
    [
      'early return',
      '  if ([OTPublishersHeadlessSDK.shared getConsentStatusForCategory:@"C0002"] != 1 || [OTPublishersHeadlessSDK.shared getConsentStatusForCategory:@"C0004"] != 1) {\n    return NO;\n  }\n  [CleverTap autoIntegrate];',
      0,
    ],
    [
      'block created under consent',
      '  if ([[Didomi shared] getUserConsentStatusForPurpose:@"analytics"] && [[Didomi shared] getUserConsentStatusForPurpose:@"marketing"]) {\n    dispatch_async(dispatch_get_main_queue(), ^{ [CleverTap autoIntegrate]; });\n  }',
      0,
    ],
    [
      '@throw without consent',
      '  if ([OTPublishersHeadlessSDK.shared getConsentStatusForCategory:@"C0004"] != 1) @throw [NSException exceptionWithName:@"consent" reason:nil userInfo:nil];\n  [CleverTap autoIntegrate];',
      1,
    ],
  ])('%s', async (_name, body, count) => {
    const doc = await scanApp({ [M]: objc(body) });
    expect(doc.errors).toEqual([]);
    expect(doc.findings.map((f) => `${f.ruleId} ${f.missing.join(',')}`)).toEqual(
      count
        ? [
            count === 1 && body.includes('@throw')
              ? 'clevertap/native-start analytics'
              : 'clevertap/native-start analytics,marketing',
          ]
        : [],
    );
  });

  it('a method of self is a guard wrapper; a sink in a helper method is guarded by its only caller', async () => {
    const extra = `- (BOOL)hasConsent
{
  return [OTPublishersHeadlessSDK.shared getConsentStatusForCategory:@"C0002"] == 1 && [OTPublishersHeadlessSDK.shared getConsentStatusForCategory:@"C0004"] == 1;
}

- (void)startTracking
{
  [CleverTap autoIntegrate];
}
`;
    expect((await scanApp({ [M]: objc('  if ([self hasConsent]) [self startTracking];', extra) })).findings).toEqual(
      [],
    );
    const doc = await scanApp({ [M]: objc('  [self startTracking];', extra) });
    expect(doc.findings.map((f) => f.trace.map((t) => t.label))).toEqual([
      ['AppDelegate.application (entry: called by the platform)', 'startTracking()', 'CleverTap.autoIntegrate()'],
    ]);
  });
});

// ------------------------------------------------------------------ native starts and declarations

describe('native starts', () => {
  const batchM = `#import "AppDelegate.h"
#import <RNBatchPush/RNBatch.h>

@implementation AppDelegate
- (BOOL)application:(UIApplication *)application didFinishLaunchingWithOptions:(NSDictionary *)launchOptions
{
  [RNBatch start];
  return YES;
}
@end
`;
  const plist = (extra: string) => `<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
  <key>BatchAPIKey</key>
  <string>K</string>
${extra}</dict>
</plist>
`;
  it('Batch: the native start is the sink unless opted out by default; then Batch.optIn() in JavaScript is', async () => {
    const on = await scanApp({ 'ios/App/AppDelegate.m': batchM, 'ios/App/Info.plist': plist('') });
    expect(brief(on.findings)).toEqual(['ios/App/AppDelegate.m:7:3 batch/native-start analytics,marketing']);
    const js = "import { Batch } from '@batch.com/react-native-plugin';\nexport function go() {\n  Batch.optIn();\n}\n";
    const off = await scanApp({
      'ios/App/AppDelegate.m': batchM,
      'ios/App/Info.plist': plist('  <key>BATCH_OPTED_OUT_BY_DEFAULT</key>\n  <true/>\n'),
      'src/consent.ts': js,
    });
    expect(brief(off.findings)).toEqual(['src/consent.ts:3:3 batch/init analytics,marketing']);
  });

  it('Airship autopilot and the CleverTap Application class start from the manifest, at the element', async () => {
    const manifest = `<manifest xmlns:android="http://schemas.android.com/apk/res/android">
  <application android:name="com.clevertap.android.sdk.Application">
    <meta-data android:name="com.urbanairship.autopilot" android:value="com.urbanairship.reactnative.ReactAutopilot" />
  </application>
</manifest>
`;
    const doc = await scanApp({ 'android/app/src/main/AndroidManifest.xml': manifest });
    expect(brief(doc.findings)).toEqual([
      'android/app/src/main/AndroidManifest.xml:2:3 clevertap/native-start analytics,marketing',
      'android/app/src/main/AndroidManifest.xml:3:5 airship/native-start analytics,marketing',
    ]);
  });

  it('an Expo config plugin that writes the start into the generated native app is a start, at its plugins entry', async () => {
    // @config-plugins/react-native-branch adds RNBranch.initSession to the AppDelegate and RNBranchModule calls to the
    // Android app that `expo prebuild` generates: a managed app commits none of it.
    const appJson = (plugins: string) => `{
  "expo": {
    "name": "app",
    "plugins": [${plugins}],
    "ios": { "bundleIdentifier": "com.example.app" },
    "android": { "package": "com.example.app" }
  }
}
`;
    const js =
      "import branch from 'react-native-branch';\nexport const linkParams = () => branch.getLatestReferringParams();\n";
    const withBranch = appJson('"expo-router", ["@config-plugins/react-native-branch", { "apiKey": "key_live_abc" }]');
    const doc = await scanApp({ 'app.json': withBranch, 'App.tsx': js });
    // At the plugins entry (the `[name, options]` array), as Expo plugin positions are everywhere.
    const { line, column } = at(withBranch, '["@config-plugins/react-native-branch"');
    expect(brief(doc.findings)).toEqual([`app.json:${line}:${column} branch/native-start advertising,analytics`]);
    expect(doc.findings[0].message).toContain('writes the SDK');
    // app.config.json is read the same way; a plugin that writes no start (Adjust's only configures the build) is none.
    const config = appJson('"@config-plugins/react-native-branch"');
    expect(brief((await scanApp({ 'app.config.json': config, 'App.tsx': js })).findings)).toEqual([
      `app.config.json:${at(config, '"@config-plugins/react-native-branch"').line}:${at(config, '"@config-plugins/react-native-branch"').column} branch/native-start advertising,analytics`,
    ]);
    const adjust = appJson('"@config-plugins/react-native-adjust"');
    expect((await scanApp({ 'app.json': adjust, 'App.tsx': js })).findings).toEqual([]);
  });

  it('a Kotlin property assignment is its setter: only `consentRequired = true` holds the OneSignal init back', async () => {
    const app = (required: string) => `package com.example.app

import android.app.Application
import com.onesignal.OneSignal

class MainApplication : Application() {
  override fun onCreate() {
    super.onCreate()
    OneSignal.consentRequired = ${required}
    OneSignal.initWithContext(this, "ID")
  }
}
`;
    const path = 'android/app/src/main/java/com/example/app/MainApplication.kt';
    expect(brief((await scanApp({ [path]: app('true') })).findings)).toEqual([]);
    for (const v of ['false', 'BuildConfig.REQUIRE_CONSENT']) {
      const doc = await scanApp({ [path]: app(v) });
      expect(brief(doc.findings)).toEqual([`${path}:10:5 onesignal/native-start analytics,marketing`]);
    }
  });

  it('Amplitude (maintenance SDK, Android): setOptOut(true) holds nothing back (ignored before initialize); setOptOut(false) is a start too', async () => {
    const app = (optOut: string, optIn: string) => `package com.example.app

import android.app.Application
import com.amplitude.api.Amplitude

class MainApplication : Application() {
  override fun onCreate() {
    super.onCreate()
    ${optOut}
    Amplitude.getInstance().initialize(this, "KEY")
    ${optIn}
  }
}
`;
    const path = 'android/app/src/main/java/com/example/app/MainApplication.kt';
    const held = await scanApp({ [path]: app('Amplitude.getInstance().setOptOut(true)', '') });
    expect(brief(held.findings)).toEqual([`${path}:10:5 amplitude/native-start analytics`]);
    const released = await scanApp({
      [path]: app('Amplitude.getInstance().setOptOut(true)', 'Amplitude.getInstance().setOptOut(false)'),
    });
    expect(brief(released.findings)).toEqual([
      `${path}:10:5 amplitude/native-start analytics`,
      `${path}:11:5 amplitude/native-start analytics`,
    ]);
    const notHeld = await scanApp({ [path]: app('Amplitude.getInstance().setOptOut(false)', '') });
    expect(brief(notHeld.findings)).toEqual([
      `${path}:9:5 amplitude/native-start analytics`,
      `${path}:10:5 amplitude/native-start analytics`,
    ]);
  });

  it("an app's own Swift class named Analytics or Amplitude in another file: left out only when the lock shows the SDK is not linked", async () => {
    const own = `final class Analytics {
  init(configuration: String) {}
  static func setup(with configuration: String) {}
}
struct Amplitude {
  init(configuration: String) {}
}
`;
    const use = `func start() {
  Analytics.setup(with: "events")
  let analytics = Analytics(configuration: "events")
  let amplitude = Amplitude(configuration: "x")
}
`;
    const lock = (pods: string) => `PODS:\n${pods}  - OTPublishersHeadlessSDK (202401.1.0)\n\nCOCOAPODS: 1.15.2\n`;
    const files = (pods: string) => ({
      'ios/Podfile': "target 'App' do\nend\n",
      'ios/Podfile.lock': lock(pods),
      'ios/App/Tracking.swift': own,
      'ios/App/Start.swift': use,
    });
    const notLinked = await scanApp(files(''));
    expect(brief(notLinked.findings)).toEqual([]);
    const linked = await scanApp(files('  - AmplitudeSwift (1.9.0)\n  - Segment (1.5.0)\n'));
    expect(brief(linked.findings)).toEqual([
      'ios/App/Start.swift:2:3 segment/native-start analytics',
      'ios/App/Start.swift:3:19 segment/native-start analytics',
      'ios/App/Start.swift:4:19 amplitude/native-start analytics',
    ]);
    expect(linked.findings[0].message).toContain('Segment is linked: ios/Podfile.lock lists Segment');
  });

  it('an SDK class passed as a value (Swift `FirebaseApp.self`) is not followed, and says so', async () => {
    const swift = `import FirebaseCore

protocol Launcher { static func configure() }
extension FirebaseApp: Launcher {}
struct Local {}

struct Client {
  let app: Launcher.Type
  func launch() { app.configure() }
}

func make() -> Client {
  print(String(describing: Local.self))
  return Client(app: FirebaseApp.self)
}
`;
    const doc = await scanApp({ 'ios/App/Container.swift': swift });
    expect(doc.findings).toEqual([]);
    expect(doc.errors).toMatchObject([
      { kind: 'unresolved', file: 'ios/App/Container.swift', ...at(swift, 'FirebaseApp.self') },
    ]);
    expect(doc.errors[0].message).toContain('`FirebaseApp.self` passes the SDK class as a value to `Client`');
  });
});

describe('declarations', () => {
  it('an Info.plist counts for the sources of its own app target: the nearest, then the enclosing one', async () => {
    const plist = (key: string) =>
      `<?xml version="1.0"?><plist version="1.0"><dict>${key ? `<key>${key}</key><string>Ads</string>` : ''}</dict></plist>`;
    const swift =
      'import AppTrackingTransparency\nclass A {\n  func f() {\n    ATTrackingManager.requestTrackingAuthorization { _ in }\n  }\n}\n';
    const att = 'NSUserTrackingUsageDescription';
    // the app's plist encloses the sources; a test target's plist beside them does not count against it
    const app = await scanApp({
      'ios/Info.plist': plist(att),
      'ios/AppTests/Info.plist': plist(''),
      'ios/Sources/AppDelegate.swift': swift,
    });
    expect(brief(app.findings)).toEqual([]);
    // two equally near plists: either may be the target's, so both must declare it
    const tie = await scanApp({
      'ios/A/Info.plist': plist(att),
      'ios/B/Info.plist': plist(''),
      'ios/Shared/AppDelegate.swift': swift,
    });
    expect(brief(tie.findings)).toEqual(['ios/Shared/AppDelegate.swift:4:5 app-declarations/att-usage-description ']);
  });

  it('Expo app.json: a blocked AD_ID is reported at its exact position; app.config.js is never executed and said so', async () => {
    const appJson = `{
  "expo": {
    "name": "x",
    "android": { "blockedPermissions": ["com.google.android.gms.permission.AD_ID"] }
  }
}
`;
    const js =
      "import { getAdvertisingId } from 'expo-tracking-transparency';\nexport const id = getAdvertisingId();\n";
    const doc = await scanApp({ 'app.json': appJson, 'App.tsx': js });
    expect(brief(doc.findings)).toEqual([
      `app.json:${at(appJson, '"com.google').line}:${at(appJson, '"com.google').column} app-declarations/ad-id-permission `,
    ]);
    const withCode = await scanApp({ 'app.config.js': 'module.exports = { expo: { plugins: [] } };\n', 'App.tsx': js });
    expect(withCode.errors).toMatchObject([{ file: 'app.config.js', kind: 'unsupported' }]);
    // A monorepo's app: nested, and naming what an Expo config declares.
    const nested = await scanApp({
      'apps/mobile/app.config.ts': "export default ({ config }) => ({ ...config, plugins: ['expo-notifications'] });\n",
      'App.tsx': js,
    });
    expect(nested.errors).toMatchObject([{ file: 'apps/mobile/app.config.ts', kind: 'unsupported' }]);
    // Angular's src/app/app.config.ts (providers) is no Expo config (survey5: itrujillopriego/md_survey).
    const angular = await scanApp({
      'src/app/app.config.ts': 'export const appConfig = { providers: [provideRouter(routes)] };\n',
      'App.tsx': js,
    });
    expect(angular.errors).toEqual([]);
    // Nuxt's app.config.ts at the root is its defineAppConfig(…); a root config naming nothing
    // an Expo config declares has nothing consent-lint would read.
    for (const text of [
      "export default defineAppConfig({ ui: { primary: 'green' }, plugins: [] });\n",
      "export default { name: 'app', slug: 'app' };\n",
    ]) {
      const rooted = await scanApp({ 'app.config.ts': text, 'App.tsx': js });
      expect(rooted.errors).toEqual([]);
    }
  });

  it('Expo plugins and permissions provide declarations', async () => {
    const js =
      "import { requestTrackingPermissionsAsync } from 'expo-tracking-transparency';\nexport const ask = () => requestTrackingPermissionsAsync();\n";
    const plugin =
      '{ "expo": { "plugins": [["expo-tracking-transparency", { "userTrackingPermission": "We measure ads." }]] } }';
    expect((await scanApp({ 'app.json': plugin, 'App.tsx': js })).findings).toEqual([]);
    const disabled = '{ "expo": { "plugins": [["expo-tracking-transparency", { "userTrackingPermission": false }]] } }';
    expect(brief((await scanApp({ 'app.json': disabled, 'App.tsx': js })).findings)).toEqual([
      'App.tsx:2:26 app-declarations/att-usage-description ',
    ]);
  });

  it('POST_NOTIFICATIONS: requested natively without the permission, at the call', async () => {
    const kt = `package com.example.app

import android.Manifest
import androidx.core.app.ActivityCompat

class PushActivity : Activity() {
    fun ask() {
        ActivityCompat.requestPermissions(this, arrayOf(Manifest.permission.POST_NOTIFICATIONS), 1)
    }
}
`;
    const manifest = (perm: string) =>
      `<manifest xmlns:android="http://schemas.android.com/apk/res/android">${perm}</manifest>`;
    const doc = await scanApp({ [KT]: kt, 'android/app/src/main/AndroidManifest.xml': manifest('') });
    // (ungated, the request is also a push prompt without marketing consent: android-notifications/push)
    expect(brief(doc.findings)).toEqual([
      `${KT}:8:9 android-notifications/push marketing`,
      `${KT}:8:9 app-declarations/post-notifications-permission `,
    ]);
    expect(
      brief(
        (
          await scanApp({
            [KT]: kt,
            'android/app/src/main/AndroidManifest.xml': manifest(
              '<uses-permission android:name="android.permission.POST_NOTIFICATIONS"/>',
            ),
          })
        ).findings,
      ),
    ).toEqual([`${KT}:8:9 android-notifications/push marketing`]);
    const camera = kt.replace('POST_NOTIFICATIONS', 'CAMERA');
    expect(
      (await scanApp({ [KT]: camera, 'android/app/src/main/AndroidManifest.xml': manifest('') })).findings,
    ).toEqual([]);
  });

  it('Flutter: an SDK plugin in pubspec.yaml dependencies is an analysis error (Dart is not analysed), at the package name', async () => {
    const pubspec = `name: shop
# flow and block forms, a nested source, dev_dependencies that do not ship
dependencies:
  flutter:
    sdk: flutter
  appsflyer_sdk: ^6.15.2
  "clevertap_plugin":
    git:
      url: https://github.com/CleverTap/clevertap-flutter
  # firebase_analytics: 11.3.3
  http: ^1.2.0

dev_dependencies:
  braze_plugin: ^9.0.0
flutter:
  uses-material-design: true
`;
    const dart = "import 'package:appsflyer_sdk/appsflyer_sdk.dart';\nvoid main() => AppsflyerSdk({}).initSdk();\n";
    const doc = await scanApp({ 'pubspec.yaml': pubspec, 'lib/main.dart': dart });
    expect(doc.findings).toEqual([]);
    expect(
      doc.errors.map((e) => `${e.file}:${e.line}:${e.column} ${e.kind} ${/\(([^)]+)\)/.exec(e.message)?.[1]}`),
    ).toEqual([
      `pubspec.yaml:${at(pubspec, 'appsflyer_sdk').line}:3 unsupported appsflyer/native-start`,
      `pubspec.yaml:${at(pubspec, 'clevertap_plugin').line}:4 unsupported clevertap/native-start`,
    ]);
    // A rule switched off, and an app without SDK plugins: nothing to say.
    const off = await scanApp(
      { 'pubspec.yaml': pubspec, 'lib/main.dart': dart },
      {
        rules: { 'appsflyer/native-start': 'off', 'clevertap/native-start': 'off' },
      },
    );
    expect(off.errors).toEqual([]);
    const plain = await scanApp({ 'pubspec.yaml': 'name: x\ndependencies: {http: ^1.2.0, flutter: {sdk: flutter}}\n' });
    expect(plain.errors).toEqual([]);
    const flow = await scanApp({
      'pubspec.yaml': 'name: x\ndependencies: {http: ^1.2.0, onesignal_flutter: ^5.0.0}\n',
    });
    expect(flow.errors).toMatchObject([{ file: 'pubspec.yaml', line: 2, column: 30, kind: 'unsupported' }]);
    const posthog = await scanApp({ 'pubspec.yaml': 'name: x\ndependencies:\n  posthog_flutter: ^4.10.0\n' });
    expect(posthog.errors).toMatchObject([
      {
        file: 'pubspec.yaml',
        line: 3,
        column: 3,
        kind: 'unsupported',
        message: expect.stringContaining('posthog/native-start'),
      },
    ]);
  });

  it('a malformed manifest is a parse error with its position', async () => {
    const doc = await scanApp({
      'android/app/src/main/AndroidManifest.xml': '<manifest>\n  <application>\n</manifest>\n',
    });
    // xmldom points at the element left open
    expect(doc.errors).toMatchObject([{ file: 'android/app/src/main/AndroidManifest.xml', kind: 'parse', line: 2 }]);
  });
});

describe('policy schema: native sections', () => {
  it('accepts the built-in forms and rejects unknown or malformed native entries', () => {
    const ok = {
      id: 'x',
      description: 'd',
      native: {
        tokens: ['Foo'],
        classes: { Foo: { jvm: 'com.foo.Foo' } },
        sinks: [{ rule: 'x/init', calls: ['Foo.start'] }],
      },
    };
    expect(validateDocument('policy', 'x.json', ok)).toEqual([]);
    const bad = {
      id: 'x',
      description: 'd',
      native: {
        tokens: ['Foo'],
        sinks: [{ rule: 'x/init', calls: ['Foo start'] }],
        starts: [{ rule: 'x/init', platform: 'web' }],
      },
    };
    const problems = validateDocument('policy', 'x.json', bad).map((p) => p.pointer);
    expect(problems).toContain('/native/sinks/0/calls/0');
    expect(problems).toContain('/native/starts/0/platform');
  });

  it('callbacks: an SDK call whose callback parameter is of an SDK class', () => {
    const policy = (callbacks: unknown[]) => ({
      id: 'x',
      description: 'd',
      native: { tokens: ['Foo'], classes: { Foo: { jvm: 'com.foo.Foo' } }, callbacks },
    });
    expect(
      validateDocument(
        'policy',
        'x.json',
        policy([{ calls: ['Foo.start'], argument: -1, parameter: 0, type: 'Foo', platforms: ['android'] }]),
      ),
    ).toEqual([]);
    const problems = validateDocument(
      'policy',
      'x.json',
      policy([
        { calls: ['Foo.start'], argument: -1, parameter: 0 },
        { calls: ['Foo.start'], argument: -2, parameter: 0, type: 'com.foo.Foo' },
      ]),
    ).map((p) => p.pointer);
    expect(problems).toContain('/native/callbacks/0');
    expect(problems).toContain('/native/callbacks/1/argument');
    expect(problems).toContain('/native/callbacks/1/type');
  });

  it('argument matchers, property reads and inherited members', () => {
    const matcher = {
      values: ['Manifest.permission.POST_NOTIFICATIONS'],
      elements: true,
      unreadable: { reportIfMentioned: ['POST_NOTIFICATIONS'] },
    };
    const ok = {
      id: 'x',
      description: 'd',
      native: {
        tokens: ['Foo'],
        classes: { Foo: { jvm: 'com.foo.Foo', inheritedMembers: ['ask'] } },
        sinks: [
          { rule: 'x/push', calls: ['Foo.ask'], arguments: { '0': matcher, '1': [true] } },
          { rule: 'x/push', properties: ['Foo.tracker'] },
        ],
        starts: [{ rule: 'x/start', platform: 'android', properties: ['Foo.analytics'] }],
      },
    };
    expect(validateDocument('policy', 'x.json', ok)).toEqual([]);
    const bad = {
      id: 'x',
      description: 'd',
      native: {
        tokens: ['Foo'],
        sinks: [
          { rule: 'x/push' },
          { rule: 'x/push', calls: ['Foo.ask'], arguments: { '0': { elements: true } } },
          { rule: 'x/push', calls: ['Foo.ask'], arguments: { '0': { values: ['a'], unreadable: 'report' } } },
          { rule: 'x/push', properties: ['analytics'] },
        ],
      },
    };
    const problems = validateDocument('policy', 'x.json', bad).map((p) => p.pointer);
    expect(problems).toContain('/native/sinks/0');
    expect(problems).toContain('/native/sinks/1/arguments/0');
    expect(problems.some((p) => p.startsWith('/native/sinks/2/arguments/0'))).toBe(true);
    expect(problems).toContain('/native/sinks/3/properties/0');
  });
});

describe('android-notifications/push: permissions the analysis cannot read', () => {
  const activity = (body: string) => `package com.example.app

import androidx.core.app.ActivityCompat

class PushActivity : Activity() {
    fun ask(permissions: Array<String>) {
${body}
    }
}
`;
  const call = '        ActivityCompat.requestPermissions(this, permissions, 1)';

  it('a request whose permissions are a parameter is reported when the project mentions POST_NOTIFICATIONS', async () => {
    const doc = await scanApp({
      [KT]: activity(call),
      'android/app/src/main/AndroidManifest.xml':
        '<manifest xmlns:android="http://schemas.android.com/apk/res/android"><uses-permission android:name="android.permission.POST_NOTIFICATIONS"/></manifest>',
    });
    expect(brief(doc.findings)).toEqual([`${KT}:7:9 android-notifications/push marketing`]);
    expect(doc.findings[0].message).toContain(
      'argument 2 cannot be read statically and the project mentions POST_NOTIFICATIONS',
    );
    expect(doc.errors).toEqual([]);
  });

  it('also when only JavaScript names it (a bridge handing the permission over)', async () => {
    const doc = await scanApp({
      [KT]: activity(call),
      'App.tsx': "export const PUSH = 'android.permission.POST_NOTIFICATIONS';\n",
    });
    expect(brief(doc.findings)).toEqual([`${KT}:7:9 android-notifications/push marketing`]);
  });

  it('and not when nothing in the project names POST_NOTIFICATIONS (a camera or location request)', async () => {
    const doc = await scanApp({ [KT]: activity(call) });
    expect(doc.findings).toEqual([]);
    expect(doc.errors).toEqual([]);
  });
});

// ------------------------------------------------------------------ reports

describe('native findings in reports', () => {
  it('SARIF and GitHub annotations point at the native file:line:column of the one result document', async () => {
    const root = join(fixtures, 'rn-leanplum-ungated');
    const result = await scan({ root });
    const ctx = { rules: result.rules, sources: result.sources, color: false, root };
    const log = JSON.parse(formatSarif(result.document, ctx)) as Log;
    const validate = sarifValidator();
    expect(validate(log), JSON.stringify(validate.errors)).toBe(true);
    const locations = log.runs[0].results!.map((r) => {
      const loc = r.locations![0].physicalLocation!;
      return `${loc.artifactLocation!.uri}:${loc.region!.startLine}:${loc.region!.startColumn} ${r.ruleId}`;
    });
    expect(locations).toEqual(result.document.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId}`));
    expect(locations).toContain('android/app/src/main/java/com/example/lpapp/MainApplication.kt:19:9 leanplum/init');
    expect(locations).toContain('ios/LpApp/AppDelegate.swift:14:7 leanplum/device-id');
    expect(locations).toContain('ios/LpApp/Info.plist:9:2 app-declarations/att-usage-description');
    expect(locations).toContain('android/app/src/main/AndroidManifest.xml:5:5 app-declarations/ad-id-permission');
    // every native rule has SARIF metadata
    const ruleIds = log.runs[0].tool.driver.rules!.map((r) => r.id);
    for (const r of log.runs[0].results!) expect(ruleIds).toContain(r.ruleId);
    // the trace of a closure hop becomes a code flow
    const flow = log.runs[0].results!.find(
      (r) =>
        r.ruleId === 'leanplum/device-id' &&
        r.locations![0].physicalLocation!.artifactLocation!.uri!.endsWith('.swift'),
    )!.codeFlows![0].threadFlows[0].locations;
    expect(flow.map((l) => l.location!.message!.text)).toEqual([
      'AppDelegate.application (entry: called by the platform)',
      'closure',
      'Leanplum.setDeviceId()',
    ]);

    const gh = formatGithub(result.document, ctx);
    expect(gh).toContain(
      '::error file=android/app/src/main/java/com/example/lpapp/MainApplication.kt,line=19,col=9,endLine=19,endColumn=29,title=leanplum/init::',
    );
    expect(gh).toContain('::warning file=android/app/src/main/AndroidManifest.xml,line=5,col=5,');
    expect(gh).toContain('::error file=ios/LpApp/Info.plist,line=9,col=2,');
  });

  it('suppression directives work in native comments', async () => {
    const text = kotlin(
      '        // consent-lint-disable-next-line leanplum/init -- consent is collected by the launcher activity before this process starts\n        Leanplum.start(this)',
    );
    const root = mkdtempSync(join(tmpdir(), 'cl-native-'));
    dirs.push(root);
    mkdirSync(dirname(join(root, KT)), { recursive: true });
    writeFileSync(join(root, KT), text);
    // The library applies suppression directives (as the CLI prints them).
    const { document } = await scan({ root });
    expect(document.findings).toMatchObject([{ ruleId: 'leanplum/init', suppressed: true }]);
  });
});

// ------------------------------------------------------------------ budgets and scale

describe('native time budgets and scale', () => {
  it('over --total-timeout, native files are not proven: every SDK call is a finding, and the run says so', async () => {
    const root = join(fixtures, 'rn-leanplum-gated');
    const { document } = await scan({ root, runTimeoutMs: 0.001 });
    const native = document.findings.filter((f) => NATIVE_FILE.test(f.file));
    expect(native.length).toBeGreaterThan(0);
    expect(native.every((f) => f.missing.length === f.requires.length)).toBe(true);
    const cut = document.errors.filter((e) => e.kind === 'timeout' && NATIVE_FILE.test(e.file)).map((e) => e.file);
    expect(new Set(cut)).toEqual(new Set(native.map((f) => f.file)));
    // one run-level error, not one per stage
    expect(document.errors.filter((e) => e.kind === 'timeout' && !e.file)).toHaveLength(1);
  });

  it('"may be called from another file" answers as a word search of every other native file would', async () => {
    const { mentionIndex } = await import('../src/native/index.js');
    const texts = [
      { relPath: 'a/A.kt', text: 'class A { fun start() = helper_1(x) } // startSdks' },
      { relPath: 'b/B.swift', text: 'func other() { self.start(); $x.y }' },
      { relPath: 'c/C.m', text: '[self startSdks]; helper_10();' },
    ] as Parameters<typeof mentionIndex>[0];
    const index = mentionIndex(texts);
    for (const file of texts.map((t) => t.relPath))
      for (const name of ['start', 'startSdks', 'helper_1', 'helper_10', 'x', 'y', 'other', 'missing', 'A'])
        expect([file, name, index(file)(name)]).toEqual([
          file,
          name,
          texts.some((t) => t.relPath !== file && new RegExp(`\\b${name}\\b`).test(t.text)),
        ]);
  });
});
