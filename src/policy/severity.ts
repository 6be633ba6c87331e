/**
 * The severity a rule runs at under a config: one answer for the scan (the
 * JavaScript rules in force, the native stage), `consent-lint policies` and
 * `--print-config`.
 */
import type { Config, RuleSetting, RuleSpec } from '../model.js';

/**
 * The config's `rules` setting; else, under the `strict` preset, `error`
 * (every rule on); else `off` for a rule marked `preset: "strict"`; else the
 * rule's default severity.
 */
export function ruleSeverity(
  rule: Pick<RuleSpec, 'id' | 'severity' | 'preset'>,
  config: Config | undefined,
): RuleSetting {
  const setting = config?.rules?.[rule.id];
  if (setting) return setting;
  if (config?.preset === 'strict') return 'error';
  return rule.preset === 'strict' ? 'off' : rule.severity;
}
