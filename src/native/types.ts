/**
 * The `native` section of a policy file: what the native stage looks for in
 * Kotlin, Java, Swift and Objective-C sources and in the app's declarations
 * (Info.plist, AndroidManifest.xml, Android resources, Expo app.json).
 *
 * Everything is data. A *call path* is a dotted string such as
 * `Leanplum.setDeviceIdMode` or `ATTrackingManager.requestTrackingAuthorization`:
 * its first segment is a class named in `classes` (resolved by imports on the
 * JVM, by name on Apple platforms unless a local declaration shadows it), the
 * rest are members, calls and Objective-C selectors (first keyword), e.g.
 * `[[ASIdentifierManager sharedManager] advertisingIdentifier]` has the path
 * `ASIdentifierManager.sharedManager.advertisingIdentifier`. Values reached
 * through local constants (`val ot = OTPublishersHeadlessSDK(this)`) and
 * declared types (`lateinit var ci: ConsentInformation`) continue the path of
 * their origin.
 */
export type {
  Platform,
  NativeClass,
  NativeSinkSpec,
  NativeArgumentMatch,
  Deferral,
  NativeStartSpec,
  NativeGuardSpec,
  NativeCallbackSpec,
  DeclarationSpec,
  LinkedProductSpec,
} from '../model.js';
