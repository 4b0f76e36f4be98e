import { chmod, lstat, mkdir, rm } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { JdcastError } from '../errors/index.js';
import type { Engine } from '../orchestrator/engine.js';
import type { ReloadResult } from '../status/types.js';
import { accepts } from '../util/ports.js';
import { answerApi, routeOf, sendBadTarget, sendJson } from './routes.js';
import { isDefaultSocketFolder } from './socket-path.js';

export interface ControllerOptions {
	socketPath: string;
	/**
	 * Re-reads the profiles (jdcast reload, SIGHUP); throws ProfileError to refuse. Without it, a reload
	 * changes nothing.
	 */
	reload?: () => Promise<ReloadResult>;
}

export interface Controller {
	socketPath: string;
	close(): Promise<void>;
}

/**
 * The control API of a running `jdcast up`: HTTP with JSON on a Unix socket that only its user
 * can use (socket 0600 in a 0700 folder). A socket left by a killed jdcast is replaced; a live
 * one means another `jdcast up` runs there, and this one refuses (E_CONTROL_IN_USE).
 */
export async function createController(orchestrator: Engine, options: ControllerOptions): Promise<Controller> {
	const { socketPath } = options;
	await prepareSocket(socketPath);
	const context = { orchestrator, ...(options.reload ? { reload: options.reload } : {}) };
	const server = http.createServer((request, response) => {
		const target = routeOf(request);
		if (!target) return sendBadTarget(response);
		void answerApi(context, target.route, request).then(({ status, body }) => sendJson(response, status, body));
	});
	await new Promise<void>((resolve, reject) => {
		server.once('error', reject);
		// Created 0600 from the start: no moment where another user could connect.
		const mask = process.umask(0o177);
		server.listen(socketPath, () => {
			process.umask(mask);
			resolve();
		});
	});
	await chmod(socketPath, 0o600);
	return {
		socketPath,
		close: async () => {
			await new Promise<void>((resolve) => server.close(() => resolve()));
			server.closeAllConnections();
			await rm(socketPath, { force: true });
		},
	};
}

async function prepareSocket(socketPath: string): Promise<void> {
	const dir = path.dirname(socketPath);
	// Only the last folder is created (0700), as documented: a typo in a path creates no tree.
	let folder;
	try {
		folder = await lstat(dir);
	} catch {
		try {
			await mkdir(dir, { mode: 0o700 });
		} catch (error) {
			throw new JdcastError(
				'E_CONTROL_SOCKET',
				`cannot create the socket's folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
			);
		}
		await chmod(dir, 0o700);
		folder = await lstat(dir);
	}
	if (!folder.isDirectory()) throw new JdcastError('E_CONTROL_SOCKET', `${dir} is not a folder`);
	if (isDefaultSocketFolder(dir)) {
		if (folder.uid !== process.getuid?.() || (folder.mode & 0o077) !== 0) {
			throw new JdcastError(
				'E_CONTROL_SOCKET',
				`${dir} is not yours alone (owner ${folder.uid}, mode ${(folder.mode & 0o777).toString(8)}); remove it or give another --socket`,
			);
		}
	}
	let existing;
	try {
		existing = await lstat(socketPath);
	} catch {
		return;
	}
	if (!existing.isSocket())
		throw new JdcastError(
			'E_CONTROL_SOCKET',
			`${socketPath} exists and is not a socket; jdcast leaves it alone: give another --socket`,
		);
	if (await accepts({ path: socketPath })) {
		throw new JdcastError(
			'E_CONTROL_IN_USE',
			`another jdcast up is already running on ${socketPath}; stop it, or give this one another --socket`,
		);
	}
	await rm(socketPath, { force: true }); // left behind by a jdcast that was killed
}
