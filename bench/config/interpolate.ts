// ${VAR} substitution from the environment. Every substituted value is a potential secret and is
// registered for redaction before anything is written out.

export interface InterpolationProblem {
  path: (string | number)[];
  message: string;
}

const VAR_PATTERN = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** Replace ${VAR} in every string of a parsed document (in place semantics, returns a new tree). */
export function interpolate(
  value: unknown,
  env: NodeJS.ProcessEnv,
  secrets: Set<string>,
  problems: InterpolationProblem[],
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') {
    return value.replace(VAR_PATTERN, (_whole, name: string) => {
      const found = env[name];
      if (found === undefined) {
        problems.push({ path, message: `environment variable ${name} is not set (used as \${${name}})` });
        return '';
      }
      if (found.length > 0) secrets.add(found);
      return found;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => interpolate(item, env, secrets, problems, [...path, i]));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = interpolate(item, env, secrets, problems, [...path, key]);
    return out;
  }
  return value;
}
