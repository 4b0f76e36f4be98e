import { spawn } from 'node:child_process';
import { mkdir, open, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { JdcastError } from '../errors/index.js';
import { processAlive } from '../util/process.js';
import { waitFor } from '../util/wait.js';
import type { ControlClient } from './client.js';

export interface BackgroundOptions {
	/** The `jdcast` command line: node and the CLI's entry file. */
	command: string[];
	files: string[];
	socket: string;
	/** Folder for `jdcast.log` and `jdcast.pid`. */
	dir: string;
	/** Extra environment (a password variable): never an argv. */
	env?: Record<string, string>;
	/** More options of `jdcast up` (`--exit-with PID`, `--now-playing-file FILE`). */
	args?: string[];
}

/**
 * Starts `jdcast up` in the background, detached, logging to DIR/jdcast.log, its PID in
 * DIR/jdcast.pid; resolves once its control socket answers. Throws E_BACKGROUND_START when it
 * exits or does not answer within 10 s.
 */
export async function startInBackground(client: ControlClient, o: BackgroundOptions): Promise<number> {
	await mkdir(o.dir, { recursive: true, mode: 0o700 });
	const logFile = path.join(o.dir, 'jdcast.log');
	const log = await open(logFile, 'a', 0o600);
	const [file, ...args] = o.command;
	const child = spawn(file!, [...args, 'up', '--json', '--socket', o.socket, ...(o.args ?? []), ...o.files], {
		detached: true,
		stdio: ['ignore', log.fd, log.fd],
		env: { ...process.env, ...o.env },
	});
	child.unref();
	await log.close();
	const pid = child.pid ?? 0;
	await writeFile(path.join(o.dir, 'jdcast.pid'), String(pid), { mode: 0o600 });
	let exited = false;
	child.once('exit', () => (exited = true));
	const answers = async () => {
		if (exited) throw new JdcastError('E_BACKGROUND_START', `jdcast up exited at start; see ${logFile}`);
		return client.status().then(
			() => true,
			() => false,
		);
	};
	await waitFor(answers, { timeoutMs: 10_000, intervalMs: 100, what: 'jdcast up to answer' }).catch((error) => {
		throw error instanceof JdcastError && error.code === 'E_TIMEOUT'
			? new JdcastError('E_BACKGROUND_START', `jdcast up did not answer within 10 s; see ${logFile}`)
			: error;
	});
	return pid;
}

/** Stops the `jdcast up` started by `startInBackground` in `dir`, if it runs. Returns whether it did. */
export async function stopBackground(dir: string): Promise<boolean> {
	const pidFile = path.join(dir, 'jdcast.pid');
	const pid = Number(await readFile(pidFile, 'utf8').catch(() => ''));
	await rm(pidFile, { force: true });
	if (!pid || !processAlive(pid)) return false;
	process.kill(pid, 'SIGTERM');
	const gone = () => !processAlive(pid);
	await waitFor(gone, { timeoutMs: 8000, intervalMs: 100, what: `jdcast up (pid ${pid}) to stop` }).catch(() => {
		try {
			process.kill(pid, 'SIGKILL');
		} catch {
			// Gone in the meantime.
		}
	});
	return true;
}
