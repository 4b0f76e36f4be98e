import type { EventEmitter } from 'node:events';
import { addressKey } from './client.js';

/** The part of a socket the guard uses. */
export interface GuardedSocket extends EventEmitter {
	readonly remoteAddress?: string | undefined;
	destroy(): void;
}

export interface ConnectionLimits {
	/** Connections at once, all addresses together. */
	total: number;
	/**
	 * Connections at once from one address (an IPv6 /64); undefined for none, as behind a trusted
	 * proxy, where every client comes from the proxy and the proxy bounds each of them.
	 */
	perAddress?: number | undefined;
}

interface Connection {
	address: string;
	/** Requests being answered on it now: while any is, it is never closed to make room. */
	answering: number;
	/** Since when it has waited for a request (connected, or its last answer sent). */
	waitingSince: number;
	/** The round of accepts it came in (see ConnectionGuard.#round). */
	round: number;
}

/**
 * Keeps the HTTP side reachable when connections flood in (slowloris: sockets that send a request
 * a byte at a time, or nothing). Over a limit, a new connection is taken in and the one that has
 * waited longest for its request is closed instead: a flood then only ever closes its own stale
 * sockets, while a monitor's request, sent the moment it connects, is answered. A connection with
 * an answer under way (an event stream, a request being served) is never closed to make room, nor
 * is one taken in during the same round of accepts: a burst of connections queued behind a
 * monitor's would otherwise close it before its request could be read. When no connection may be
 * closed, the new one is.
 */
export class ConnectionGuard {
	readonly #connections = new Map<GuardedSocket, Connection>();
	readonly #byAddress = new Map<string, Set<GuardedSocket>>();
	/**
	 * Node takes in every queued connection at once, before reading any: a round lasts until the
	 * event loop turns (setImmediate), by when the requests that had arrived are being read.
	 */
	#round = 0;
	#roundEnds = false;

	constructor(readonly limits: ConnectionLimits) {}

	get size(): number {
		return this.#connections.size;
	}

	/** A new connection: taken in, maybe in place of another; or closed at once. */
	admit(socket: GuardedSocket): void {
		const address = addressKey(socket.remoteAddress ?? 'unknown');
		const mine = this.#byAddress.get(address);
		const { perAddress, total } = this.limits;
		if (perAddress !== undefined && mine !== undefined && mine.size >= perAddress && !this.#evict(mine))
			return socket.destroy();
		if (this.#connections.size >= total && !this.#evict(this.#connections.keys())) return socket.destroy();
		this.#connections.set(socket, { address, answering: 0, waitingSince: Date.now(), round: this.#round });
		if (!this.#roundEnds) {
			this.#roundEnds = true;
			setImmediate(() => {
				this.#round++;
				this.#roundEnds = false;
			});
		}
		const set = mine ?? new Set();
		set.add(socket);
		this.#byAddress.set(address, set);
		socket.once('close', () => this.#forget(socket));
	}

	/** A request on `socket` is being answered until `response` closes. */
	answering(socket: GuardedSocket, response: EventEmitter): void {
		const connection = this.#connections.get(socket);
		if (!connection) return;
		connection.answering++;
		response.once('close', () => {
			connection.answering--;
			connection.waitingSince = Date.now();
		});
	}

	/** Closes the connection among `candidates` that has waited longest and answers nothing; false when none. */
	#evict(candidates: Iterable<GuardedSocket>): boolean {
		let oldest: GuardedSocket | undefined;
		let since = Number.POSITIVE_INFINITY;
		for (const socket of candidates) {
			const connection = this.#connections.get(socket);
			if (
				connection &&
				connection.answering === 0 &&
				connection.round !== this.#round &&
				connection.waitingSince < since
			) {
				oldest = socket;
				since = connection.waitingSince;
			}
		}
		if (!oldest) return false;
		// Forgotten now, not when its close comes: the room is needed at once.
		this.#forget(oldest);
		oldest.destroy();
		return true;
	}

	#forget(socket: GuardedSocket): void {
		const connection = this.#connections.get(socket);
		if (!connection) return;
		this.#connections.delete(socket);
		const set = this.#byAddress.get(connection.address);
		set?.delete(socket);
		if (set?.size === 0) this.#byAddress.delete(connection.address);
	}
}
