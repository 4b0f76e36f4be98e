import { readFileSync } from 'node:fs';

/**
 * Bytes sent on each TCP connection of this host that the peer has not acknowledged yet, by
 * "localPort:remotePort" (Linux: the tx_queue column of /proc/net/tcp, or tcp6 for IPv6). Node
 * cannot tell: the kernel's send buffer takes megabytes from a server that reads slowly while the
 * socket's own buffer stays empty. Each file costs ~5 ms however few connections there are (the
 * kernel walks its whole TCP table), so only the family asked for is read, at most once per
 * interval for every connection at once; empty where /proc is not there.
 */
export function unacknowledgedBytes(family: 'IPv4' | 'IPv6', now = Date.now()): ReadonlyMap<string, number> {
	const file = family === 'IPv6' ? '/proc/net/tcp6' : '/proc/net/tcp';
	const cached = cache.get(file);
	if (cached && now - cached.at < CACHE_MS) return cached.queues;
	const queues = new Map<string, number>();
	let text = '';
	try {
		text = readFileSync(file, 'latin1');
	} catch {
		// No /proc: nothing known.
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
	cache.set(file, { at: now, queues });
	return queues;
}

/**
 * How often the kernel is asked, for every connection of the process at once: each read walks the
 * whole TCP table (~5 ms here with a dozen sockets), which at once a second was most of jdcast's
 * own CPU. A slow server is still found within SLOW_AFTER_MS and this.
 */
const CACHE_MS = 3000;
const cache = new Map<string, { at: number; queues: Map<string, number> }>();
