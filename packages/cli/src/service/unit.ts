import { UsageError } from '../args.js';

/** The first line of every unit jdcast writes: what `jdcast service uninstall` looks for before removing one. */
export const UNIT_MARKER = '# Written by `jdcast service install`; `jdcast service uninstall` removes it.';

/** What `jdcast service install` writes: a systemd unit that runs `jdcast up` on the profiles. */
export interface UnitSpec {
	/** Unit name without `.service`. */
	name: string;
	/** A user unit (systemctl --user) rather than a system one. */
	user: boolean;
	/** The system unit's account (User=); user units run as their user. */
	runAs?: string;
	/** The command line of `jdcast up`, the program first. */
	exec: string[];
	environmentFile: string;
	workingDirectory: string;
	/** The system unit's control socket, in its own RuntimeDirectory (`/run/jdcast/NAME`). */
	socket?: string;
	/** Profile names, for the description. */
	profiles: string[];
}

/**
 * The unit text. jdcast stops its children itself, in order (KillMode=mixed: SIGTERM to jdcast
 * only), and logs one JSON object per event to the journal.
 */
export function unitText(spec: UnitSpec): string {
	const lines = [
		UNIT_MARKER,
		'[Unit]',
		`Description=jdcast: live audio from JACK to Icecast (${spec.profiles.join(', ')})`,
		// A user manager has no network target: the network is up before anyone logs in (or lingers).
		// The sound server first where there is one; a JACK server started later is waited for by jdcast itself.
		...(spec.user
			? ['After=pipewire.service jackd.service']
			: ['Wants=network-online.target', 'After=network-online.target sound.target']),
		'StartLimitIntervalSec=300',
		'StartLimitBurst=10',
		'',
		'[Service]',
		'Type=simple',
		...(spec.runAs ? [`User=${spec.runAs}`] : []),
		`ExecStart=${spec.exec.map(quote).join(' ')}`,
		'ExecReload=/bin/kill -HUP $MAINPID',
		`EnvironmentFile=-${quotePath(spec.environmentFile)}`,
		'Environment=NO_COLOR=1',
		`WorkingDirectory=${quotePath(spec.workingDirectory)}`,
		// A folder of its own: systemd removes it when this unit stops, and must not take another unit's socket with it.
		...(spec.socket ? [`RuntimeDirectory=jdcast/${spec.name}`, 'RuntimeDirectoryMode=0700'] : []),
		'Restart=on-failure',
		'RestartSec=2',
		// Exit 2 is a usage error (a bad flag or token): restarting would only repeat it.
		'RestartPreventExitStatus=2',
		'KillMode=mixed',
		'TimeoutStopSec=20',
		'NoNewPrivileges=yes',
		'',
		'[Install]',
		`WantedBy=${spec.user ? 'default.target' : 'multi-user.target'}`,
		'',
	];
	return lines.join('\n');
}

/** One word of ExecStart= in systemd's own quoting: `%` and `$` doubled, quotes and backslashes escaped. */
export function quote(word: string): string {
	if (/[\0\r\n]/.test(word))
		throw new UsageError(`jdcast service: a command line word cannot hold a line break: ${JSON.stringify(word)}`);
	const escaped = word.replace(/%/g, '%%').replace(/\$/g, '$$$$');
	return /^[\w@%+=:,./-]+$/.test(escaped) ? escaped : `"${escaped.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** A path setting (EnvironmentFile=, WorkingDirectory=): specifiers doubled; no quoting there. */
function quotePath(file: string): string {
	if (/[\0\r\n]/.test(file))
		throw new UsageError(`jdcast service: a path cannot hold a line break: ${JSON.stringify(file)}`);
	return file.replace(/%/g, '%%');
}

/** The environment file: KEY="value" lines, values quoted as systemd reads them. */
export function environmentText(variables: Record<string, string>): string {
	const lines = ['# Secrets for the jdcast service (mode 0600). Written by `jdcast service install`.'];
	for (const [key, value] of Object.entries(variables)) {
		if (/[\0\r\n]/.test(value))
			throw new UsageError(`jdcast service: ${key} holds a line break; an environment file cannot carry it`);
		lines.push(
			`${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\$/g, '\\$').replace(/`/g, '\\`')}"`,
		);
	}
	return `${lines.join('\n')}\n`;
}
