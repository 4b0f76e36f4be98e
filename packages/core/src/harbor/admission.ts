import type { Socket } from 'node:net';

/** Connections at once, all addresses together, and from one address: a flood cannot keep a DJ out. */
const MAX_CONNECTIONS = 64;
const MAX_PER_ADDRESS = 4;

/**
 * The harbor's connections as its limits count them. Over a limit, the connection that has waited
 * longest without finishing its request goes to make room (a flood of half-sent requests cannot keep a
 * DJ out, whose request comes whole at once); a new one is refused only when every connection counted
 * is a real one (a DJ, a request being answered).
 */
export class Admission {
	/** Every connection counted, with its address. */
	readonly #sockets = new Map<Socket, string>();
	/** Those whose request head has not come yet, with when they came. */
	readonly #pending = new Map<Socket, number>();
	readonly #perAddress = new Map<string, number>();

	get size(): number {
		return this.#sockets.size;
	}

	/** Counts `socket` if there is room for it (made by ending a half-sent request if need be). */
	admit(socket: Socket, address: string, now: number): boolean {
		if ((this.#perAddress.get(address) ?? 0) >= MAX_PER_ADDRESS && !this.#evict(address)) return false;
		if (this.#sockets.size >= MAX_CONNECTIONS && !this.#evict()) return false;
		this.#sockets.set(socket, address);
		this.#pending.set(socket, now);
		this.#perAddress.set(address, (this.#perAddress.get(address) ?? 0) + 1);
		socket.once('close', () => this.forget(socket));
		return true;
	}

	/** Its request head came: a real request from now on. */
	headDone(socket: Socket): void {
		this.#pending.delete(socket);
	}

	/** No longer counted (closed, or ended to make room). */
	forget(socket: Socket): void {
		const address = this.#sockets.get(socket);
		if (address === undefined) return;
		this.#sockets.delete(socket);
		this.#pending.delete(socket);
		const left = (this.#perAddress.get(address) ?? 1) - 1;
		if (left > 0) this.#perAddress.set(address, left);
		else this.#perAddress.delete(address);
	}

	/** Ends every connection (the harbor stops). */
	destroyAll(): void {
		for (const socket of this.#sockets.keys()) socket.destroy();
	}

	/** Ends the half-sent request that has waited longest (from `address`, when given); false when there is none. */
	#evict(address?: string): boolean {
		let victim: Socket | undefined;
		for (const [socket, at] of this.#pending)
			if (
				(address === undefined || this.#sockets.get(socket) === address) &&
				(!victim || at < this.#pending.get(victim)!)
			)
				victim = socket;
		if (!victim) return false;
		this.forget(victim);
		victim.destroy();
		return true;
	}
}
