/** `consent-lint why FILE:LINE`: every path to the sinks on that line, and the guards counted or not, with the reason. */
import { isAbsolute, posix, relative, resolve } from 'node:path';
import { discover } from '../discover/index.js';
import type { DiscoveredFile } from '../model.js';
import { parseFile } from '../parse/index.js';
import { findConfigFile, loadConfigFile, resolvePolicies } from '../policy/index.js';
import { Project } from '../program/index.js';
import { projectOptions } from '../pipeline.js';
import { formatWhy, why } from './why-paths.js';
import { EXIT_OK, reportError, UsageError } from './errors.js';
import type { CliIO } from './io.js';

export interface WhyFlags {
  config?: string;
  json?: boolean;
}

/** Exit 0 when every sink on the line is compliant, 1 when one is reported, 2 on usage errors. */
export async function runWhy(location: string, flags: WhyFlags, io: CliIO): Promise<number> {
  try {
    const m = /^(.*):(\d+)$/.exec(location);
    if (!m) throw new UsageError(`why: expected FILE:LINE, got "${location}"`);
    const root = io.cwd;
    const abs = isAbsolute(m[1]) ? m[1] : resolve(root, m[1]);
    const rel = relative(root, abs).split('\\').join(posix.sep);
    const line = Number(m[2]);
    const cfgFile = flags.config ? resolve(root, flags.config) : findConfigFile(root);
    const config = cfgFile ? loadConfigFile(cfgFile) : undefined;
    const policies = resolvePolicies(config?.policies, config?.dir ?? root);
    const discovery = await discover(root, { include: config?.include, exclude: config?.exclude });
    const files = new Map<string, DiscoveredFile>(discovery.files.map((f) => [f.relPath, f]));
    if (!files.has(rel)) throw new UsageError(`why: ${rel} is not a scanned source file under ${root}`);
    // The SDK modules and sink names, as a scan has them (typed receivers need them).
    const project = new Project(root, files, parseFile, projectOptions(policies, config));
    const { sinks } = why(project, policies, config, rel, line);
    if (!sinks.length) throw new UsageError(`why: no SDK call that a policy names on ${rel}:${line}`);
    io.stdout(flags.json ? `${JSON.stringify(sinks, null, 2)}\n` : formatWhy(sinks));
    return sinks.some((s) => s.missing.length) ? 1 : EXIT_OK;
  } catch (error) {
    return reportError(error, io);
  }
}
