import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { execa, type ResultPromise } from 'execa';
import { JdcastError } from '../errors/index.js';
import { Secret } from '../profile/secret.js';
import { dieWithParent, processAlive, terminate as terminate_, untilReady } from '../util/process.js';
import { accepts } from '../util/ports.js';
import { isInstalled, notInstalled, onPath } from '../util/which.js';
import { childEnvironment } from '../util/child-env.js';
import type { MountSettings } from '../profile/types.js';
import { mountBlocks } from './mount-config.js';

export interface EmbeddedIcecastOptions {
	port: number;
	/** Icecast's default is on: a new listener first gets ~64 KiB of past audio. Off for latency measurements. */
	burstOnConnect?: boolean;
	sourcePassword?: string;
	adminPassword?: string;
	/** icecast2 binary. */
	command?: string;
	/** Listen with TLS only, with this PEM file (certificate, then its key). */
	tlsCertificate?: string;
	/** Mounts with a fallback (the profiles' `servers.NAME.mounts`). */
	mounts?: Record<string, MountSettings>;
	/** Listeners (and sources) at most, Icecast's `<clients>`; default 200. */
	clients?: number;
	/**
	 * Called when icecast2 ends by itself (not by `stop`, `kill` or a `restart`), with how it ended and
	 * the last line of its error log: a server that vanishes must be said, not found out by listeners.
	 */
	onExit?: (why: string) => void;
}

export interface EmbeddedIcecast {
	host: string;
	port: number;
	pid: number;
	sourceUser: string;
	sourcePassword: Secret;
	adminUser: string;
	adminPassword: Secret;
	dir: string;
	/** Stops icecast2 (SIGTERM, then SIGKILL) and removes its directory. */
	stop(): Promise<void>;
	/** Kills it hard, keeping the directory: for tests of an outage. */
	kill(): Promise<void>;
	/** Starts it again on the same port with the same config. */
	restart(): Promise<void>;
}

/**
 * A private icecast2 on 127.0.0.1: generated config, random passwords, own temp dir. Used by
 * `embedded: true` servers, by `jdcast demo`, and by the integration tests.
 */
export async function startEmbeddedIcecast(options: EmbeddedIcecastOptions): Promise<EmbeddedIcecast> {
	const command = options.command ?? 'icecast2';
	if (!isInstalled(command)) throw new JdcastError('E_MISSING_BINARY', notInstalled(command, 'icecast2'));
	await removeLeftovers();
	const dir = await mkdtemp(path.join(tmpdir(), 'jdcast-icecast-'));
	// Closed to everyone but icecast2's user (it holds generated passwords). As root icecast2 runs as
	// nobody (it refuses root): the folder is then nobody's, which root can still clean up.
	await chmod(dir, 0o700);
	await writeFile(path.join(dir, OWNER_FILE), String(process.pid));
	const logs = path.join(dir, 'log');
	await mkdir(logs, { mode: 0o700 });
	if (runsAsRoot() && onPath('setpriv')) {
		await chown(logs, NOBODY_UID, NOGROUP_GID);
		await chown(dir, NOBODY_UID, NOGROUP_GID);
	}
	const sourcePassword = options.sourcePassword ?? randomBytes(16).toString('hex');
	const adminPassword = options.adminPassword ?? randomBytes(16).toString('hex');
	// How this icecast2 names itself in its answers: what proves that the port answers with it.
	const serverId = `Icecast 2.4 (jdcast ${randomBytes(8).toString('hex')})`;
	const config = path.join(dir, 'icecast.xml');
	await writeFile(config, icecastConfig({ ...options, sourcePassword, adminPassword, logs, serverId }), {
		mode: 0o600,
	});
	// The config holds the passwords: readable by icecast2's user only.
	if (runsAsRoot() && onPath('setpriv')) await chown(config, NOBODY_UID, NOGROUP_GID);

	let child: ResultPromise | undefined;
	/** Set by `stop` and `kill`: the end that follows is asked for, not news. */
	let ending = false;
	const launch = async () => {
		ending = false;
		// Something else on the port would answer the readiness check, and get the streams.
		if (await accepts({ host: '127.0.0.1', port: options.port }))
			throw new JdcastError(
				'E_ICECAST_EMBEDDED',
				`port ${options.port} on 127.0.0.1 is in use by another program: an embedded server needs a port of its own`,
			);
		// As root, icecast2 must not stay root (it refuses to): it starts as nobody, set by setpriv.
		const [file, args] = dieWithParent(
			command,
			['-c', config],
			runsAsRoot() ? { asUser: { user: 'nobody', group: 'nogroup' } } : {},
		);
		// Its own process group (a terminal's Ctrl-C reaches jdcast alone, which stops the streams
		// before their server), and none of jdcast's variables: it runs as nobody, whose other
		// processes could read its environment.
		child = execa(file, args, {
			stdio: 'ignore',
			reject: false,
			detached: true,
			env: childEnvironment(),
			extendEnv: false,
			forceKillAfterDelay: 400,
		});
		child.catch(() => {});
		// How it ended, if it ends before it is ready: read before untilReady hears of it (registered first).
		let ended = '';
		void child.then((result) => (ended = endOf(result)));
		// Ready once this icecast2 answers on the port: another program that took it meanwhile does not count.
		await untilReady(child, () => answersAs(serverId, options.port, Boolean(options.tlsCertificate)), {
			what: `icecast2 to listen on 127.0.0.1:${options.port}`,
			intervalMs: 25,
			exited: () =>
				new JdcastError(
					'E_ICECAST_EMBEDDED',
					`icecast2 exited at start (${ended || 'it ended'}; port ${options.port} in use?); its log: ${logs}/error.log`,
				),
		}).catch(async (error: unknown) => {
			const timedOut = error instanceof JdcastError && error.code === 'E_TIMEOUT';
			const answered = timedOut && (await accepts({ host: '127.0.0.1', port: options.port }));
			// Whatever kept it from being ready, an icecast2 that is not used does not run on.
			await terminate_(child, 'SIGKILL');
			if (!answered) throw error;
			// Another program that took the port makes icecast2 exit (said above); one that runs and answers
			// otherwise is misconfigured (a TLS certificate it cannot use) or not icecast2 at all.
			throw new JdcastError(
				'E_ICECAST_EMBEDDED',
				`port ${options.port} on 127.0.0.1 answers, but not as the icecast2 jdcast configured (a TLS certificate it cannot use? another program?); its log: ${logs}/error.log`,
			);
		});
		const running = child;
		void running.then(async (result) => {
			const why = `${endOf(result)}${await lastLogLine(logs)}`;
			// Looked at after the log was read: a stop or restart meanwhile makes this end no news.
			if (ending || child !== running || !options.onExit) return;
			options.onExit(why);
		});
	};
	const terminate = (signal: 'SIGTERM' | 'SIGKILL') => {
		ending = true;
		return terminate_(child, signal);
	};
	await launch();

	return {
		host: '127.0.0.1',
		port: options.port,
		get pid() {
			return child?.pid ?? 0;
		},
		sourceUser: 'source',
		sourcePassword: new Secret(sourcePassword),
		adminUser: 'admin',
		adminPassword: new Secret(adminPassword),
		dir,
		async stop() {
			await terminate('SIGTERM');
			await rm(dir, { recursive: true, force: true });
		},
		kill: () => terminate('SIGKILL'),
		restart: launch,
	};
}

const NOBODY_UID = 65534;
/** In each embedded server's folder: the PID of the jdcast that made it. */
const OWNER_FILE = 'jdcast.pid';

/**
 * Folders of embedded servers whose jdcast is gone (killed with SIGKILL: no chance to clean
 * up) hold generated passwords: removed at the next start. Only folders with an owner file whose
 * process no longer runs, and that this user may remove.
 */
async function removeLeftovers(): Promise<void> {
	const entries = await readdir(tmpdir()).catch(() => [] as string[]);
	for (const entry of entries.filter((e) => e.startsWith('jdcast-icecast-'))) {
		const dir = path.join(tmpdir(), entry);
		const owner = Number(await readFile(path.join(dir, OWNER_FILE), 'utf8').catch(() => '0'));
		if (!owner || processAlive(owner)) continue;
		await rm(dir, { recursive: true, force: true }).catch(() => {});
	}
}

const NOGROUP_GID = 65534;

/** How a process ended, in words: "killed by SIGSEGV", "exit code 1". */
function endOf(result: { signal?: string | undefined; exitCode?: number | undefined }): string {
	return result.signal ? `killed by ${result.signal}` : `exit code ${result.exitCode ?? 'unknown'}`;
}

/** The last line icecast2 wrote to its error log, as "; its log said: …", or nothing. */
async function lastLogLine(logs: string): Promise<string> {
	const text = await readFile(path.join(logs, 'error.log'), 'utf8').catch(() => '');
	const last = text.trimEnd().split('\n').at(-1)?.trim();
	return last ? `; its log said: ${last.slice(0, 300)}` : '';
}

function runsAsRoot(): boolean {
	return process.getuid?.() === 0;
}

/** Whether what answers on 127.0.0.1:port names itself `serverId` (nothing secret is sent to find out). */
async function answersAs(serverId: string, port: number, tls: boolean): Promise<boolean> {
	const client = tls ? await import('node:https') : http;
	return new Promise((resolve) => {
		const request = client.request(
			// GET of the status page every listener poll reads: icecast2 2.4.4 answers HEAD with "Wrong request type"
			// and, now and then under load, crashes (SIGSEGV) just after; found by CI (a test's server gone for 20 s).
			{ host: '127.0.0.1', port, method: 'GET', path: '/status-json.xsl', timeout: 1000, rejectUnauthorized: false },
			(response) => {
				response.resume();
				resolve(response.headers.server === serverId);
			},
		);
		request.on('error', () => resolve(false));
		request.on('timeout', () => request.destroy());
		request.end();
	});
}

function icecastConfig(
	o: EmbeddedIcecastOptions & { sourcePassword: string; adminPassword: string; logs: string; serverId: string },
): string {
	// Without setpriv, icecast2 itself switches from root to nobody (changeowner).
	const changeOwner = runsAsRoot() && !onPath('setpriv');
	return `<icecast>
  <server-id>${o.serverId}</server-id>
  <location>jdcast</location>
  <admin>jdcast@localhost</admin>
  <limits>
    <clients>${o.clients ?? 200}</clients>
    <sources>100</sources>
    <queue-size>1048576</queue-size>
    <client-timeout>30</client-timeout>
    <header-timeout>15</header-timeout>
    <source-timeout>10</source-timeout>
    <burst-on-connect>${o.burstOnConnect === false ? 0 : 1}</burst-on-connect>
    <burst-size>65535</burst-size>
  </limits>
  <authentication>
    <source-password>${o.sourcePassword}</source-password>
    <relay-password>${o.sourcePassword}</relay-password>
    <admin-user>admin</admin-user>
    <admin-password>${o.adminPassword}</admin-password>
  </authentication>
  <hostname>127.0.0.1</hostname>
  <listen-socket>
    <port>${o.port}</port>
    <bind-address>127.0.0.1</bind-address>${o.tlsCertificate ? '\n    <ssl>1</ssl>' : ''}
  </listen-socket>
  <!-- ICY metadata (MP3 "now playing") in UTF-8, so any title arrives intact; Icecast's default is Latin-1. -->
  <mount type="default">
    <charset>UTF-8</charset>
  </mount>${o.mounts && Object.keys(o.mounts).length ? `\n${mountBlocks(o.mounts, '  ')}` : ''}
  <fileserve>1</fileserve>
  <paths>
    <basedir>/usr/share/icecast2</basedir>
    <logdir>${o.logs}</logdir>
    <webroot>/usr/share/icecast2/web</webroot>
    <adminroot>/usr/share/icecast2/admin</adminroot>${o.tlsCertificate ? `\n    <ssl-certificate>${o.tlsCertificate}</ssl-certificate>` : ''}
  </paths>
  <logging>
    <accesslog>access.log</accesslog>
    <errorlog>error.log</errorlog>
    <loglevel>2</loglevel>
    <logsize>10000</logsize>
  </logging>
  <security>
    <chroot>0</chroot>${changeOwner ? '\n    <changeowner><user>nobody</user><group>nogroup</group></changeowner>' : ''}
  </security>
</icecast>
`;
}
