import { readFileSync } from 'node:fs';

/**
 * Bytes sent on each TCP connection of this host that the peer has not acknowledged yet, by
 * "localPort:remotePort" (Linux: the tx_queue column of /proc/net/tcp and tcp6). Node cannot
 * tell: the kernel's send buffer takes megabytes from a server that reads slowly while the
 * socket's own buffer stays empty. Read at most once per interval for every connection at once;
 * empty where /proc is not there.
 */
export function unacknowledgedBytes(now = Date.now()): ReadonlyMap<string, number> {
	if (cache && now - cache.at < CACHE_MS) return cache.queues;
	const queues = new Map<string, number>();
	for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
		let text: string;
		try {
			text = readFileSync(file, 'latin1');
		} catch {
			continue;
		}
		for (const line of text.split('\n')) {
			// "  N: LOCALADDR:PORT REMADDR:PORT ST TXQUEUE:RXQUEUE ..."
			const fields = line.trim().split(/\s+/);
			if (fields.length < 5 || fields[0] === 'sl') continue;
			const local = fields[1]!;
			const remote = fields[2]!;
			const tx = fields[4]!;
			const key = `${parseInt(local.slice(local.lastIndexOf(':') + 1), 16)}:${parseInt(remote.slice(remote.lastIndexOf(':') + 1), 16)}`;
			queues.set(key, parseInt(tx.slice(0, tx.indexOf(':')), 16));
		}
	}
	cache = { at: now, queues };
	return queues;
}

const CACHE_MS = 500;
let cache: { at: number; queues: Map<string, number> } | undefined;
