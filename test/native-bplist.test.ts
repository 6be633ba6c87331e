/**
 * Binary property lists (Xcode may write Info.plist as bplist00) are read as
 * their XML equivalent; one that cannot be read is an error that fails the
 * run, unless it is vendored (Pods/), which the analysis never reads.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scan } from '../src/index.js';
import { binaryPlistToXml } from '../src/discover/bplist.js';

// plistlib.dump({...}, fmt=FMT_BINARY) of: NSUserTrackingUsageDescription 'Ads <tailored> & you', 'Kéy' 'ümlaut ☃',
// n -5, big 2**40, r 1.5, f False, data b'\x00\x01', arr [1, 'a', True]
const SAMPLE = Buffer.from(
  'YnBsaXN0MDDYAQIDBAUGBwgJCgsPEBESE2MASwDpAHlfEB5OU1VzZXJUcmFja2luZ1VzYWdlRGVzY3JpcHRpb25TYXJyU2JpZ1RkYXRhUWZRblFyaAD8AG0AbABhAHUAdAAgJgNfEBRBZHMgPHRhaWxvcmVkPiAmIHlvdaMMDQ4QAVFhCRMAAAEAAAAAAEIAAQgT//////////sjP/gAAAAAAAAIGSBBRUlOUFJUZXyAgoSFjpGSmwAAAAAAAAEBAAAAAAAAABQAAAAAAAAAAAAAAAAAAACk',
  'base64',
);

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function scanApp(files: Record<string, string | Buffer>) {
  const root = mkdtempSync(join(tmpdir(), 'cl-bplist-'));
  dirs.push(root);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), content);
  }
  return (await scan({ root })).document;
}

const ATT = `import UIKit
import AppTrackingTransparency
class AppDelegate: UIResponder, UIApplicationDelegate {
  func applicationDidBecomeActive(_ application: UIApplication) {
    ATTrackingManager.requestTrackingAuthorization { status in print(status) }
  }
}
`;

describe('binary Info.plist', () => {
  it('converts every bplist00 value type to its XML form', () => {
    const xml = binaryPlistToXml(SAMPLE);
    expect(xml).toContain(
      '<key>NSUserTrackingUsageDescription</key>\n\t<string>Ads &lt;tailored&gt; &amp; you</string>',
    );
    expect(xml).toContain('<key>Kéy</key>\n\t<string>ümlaut ☃</string>');
    expect(xml).toContain('<integer>-5</integer>');
    expect(xml).toContain('<integer>1099511627776</integer>');
    expect(xml).toContain('<real>1.5</real>');
    expect(xml).toContain('<key>f</key>\n\t<false/>');
    expect(xml).toContain('<data>AAE=</data>');
    expect(xml).toContain('<array>\n\t\t<integer>1</integer>\n\t\t<string>a</string>\n\t\t<true/>\n\t</array>');
  });

  it('a malformed one throws (truncated, bad trailer)', () => {
    expect(() => binaryPlistToXml(SAMPLE.subarray(0, SAMPLE.length - 5))).toThrow();
    expect(() => binaryPlistToXml(Buffer.from('bplist00'))).toThrow();
  });

  it('a binary Info.plist with the usage description satisfies the ATT check (no finding, no error)', async () => {
    const doc = await scanApp({ 'ios/App/AppDelegate.swift': ATT, 'ios/App/Info.plist': SAMPLE });
    expect(doc.errors).toEqual([]);
    expect(doc.findings).toEqual([]);
  });

  it('an unreadable binary Info.plist of the app is a parse error; a vendored one is not reported', async () => {
    const junk = Buffer.concat([Buffer.from('bplist00'), Buffer.alloc(40, 1)]);
    const doc = await scanApp({
      'ios/App/AppDelegate.swift': ATT,
      'ios/App/Info.plist': junk,
      'ios/Pods/Vendor/Info.plist': junk,
    });
    expect(doc.errors.map((e) => `${e.file} ${e.kind}`)).toEqual(['ios/App/Info.plist parse']);
  });
});
