import { PlanError } from './errors';

/**
 * Values for `${name}` in a peer's argv, env and cwd. A variable that exists in the format but
 * has no value in this run (`${fd}` without a socketpair) maps to the reason it is missing.
 */
export interface Variables {
  values: Record<string, string>;
  unavailable: Record<string, string>;
}

const VARIABLE = /\$\{([^}]*)\}/g;

/** Replaces every `${name}`; `where` names the place for error messages (e.g. "server.run[2]"). */
export function substitute(text: string, vars: Variables, where: string): string {
  return text.replace(VARIABLE, (_match, rawName: string) => {
    const name = rawName.trim();
    const value = vars.values[name];
    if (value !== undefined) return value;
    const reason = vars.unavailable[name];
    if (reason !== undefined) {
      throw new PlanError('ERR_VARIABLE_UNAVAILABLE', name, `\${${name}} in ${where} has no value in this run: ${reason}`);
    }
    const known = [...Object.keys(vars.values), ...Object.keys(vars.unavailable)].map((k) => `\${${k}}`).join(', ');
    throw new PlanError('ERR_UNKNOWN_VARIABLE', name, `unknown variable \${${name}} in ${where}; known variables: ${known}`);
  });
}
