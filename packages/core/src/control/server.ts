import { chmod, lstat, mkdir, rm } from 'node:fs/promises';
import http from 'node:http';
import path from 'node:path';
import { JdcastError, ProfileError } from '../errors/index.js';
import type { Metadata } from '../metadata/types.js';
import type { Orchestrator, ReloadResult } from '../orchestrator/orchestrator.js';
import { accepts } from '../util/ports.js';
import type { ControlErrorBody } from './api.js';
import { isDefaultSocketFolder } from './socket-path.js';

export interface ControllerOptions {
	socketPath: string;
	/** Re-reads the profiles (jdcast reload, SIGHUP); throws ProfileError to refuse. */
	reload: () => Promise<ReloadResult>;
}

export interface Controller {
	socketPath: string;
	close(): Promise<void>;
}

const MAX_BODY = 64 * 1024;

/**
 * The control API of a running `jdcast up`: HTTP with JSON on a Unix socket that only its user
 * can use (socket 0600 in a 0700 folder). A socket left by a killed jdcast is replaced; a live
 * one means another `jdcast up` runs there, and this one refuses (E_CONTROL_IN_USE).
 */
export async function createController(orchestrator: Orchestrator, options: ControllerOptions): Promise<Controller> {
	const { socketPath } = options;
	await prepareSocket(socketPath);
	const server = http.createServer((request, response) => {
		void handle(orchestrator, options, request).then(
			({ status, body }) => send(response, status, body),
			(error: unknown) => send(response, statusOf(error), errorBody(error)),
		);
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
			throw new JdcastError('E_CONTROL_SOCKET', `cannot create the socket's folder ${dir}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
		}
		await chmod(dir, 0o700);
		folder = await lstat(dir);
	}
	if (!folder.isDirectory()) throw new JdcastError('E_CONTROL_SOCKET', `${dir} is not a folder`);
	if (isDefaultSocketFolder(dir)) {
		if (folder.uid !== process.getuid?.() || (folder.mode & 0o077) !== 0) {
			throw new JdcastError('E_CONTROL_SOCKET', `${dir} is not yours alone (owner ${folder.uid}, mode ${(folder.mode & 0o777).toString(8)}); remove it or give another --socket`);
		}
	}
	let existing;
	try {
		existing = await lstat(socketPath);
	} catch {
		return;
	}
	if (!existing.isSocket()) throw new JdcastError('E_CONTROL_SOCKET', `${socketPath} exists and is not a socket; jdcast leaves it alone: give another --socket`);
	if (await accepts({ path: socketPath })) {
		throw new JdcastError('E_CONTROL_IN_USE', `another jdcast up is already running on ${socketPath}; stop it, or give this one another --socket`);
	}
	await rm(socketPath, { force: true }); // left behind by a jdcast that was killed
}

async function handle(orchestrator: Orchestrator, options: ControllerOptions, request: http.IncomingMessage): Promise<{ status: number; body: unknown }> {
	const url = new URL(request.url ?? '/', 'http://jdcast');
	const route = `${request.method} ${url.pathname}`;
	if (route === 'GET /status') return { status: 200, body: orchestrator.status() };
	const profileRoute = /^POST \/profiles\/([^/]+)\/(start|stop)$/.exec(route);
	if (profileRoute) {
		const name = decodePathPart(profileRoute[1]!);
		if (profileRoute[2] === 'start') await orchestrator.startProfile(name);
		else await orchestrator.stopProfile(name);
		const state = orchestrator.status().profiles.find((p) => p.name === name)?.state ?? 'stopped';
		return { status: 200, body: { profile: name, state } };
	}
	if (route === 'POST /metadata') {
		const body = (await readJson(request)) as { target?: unknown } & Metadata;
		if (typeof body.target !== 'string' || (body.title === undefined && body.artist === undefined)) {
			throw new JdcastError('E_BAD_REQUEST', 'metadata needs "target" (a profile or mount) and "title" and/or "artist"');
		}
		const metadata: Metadata = {};
		for (const key of ['title', 'artist', 'album', 'comment'] as const) {
			const value = body[key];
			if (value !== undefined && typeof value !== 'string') throw new JdcastError('E_BAD_REQUEST', `"${key}" must be text`);
			if (value !== undefined) metadata[key] = value;
		}
		return { status: 200, body: { results: await orchestrator.setMetadata(body.target, metadata) } };
	}
	if (route === 'POST /reload') return { status: 200, body: await options.reload() };
	if (route === 'POST /handover') {
		const body = (await readJson(request)) as { from?: unknown; to?: unknown; force?: unknown; stop?: unknown };
		if (typeof body.from !== 'string' || typeof body.to !== 'string') throw new JdcastError('E_BAD_REQUEST', 'handover needs "from" and "to" (profile names)');
		if ((body.force !== undefined && typeof body.force !== 'boolean') || (body.stop !== undefined && typeof body.stop !== 'boolean')) throw new JdcastError('E_BAD_REQUEST', '"force" and "stop" must be true or false');
		return { status: 200, body: await orchestrator.handover(body.from, body.to, { force: body.force === true, stopFrom: body.stop === true }) };
	}
	throw new JdcastError('E_NOT_FOUND', `no route ${route}; routes: GET /status, POST /profiles/NAME/start, POST /profiles/NAME/stop, POST /metadata, POST /reload, POST /handover`);
}

async function readJson(request: http.IncomingMessage): Promise<unknown> {
	let text = '';
	for await (const chunk of request) {
		text += String(chunk);
		if (text.length > MAX_BODY) throw new JdcastError('E_BAD_REQUEST', 'request body too large');
	}
	let body: unknown;
	try {
		body = JSON.parse(text || '{}') as unknown;
	} catch {
		throw new JdcastError('E_BAD_REQUEST', 'the request body is not JSON');
	}
	if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new JdcastError('E_BAD_REQUEST', 'the request body must be a JSON object');
	return body;
}

function decodePathPart(part: string): string {
	try {
		return decodeURIComponent(part);
	} catch {
		throw new JdcastError('E_BAD_REQUEST', 'the profile name in the path is not valid URL encoding');
	}
}

function statusOf(error: unknown): number {
	if (!(error instanceof JdcastError)) return 500;
	if (error instanceof ProfileError) return 422;
	if (error.code.startsWith('E_HANDOVER_')) return 409;
	return ({ E_UNKNOWN_PROFILE: 404, E_UNKNOWN_TARGET: 404, E_NOT_FOUND: 404, E_BAD_REQUEST: 400 } as Record<string, number>)[error.code] ?? 500;
}

function errorBody(error: unknown): ControlErrorBody {
	if (error instanceof ProfileError) {
		return { error: { code: error.code, message: 'the reload was refused: a profile is invalid; everything keeps running as it was', details: error.lines } };
	}
	if (error instanceof JdcastError) return { error: { code: error.code, message: error.message } };
	return { error: { code: 'E_INTERNAL', message: error instanceof Error ? error.message : String(error) } };
}

function send(response: http.ServerResponse, status: number, body: unknown): void {
	const text = `${JSON.stringify(body)}\n`;
	response.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
	response.end(text);
}
