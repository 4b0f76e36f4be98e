// The body of loadProfileFilesOffThread: loads and checks profile files in a worker thread and
// posts the result back. Kept as .mts so that it is load-worker.mjs both in core's dist and in
// the CLI's bundle (built as an entry point of its own there).
import { parentPort, workerData } from 'node:worker_threads';
import { loadProfileFiles } from './load.js';

const files = (workerData as { files: string[] }).files;
parentPort!.postMessage(await loadProfileFiles(files));
