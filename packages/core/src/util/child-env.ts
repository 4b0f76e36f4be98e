/**
 * What a child of jdcast inherits from jdcast's environment: the basics a program needs to run
 * (PATH, locale, home, temp and runtime dirs) and JACK's own variables, never anything else —
 * password variables included. `extra` adds what that child needs.
 */
export function childEnvironment(
	extra: Record<string, string> = {},
	from: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
	const env: Record<string, string> = {};
	for (const [name, value] of Object.entries(from)) {
		if (value !== undefined && (BASICS.has(name) || name.startsWith('LC_') || name.startsWith('JACK_')))
			env[name] = value;
	}
	return { ...env, ...extra };
}

const BASICS = new Set([
	'PATH',
	'HOME',
	'USER',
	'LOGNAME',
	'LANG',
	'LANGUAGE',
	'TZ',
	'TMPDIR',
	'XDG_RUNTIME_DIR',
	'LD_LIBRARY_PATH',
]);
