/**
 * Starts that apply only when a product is linked (`whenLinked`): iOS
 * `FirebaseApp.configure()` starts Analytics only with FirebaseAnalytics
 * linked. Left out only on positive evidence (Podfile.lock, project.pbxproj,
 * package.json); anything else is reported, saying why. The fixture apps
 * fixtures/native/firebase-* hold the main cases with inline expectations.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import { isCandidate } from '../src/discover/list.js';
import { readPodfileLock, readProjectProducts, resolvedIdentities } from '../src/native/linked.js';
import { nativeInputs } from '../src/native/inputs.js';
import { resolvePolicies, validateDocument } from '../src/policy/index.js';
import type { DiscoveredFile } from '../src/model.js';

const fixtures = join(__dirname, '..', 'fixtures', 'native');
const read = (app: string, rel: string) => readFileSync(join(fixtures, app, rel), 'utf8');

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function scanApp(files: Record<string, string>) {
  const root = mkdtempSync(join(tmpdir(), 'cl-linked-'));
  dirs.push(root);
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return (await scan({ root })).document;
}

const FCM = 'firebase-fcm-only-gated';
const SPM = 'firebase-spm-messaging-gated';
/** The FCM-only React Native app (ios/Podfile, ios/Podfile.lock, ios/FcmApp.xcodeproj, package.json). */
const rnApp = (): Record<string, string> => ({
  'package.json': read(FCM, 'package.json'),
  'ios/Podfile': read(FCM, 'ios/Podfile'),
  'ios/Podfile.lock': read(FCM, 'ios/Podfile.lock'),
  'ios/FcmApp.xcodeproj/project.pbxproj': read(FCM, 'ios/FcmApp.xcodeproj/project.pbxproj'),
  'ios/FcmApp/Info.plist': read(FCM, 'ios/FcmApp/Info.plist'),
  'ios/FcmApp/AppDelegate.swift': read(FCM, 'ios/FcmApp/AppDelegate.swift'),
});
/** The Swift-Package-Manager-only app (FirebaseMessaging and FirebaseCrashlytics of firebase-ios-sdk). */
const spmApp = (): Record<string, string> => ({
  'SpmApp.xcodeproj/project.pbxproj': read(SPM, 'SpmApp.xcodeproj/project.pbxproj'),
  'SpmApp/Info.plist': read(SPM, 'SpmApp/Info.plist'),
  'SpmApp/AppDelegate.swift': read(SPM, 'SpmApp/AppDelegate.swift'),
});

const starts = (doc: Awaited<ReturnType<typeof scanApp>>) =>
  doc.findings.filter((f) => f.ruleId === 'firebase/native-start').map((f) => `${f.file}:${f.line} ${f.message}`);

describe('firebase/native-start applies when FirebaseAnalytics is linked', () => {
  it('the FCM-only app (lock and project without Analytics) has no finding', async () => {
    const doc = await scanApp(rnApp());
    expect(doc.findings).toEqual([]);
    expect(doc.errors).toEqual([]);
  });

  it('says why when it applies: the lock entry, in the message and as the last trace step', async () => {
    const { document } = await scan({ root: join(fixtures, 'firebase-analytics-linked-ungated') });
    const f = document.findings.find((x) => x.file === 'ios/FcmApp/AppDelegate.swift')!;
    expect(f.message).toContain('(FirebaseAnalytics is linked: ios/Podfile.lock lists Firebase/Analytics)');
    expect(f.trace.at(-1)).toEqual({
      file: 'ios/Podfile.lock',
      line: 11,
      column: 3,
      label: 'Firebase/Analytics (FirebaseAnalytics is linked)',
    });
    expect(f.dependsOn).toContain('ios/Podfile.lock');
  });

  it('a stale lock does not hide @react-native-firebase/analytics in package.json', async () => {
    const { document } = await scan({ root: join(fixtures, 'firebase-rn-stale-lock-ungated') });
    expect(document.findings.map((f) => f.message)).toEqual([
      expect.stringContaining('package.json depends on @react-native-firebase/analytics'),
    ]);
  });

  it('a Podfile without its lock: reported, saying that nothing tells what is linked', async () => {
    const { document } = await scan({ root: join(fixtures, 'firebase-podfile-no-lock-ungated') });
    expect(document.findings.map((f) => f.message)).toEqual([
      expect.stringContaining('whether FirebaseAnalytics is linked is not known: ios/Podfile has no Podfile.lock'),
    ]);
  });

  it('a FirebaseAnalytics Swift package product is linked', async () => {
    const { document } = await scan({ root: join(fixtures, 'firebase-spm-analytics-ungated') });
    expect(document.findings.map((f) => f.message)).toEqual([
      expect.stringContaining('FirebaseAnalytics is linked: SpmApp.xcodeproj/project.pbxproj names FirebaseAnalytics'),
    ]);
  });

  it('Swift packages prove nothing when the app also has a Podfile (CocoaPods may link Analytics)', async () => {
    const doc = await scanApp({ ...spmApp(), Podfile: "target 'SpmApp' do\n  pod 'FirebaseAnalytics'\nend\n" });
    expect(starts(doc)).toEqual([expect.stringContaining('Podfile has no Podfile.lock next to it')]);
    // a Podfile of another folder may still be this app's (`project '../SpmApp/SpmApp.xcodeproj'`)
    const elsewhere = await scanApp({ ...spmApp(), 'tools/Podfile': "project '../SpmApp.xcodeproj'\n" });
    expect(starts(elsewhere)).toEqual([expect.stringContaining('a Podfile elsewhere (tools/Podfile)')]);
  });

  it('a Swift package product of another package may link Analytics: reported', async () => {
    const files = spmApp();
    const pbx = files['SpmApp.xcodeproj/project.pbxproj']
      .replace(
        '/* End XCRemoteSwiftPackageReference section */',
        `\t\tAA00000000000000000000A1 /* XCRemoteSwiftPackageReference "analytics-kit" */ = {
\t\t\tisa = XCRemoteSwiftPackageReference;
\t\t\trepositoryURL = "https://github.com/acme/analytics-kit.git";
\t\t\trequirement = {
\t\t\t\tkind = upToNextMajorVersion;
\t\t\t\tminimumVersion = 1.0.0;
\t\t\t};
\t\t};
/* End XCRemoteSwiftPackageReference section */`,
      )
      .replace(
        '/* End XCSwiftPackageProductDependency section */',
        `\t\tAA00000000000000000000A2 /* AnalyticsKit */ = {
\t\t\tisa = XCSwiftPackageProductDependency;
\t\t\tpackage = AA00000000000000000000A1 /* XCRemoteSwiftPackageReference "analytics-kit" */;
\t\t\tproductName = AnalyticsKit;
\t\t};
/* End XCSwiftPackageProductDependency section */`,
      );
    const doc = await scanApp({ ...files, 'SpmApp.xcodeproj/project.pbxproj': pbx });
    expect(starts(doc)).toEqual([
      expect.stringContaining('links the Swift package product AnalyticsKit of github.com/acme/analytics-kit'),
    ]);
    // and so does a project without Swift packages (how is Firebase linked?)
    const none = await scanApp({
      ...files,
      'SpmApp.xcodeproj/project.pbxproj': read(FCM, 'ios/FcmApp.xcodeproj/project.pbxproj'),
    });
    expect(starts(none)).toEqual([expect.stringContaining('links no Swift package, and there is no Podfile.lock')]);
  });

  it('FirebaseAnalytics in the project next to a Podfile.lock without it (mixed CocoaPods and SPM): reported', async () => {
    const files = rnApp();
    const pbx = files['ios/FcmApp.xcodeproj/project.pbxproj'].replace(
      '/* End PBXBuildFile section */',
      '\t\tBB00000000000000000000B1 /* FirebaseAnalytics.xcframework in Frameworks */ = {isa = PBXBuildFile; fileRef = BB00000000000000000000B2 /* FirebaseAnalytics.xcframework */; };\n/* End PBXBuildFile section */',
    );
    const doc = await scanApp({ ...files, 'ios/FcmApp.xcodeproj/project.pbxproj': pbx });
    expect(starts(doc)).toEqual([
      expect.stringContaining(
        'FirebaseAnalytics is linked: ios/FcmApp.xcodeproj/project.pbxproj names FirebaseAnalytics',
      ),
    ]);
  });

  it("another app's lock says nothing about this one", async () => {
    const files = rnApp();
    const doc = await scanApp({
      'other/Podfile.lock': files['ios/Podfile.lock'],
      'other/Podfile': files['ios/Podfile'],
      'ios/FcmApp/AppDelegate.swift': files['ios/FcmApp/AppDelegate.swift'],
      'ios/FcmApp/Info.plist': files['ios/FcmApp/Info.plist'],
    });
    expect(starts(doc)).toEqual([expect.stringContaining('no Podfile.lock encloses this file')]);
  });

  it('a malformed lock is an analysis error, and the start is reported', async () => {
    const files = rnApp();
    const conflicted = files['ios/Podfile.lock'].replace(
      '  - FirebaseCore (10.20.0):',
      '<<<<<<< HEAD\n  - FirebaseCore (10.20.0):',
    );
    const doc = await scanApp({ ...files, 'ios/Podfile.lock': conflicted });
    expect(starts(doc)).toEqual([expect.stringContaining('ios/Podfile.lock could not be read')]);
    expect(doc.errors).toMatchObject([
      { file: 'ios/Podfile.lock', kind: 'parse', message: expect.stringContaining('merge conflict') },
    ]);
    const cut = files['ios/Podfile.lock'].slice(0, files['ios/Podfile.lock'].indexOf('DEPENDENCIES:'));
    const doc2 = await scanApp({ ...files, 'ios/Podfile.lock': cut });
    expect(starts(doc2)).toHaveLength(1);
    expect(doc2.errors).toMatchObject([{ file: 'ios/Podfile.lock', kind: 'parse' }]);
  });

  it('an unreadable lock fails the run (as an unreadable Info.plist does)', async () => {
    const files = rnApp();
    const doc = await scanApp({ ...files, 'ios/Podfile.lock': '\0binary' });
    expect(doc.errors).toMatchObject([{ file: 'ios/Podfile.lock', kind: 'parse' }]);
    expect(starts(doc)).toHaveLength(1);
  });
});

describe('link evidence: readers', () => {
  it('Podfile.lock: every name of PODS, entries and dependencies, quoted or not, subspecs kept', () => {
    const lock = readPodfileLock(
      'Podfile.lock',
      'PODS:\n  - "GoogleUtilities/NSData+zlib (7.12.0)"\n  - FirebaseAnalytics/AdIdSupport (10.20.0):\n    - GoogleAppMeasurement (= 10.20.0)\n  - nanopb (2.30909.1)\n\nDEPENDENCIES:\n  - Firebase/Analytics\n\nCOCOAPODS: 1.14.3\n',
    );
    expect('pods' in lock && lock.pods.map((p) => `${p.name}@${p.line}:${p.column}`)).toEqual([
      'GoogleUtilities/NSData+zlib@2:3',
      'FirebaseAnalytics/AdIdSupport@3:3',
      'GoogleAppMeasurement@4:5',
      'nanopb@5:3',
    ]);
    expect(readPodfileLock('Podfile.lock', 'DEPENDENCIES:\n  - A\nCOCOAPODS: 1.0\n')).toMatchObject({
      error: { message: 'Podfile.lock: no PODS section' },
    });
    expect(readPodfileLock('Podfile.lock', 'PODS:\n  - A (1.0)\n')).toMatchObject({
      error: { message: expect.stringContaining('no final COCOAPODS line') },
    });
    expect(readPodfileLock('Podfile.lock', 'PODS:\n  * A\nCOCOAPODS: 1.0\n')).toMatchObject({
      error: { line: 2, message: expect.stringContaining('unexpected line in PODS') },
    });
  });

  it('project.pbxproj: Swift package products with their repository URLs (local packages have none)', () => {
    const products = readProjectProducts(read(SPM, 'SpmApp.xcodeproj/project.pbxproj'));
    expect(products.map((p) => `${p.name} ${p.url}`)).toEqual([
      'FirebaseMessaging github.com/firebase/firebase-ios-sdk',
      'FirebaseCrashlytics github.com/firebase/firebase-ios-sdk',
    ]);
    const local = readProjectProducts(
      '\t\tC1 /* XCLocalSwiftPackageReference "Core" */ = {\n\t\t\tisa = XCLocalSwiftPackageReference;\n\t\t\trelativePath = Core;\n\t\t};\n' +
        '\t\tC2 /* Core */ = {isa = XCSwiftPackageProductDependency; package = C1; productName = Core; };\n',
    );
    expect(local).toMatchObject([{ name: 'Core', url: undefined }]);
  });

  it('discovery lists Podfile, Podfile.lock and project.pbxproj, not vendored ones', () => {
    expect(isCandidate('ios/Podfile')).toBe(true);
    expect(isCandidate('ios/Podfile.lock')).toBe(true);
    expect(isCandidate('ios/App.xcodeproj/project.pbxproj')).toBe(true);
    expect(isCandidate('ios/Pods/Pods.xcodeproj/project.pbxproj')).toBe(false);
    expect(isCandidate('Carthage/Checkouts/x/X.xcodeproj/project.pbxproj')).toBe(false);
    expect(isCandidate('node_modules/pkg/ios/Podfile.lock')).toBe(false);
    expect(isCandidate('ios/Podfile.bak')).toBe(false);
  });

  it('they go to the native stage with native files, but alone start nothing', () => {
    const f = (relPath: string, text = ''): DiscoveredFile => ({ relPath, absPath: `/app/${relPath}`, text });
    const policies = resolvePolicies(undefined);
    const lock = f('ios/Podfile.lock', 'PODS:\n');
    expect(nativeInputs([lock, f('src/app.ts')], policies)).toEqual({ files: [], native: false });
    const swift = f('ios/App/AppDelegate.swift', 'FirebaseApp.configure()\n');
    expect(nativeInputs([lock, swift], policies).files).toEqual([lock, swift]);
  });

  it('the policy schema: whenLinked only on iOS starts, with its lists', () => {
    const policy = (platform: string, whenLinked: unknown) => ({
      id: 'x',
      description: 'd',
      native: {
        tokens: ['Foo'],
        rules: [],
        starts: [{ rule: 'x/init', platform, calls: ['Foo.start'], whenLinked }],
      },
    });
    const spec = { product: 'Foo', pods: ['Foo'], swiftPackageProducts: ['Foo'], swiftPackages: [] };
    expect(validateDocument('policy', 'x.json', policy('ios', spec))).toEqual([]);
    expect(validateDocument('policy', 'x.json', policy('android', spec)).map((p) => p.pointer)).toContain(
      '/native/starts/0/platform',
    );
    expect(validateDocument('policy', 'x.json', policy('ios', { product: 'Foo' })).length).toBeGreaterThan(0);
  });
});

describe('Package.resolved', () => {
  it('lists the resolved package identities of versions 1, 2 and 3; unreadable is undefined', () => {
    const v1 = {
      object: {
        pins: [
          { package: 'GoogleAppMeasurement', repositoryURL: 'https://github.com/google/GoogleAppMeasurement.git' },
        ],
      },
      version: 1,
    };
    const v3 = {
      pins: [
        { identity: 'kingfisher', kind: 'remoteSourceControl', location: 'https://github.com/onevcat/Kingfisher.git' },
      ],
      version: 3,
    };
    expect([...resolvedIdentities(JSON.stringify(v1))!]).toEqual(['googleappmeasurement']);
    expect([...resolvedIdentities(JSON.stringify(v3))!]).toEqual(['kingfisher']);
    expect(resolvedIdentities('{"pins": [{}]}')).toBeUndefined();
    expect(resolvedIdentities('<<<<<<< HEAD')).toBeUndefined();
    expect(isCandidate('ios/App.xcodeproj/project.xcworkspace/xcshareddata/swiftpm/Package.resolved')).toBe(true);
    expect(isCandidate('ios/App.xcworkspace/xcshareddata/swiftpm/Package.resolved')).toBe(true);
    expect(isCandidate('ios/Pods/Pods.xcodeproj/project.xcworkspace/xcshareddata/swiftpm/Package.resolved')).toBe(
      false,
    );
  });
});

describe('an npm dependency autolinked into the Android app starts Firebase Analytics (npmDependencies)', () => {
  const pkg = (deps: Record<string, string>) =>
    `{\n  "name": "app",\n  "dependencies": {\n${Object.entries(deps)
      .map(([k, v]) => `    "${k}": "${v}"`)
      .join(',\n')}\n  }\n}\n`;
  const withAnalytics = pkg({
    'react-native': '0.74.0',
    '@react-native-firebase/app': '20.0.0',
    '@react-native-firebase/analytics': '20.0.0',
  });
  const expoJson = '{ "expo": { "name": "app", "plugins": ["@react-native-firebase/app"] } }\n';
  const at = (doc: Awaited<ReturnType<typeof scanApp>>) =>
    doc.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.ruleId} ${f.missing.join(',')}`);

  it('an Expo app (no native folder: Expo generates it) is reported at the dependency', async () => {
    const doc = await scanApp({ 'package.json': withAnalytics, 'app.json': expoJson });
    expect(at(doc)).toEqual(['package.json:6:5 firebase/native-start analytics']);
    expect(doc.findings[0].message).toContain('autolink into the Android app');
    expect(doc.findings[0].dependsOn).toEqual(['package.json']);
    expect(doc.errors).toEqual([]);
  });

  it('a bare React Native app with an android project, in a monorepo folder', async () => {
    const doc = await scanApp({
      'apps/mobile/package.json': withAnalytics,
      'apps/mobile/android/app/build.gradle': "apply plugin: 'com.android.application'\n",
    });
    expect(at(doc)).toEqual(['apps/mobile/package.json:6:5 firebase/native-start analytics']);
    // Expo's own (deprecated) module links firebase-analytics too.
    const expoModule = await scanApp({
      'package.json': pkg({ expo: '47.0.0', 'expo-firebase-analytics': '8.0.0' }),
      'app.json': expoJson,
    });
    expect(at(expoModule)).toEqual(['package.json:5:5 firebase/native-start analytics']);
  });

  it('not when firebase.json switches automatic collection off', async () => {
    const doc = await scanApp({
      'package.json': withAnalytics,
      'app.json': expoJson,
      'firebase.json': '{ "react-native": { "analytics_auto_collection_enabled": false } }\n',
    });
    expect(doc.findings).toEqual([]);
  });

  it('not without an Android app (iOS-only project, a web project) or without the analytics module', async () => {
    const iosOnly = await scanApp({ 'package.json': withAnalytics, 'ios/Podfile': "target 'App' do\nend\n" });
    expect(at(iosOnly)).toEqual([]);
    const web = await scanApp({ 'package.json': withAnalytics, 'src/index.html': '<p>hi</p>\n' });
    expect(at(web)).toEqual([]);
    const appOnly = await scanApp({
      'package.json': pkg({ 'react-native': '0.74.0', '@react-native-firebase/app': '20.0.0' }),
      'app.json': expoJson,
    });
    expect(at(appOnly)).toEqual([]);
  });

  it('a package.json that does not parse is an error, not an absent dependency', async () => {
    const doc = await scanApp({ 'package.json': `${withAnalytics}}`, 'app.json': expoJson });
    expect(doc.errors.map((e) => `${e.file} ${e.kind}`)).toEqual(['package.json parse']);
  });
});
