/**
 * The program model every later stage reads: the project (a snapshot of the
 * files parsed so far, which the pipeline grows; module resolution, tsconfig),
 * scopes, the Resolver (what a value *is*), and the one copy of each AST helper.
 */
export { forEachChild, isFunctionLike } from './ast.js';
export { locOf } from '../parse/compact.js';
export { classBodiesWithFields } from './classes.js';
export { constInit, localCalls, unmodifiedInit } from './locals.js';
export { dottedName, holdsProperties, keyName, ownPropertyName, propertyName } from './names.js';
export {
  packageName,
  Project,
  ScriptIndex,
  sdkModulesOf,
  withModuleAliasTokens,
  type ModuleInfo,
  type ProjectOptions,
} from './project.js';
export { alternatives, patternSteps, Resolver, type Root, type Step, type Value } from './resolve.js';
export type { CallLike } from './callers.js';
export { invocationArguments, jsxAsCall } from './callbacks.js';
export { importerListsReadIn } from './references.js';
export type { Binding } from './scope.js';
export { escapeRegExp, lineColumn, tokenRegExp } from './text.js';
export { GLOBAL_OBJECTS, storedGlobal } from './globals.js';
export { SnapshotMemo, stillHolds, type Dependence } from './snapshot.js';
export { stringScript, templateCode } from './strings.js';
export { isWrapper, unwrap } from './unwrap.js';
