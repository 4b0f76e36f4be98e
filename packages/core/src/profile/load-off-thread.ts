import { Worker } from 'node:worker_threads';
import { JdcastError } from '../errors/index.js';
import type { LoadManyResult } from './load.js';

/** A worker that has not answered by then is stopped, and the load refused. */
const WORKER_TIMEOUT_MS = 30_000;

/**
 * `loadProfileFiles` in a worker thread: parsing and checking a large (or hostile) file takes
 * hundreds of milliseconds that must not be taken from the event loop that moves every stream's
 * bytes (`jdcast reload` while on air). Memory is bounded too: a file built to exhaust it ends
 * the worker, not jdcast.
 */
export function loadProfileFilesOffThread(files: readonly string[]): Promise<LoadManyResult> {
	return new Promise((resolve, reject) => {
		const worker = new Worker(new URL('./load-worker.mjs', import.meta.url), {
			workerData: { files: [...files] },
			resourceLimits: { maxOldGenerationSizeMb: 512 },
			stdout: true,
			stderr: true,
		});
		const fail = (why: string) => {
			clearTimeout(timer);
			void worker.terminate();
			reject(new JdcastError('E_PROFILE_LOAD', `the profiles could not be read: ${why}`));
		};
		const timer = setTimeout(() => fail(`still not checked after ${WORKER_TIMEOUT_MS / 1000} s`), WORKER_TIMEOUT_MS);
		worker.once('message', (result: LoadManyResult) => {
			clearTimeout(timer);
			void worker.terminate();
			resolve(result);
		});
		worker.once('error', (error) => fail(error.message));
		worker.once('exit', (code) => fail(`the checking thread ended (${code})`));
	});
}
