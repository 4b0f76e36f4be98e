import { formatLocation, hasErrors, loadProfileFiles, loadScheduleFile, type Profile } from '@jdcast/core';
import { passwordVariables, readSmallFile, type SmallFileError } from '@jdcast/core/internal';
import { rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { selfCommand } from '../node-flags.js';
import { UsageError } from '../args.js';
import { printDiagnostics } from '../output/diagnostics.js';
import { writeFileAtomically } from '@jdcast/core/internal';
import { sortFiles, twoSchedulesMessage } from '../run/profile-files.js';
import { safeFolder } from '../service/files.js';
import { removeEnableLinks, systemctl, systemdUnreachable } from '../service/systemctl.js';
import { environmentText, UNIT_MARKER, unitText } from '../service/unit.js';
import { helpOption, type Command } from './command.js';
import { httpOption, httpSettings } from './http-option.js';

export const service: Command = {
	name: 'service',
	summary: 'Run jdcast at boot: install (or uninstall) a systemd service that runs `jdcast up` on profiles.',
	usage:
		'jdcast service install [--user] [--http [HOST:]PORT] [--schedule FILE] FILES... | jdcast service uninstall [--user]',
	options: {
		user: {
			type: 'boolean',
			description: "a user service (systemctl --user): runs as you, beside your desktop's JACK or PipeWire",
		},
		name: {
			type: 'string',
			description: 'the unit name (default jdcast): several services side by side',
			placeholder: 'NAME',
		},
		...httpOption,
		schedule: { type: 'string', description: 'the schedule file `jdcast up --schedule` reads', placeholder: 'FILE' },
		'run-as': {
			type: 'string',
			description: 'the account a system service runs as (default: the one that ran sudo, else yours)',
			placeholder: 'USER',
		},
		dir: {
			type: 'string',
			description: 'where to write the unit (default /etc/systemd/system, or ~/.config/systemd/user with --user)',
			placeholder: 'DIR',
		},
		'no-enable': { type: 'boolean', description: 'write the files only; do not run systemctl enable --now' },
		print: { type: 'boolean', description: 'print the unit and write nothing' },
		...helpOption,
	},
	details: [
		'install checks the profiles first, writes NAME.service and NAME.env (mode 0600: the values of',
		'the password_env variables the profiles name, and JDCAST_HTTP_TOKEN), then enables and starts',
		'it. The service restarts jdcast when it fails and logs one JSON object per event to the journal:',
		'  journalctl [--user] -u jdcast -f',
		'A user service starts at boot only with lingering on: loginctl enable-linger $USER.',
		"Without a running systemd (the user's, with --user) install writes nothing and exits 1; --no-enable",
		'or --dir write the files without asking systemd. uninstall exits 1 when systemd could not be asked.',
	],
	async run({ values, positionals }) {
		const [action, ...files] = positionals;
		if (action === 'install') return install(values, files);
		if (action === 'uninstall') {
			if (files.length > 0) throw new UsageError('jdcast service uninstall takes no files');
			return uninstall(values);
		}
		throw new UsageError(`jdcast service: say install or uninstall${action ? `, not "${action}"` : ''}`);
	},
};

type Values = Parameters<Command['run']>[0]['values'];

interface Place {
	name: string;
	user: boolean;
	unitFile: string;
	envFile: string;
}

function placeOf(values: Values): Place {
	const name = typeof values.name === 'string' ? values.name : 'jdcast';
	// systemd's unit name rules, without templates (@) and without the suffix it adds itself.
	if (!/^[A-Za-z0-9_][A-Za-z0-9_.:-]{0,99}$/.test(name) || name.includes('..') || name.endsWith('.service')) {
		throw new UsageError(
			`jdcast service: --name ${JSON.stringify(name.length > 60 ? `${name.slice(0, 60)}…` : name)}: a unit name of at most 100 letters, digits, _ . : - (not starting with . or -, without .service)`,
		);
	}
	const user = values.user === true;
	const configHome = process.env.XDG_CONFIG_HOME || path.join(os.homedir(), '.config');
	const dir =
		typeof values.dir === 'string'
			? path.resolve(values.dir)
			: user
				? path.join(configHome, 'systemd', 'user')
				: '/etc/systemd/system';
	const envDir = typeof values.dir === 'string' ? dir : user ? path.join(configHome, 'jdcast') : '/etc/jdcast';
	return { name, user, unitFile: path.join(dir, `${name}.service`), envFile: path.join(envDir, `${name}.env`) };
}

async function install(values: Values, patterns: string[]): Promise<number> {
	if (patterns.length === 0)
		throw new UsageError('jdcast service install: name the profile files (FILES or "GLOBS") it should run');
	const place = placeOf(values);
	const files = await sortFiles(patterns, typeof values.schedule === 'string' ? values.schedule : undefined);
	if (files.twoSchedules) throw new UsageError(`jdcast service install: ${twoSchedulesMessage(files.twoSchedules)}`);
	if (files.profiles.length === 0)
		throw new UsageError(`jdcast service install: no profile files among ${patterns.join(' ')}`);
	const loaded = await loadProfileFiles(files.profiles);
	// What `jdcast up` would refuse at every start of the service is refused now.
	const schedule =
		files.schedule === undefined
			? []
			: (
					await loadScheduleFile(
						files.schedule,
						loaded.profiles.map((p) => p.name),
					)
				).diagnostics;
	printDiagnostics([...loaded.diagnostics, ...schedule]);
	if (!loaded.ok || hasErrors(schedule)) return 1;
	const http = await httpSettings(values);
	const environment = secretsFor(loaded.profiles);
	if ('missing' in environment) {
		process.stderr.write(`jdcast service: ${environment.missing}\n`);
		return 1;
	}
	if (http?.token && typeof values['http-token-file'] !== 'string') environment.JDCAST_HTTP_TOKEN = http.token.reveal();

	const runAs = place.user
		? undefined
		: typeof values['run-as'] === 'string'
			? values['run-as']
			: (process.env.SUDO_USER ?? os.userInfo().username);
	if (runAs !== undefined && !/^[a-z_][a-z0-9_.-]{0,31}\$?$/i.test(runAs))
		throw new UsageError(`jdcast service: --run-as ${JSON.stringify(runAs)} is not a user name`);
	const socket = place.user ? undefined : `/run/jdcast/${place.name}/control.sock`;
	const exec = [
		...selfCommand(),
		'up',
		'--json',
		...(socket ? ['--socket', socket] : []),
		...(typeof values.http === 'string' ? ['--http', values.http] : []),
		...(typeof values['http-token-file'] === 'string'
			? ['--http-token-file', path.resolve(values['http-token-file'])]
			: []),
		...(values['http-trust-proxy'] === true ? ['--http-trust-proxy'] : []),
		...(typeof values.schedule === 'string' ? ['--schedule', path.resolve(values.schedule)] : []),
		...patterns.map((p) => path.resolve(p)),
	];
	const unit = unitText({
		name: place.name,
		user: place.user,
		...(runAs ? { runAs } : {}),
		exec,
		environmentFile: place.envFile,
		workingDirectory: path.dirname(path.resolve(files.profiles[0]!)),
		...(socket ? { socket } : {}),
		profiles: loaded.profiles.map((p) => p.name),
	});
	if (values.print) {
		process.stdout.write(unit);
		return 0;
	}
	const enable = !values['no-enable'] && typeof values.dir !== 'string';
	// Asked before anything is written: files for a service manager that is not there help no one.
	const unreachable = enable ? await systemdUnreachable(place.user) : undefined;
	if (unreachable !== undefined) {
		process.stderr.write(
			`jdcast service: no running systemd${place.user ? ' user instance' : ''} to install into (${unreachable}), so nothing was written; --no-enable writes the files without it\n`,
		);
		return 1;
	}
	const envText = environmentText(environment);
	try {
		await safeFolder(path.dirname(place.unitFile), 0o755);
		await safeFolder(path.dirname(place.envFile), 0o700);
		await writeFileAtomically(place.envFile, envText, 0o600);
		await writeFileAtomically(place.unitFile, unit, 0o644);
	} catch (error) {
		if (error instanceof UsageError) throw error;
		const code = (error as NodeJS.ErrnoException).code;
		process.stderr.write(
			`jdcast service: cannot write ${place.unitFile}: ${code === 'EACCES' || code === 'EPERM' ? `not allowed (a system service needs sudo; or add --user)` : (code ?? String(error))}\n`,
		);
		return 1;
	}
	process.stdout.write(
		`wrote ${place.unitFile}\nwrote ${place.envFile} (mode 0600: ${Object.keys(environment).join(', ') || 'no secrets needed'})\n`,
	);
	const ctl = place.user ? 'systemctl --user' : 'systemctl';
	const journal = `journalctl${place.user ? ' --user' : ''} -u ${place.name} -f`;
	const next = [
		`logs: ${journal}`,
		...(socket ? [`status: jdcast status --socket ${socket}`] : ['status: jdcast status']),
		...(place.user ? [`start at boot without logging in: loginctl enable-linger ${os.userInfo().username}`] : []),
	];
	if (!enable) {
		process.stdout.write(
			[`start it: ${ctl} daemon-reload && ${ctl} enable --now ${place.name}`, ...next, ''].join('\n'),
		);
		return 0;
	}
	const ok =
		(await systemctl(place.user, ['daemon-reload'])) &&
		(await systemctl(place.user, ['enable', '--now', `${place.name}.service`]));
	process.stdout.write(
		[
			ok
				? `started and enabled at boot: ${place.name}`
				: `start it by hand: ${ctl} daemon-reload && ${ctl} enable --now ${place.name}`,
			...next,
			'',
		].join('\n'),
	);
	return ok ? 0 : 1;
}

async function uninstall(values: Values): Promise<number> {
	const place = placeOf(values);
	let unit: string;
	try {
		// Only its first line matters (whether jdcast wrote it): a bounded read of whatever is there.
		unit = (await readSmallFile(place.unitFile, 64 * 1024)).toString('utf8');
	} catch (error) {
		const { kind } = error as SmallFileError;
		// Something there that is no unit of ours (too large, not a regular file): not ours to remove.
		process.stderr.write(
			kind === 'ENOENT'
				? `jdcast service: no ${place.unitFile} to remove\n`
				: `jdcast service: ${place.unitFile} was not written by jdcast; left alone\n`,
		);
		return 1;
	}
	if (unit.split('\n')[0] !== UNIT_MARKER) {
		process.stderr.write(`jdcast service: ${place.unitFile} was not written by jdcast; left alone\n`);
		return 1;
	}
	const enabled = !values['no-enable'] && typeof values.dir !== 'string';
	const unreachable = enabled ? await systemdUnreachable(place.user) : undefined;
	if (enabled && unreachable === undefined) await systemctl(place.user, ['disable', '--now', `${place.name}.service`]);
	// What disable would have removed, by hand: the unit must not come back at the next boot.
	const links = unreachable === undefined ? [] : await removeEnableLinks(place.unitFile);
	await rm(place.unitFile, { force: true });
	await rm(place.envFile, { force: true });
	if (enabled && unreachable === undefined) await systemctl(place.user, ['daemon-reload']);
	const gone = [place.unitFile, place.envFile, ...links];
	process.stdout.write(`removed ${gone.slice(0, -1).join(', ')} and ${gone.at(-1)}\n`);
	if (unreachable === undefined) return 0;
	const ctl = place.user ? 'systemctl --user' : 'systemctl';
	process.stderr.write(
		`jdcast service: systemd could not be asked (${unreachable}), so the service, if it runs, was left running: stop it with \`${ctl} stop ${place.name} && ${ctl} daemon-reload\` where systemd answers\n`,
	);
	return 1;
}

/** The values of every password_env variable the profiles name, from this shell. */
function secretsFor(profiles: Profile[]): Record<string, string> | { missing: string } {
	const out: Record<string, string> = {};
	for (const { name, server } of passwordVariables(profiles)) {
		const value = process.env[name];
		if (!value)
			return {
				missing: `${formatLocation(server.at)}: servers.${server.name} takes its password from $${name}, which is not set here; set it for the install (it goes to the service's 0600 environment file)`,
			};
		out[name] = value;
	}
	return out;
}
