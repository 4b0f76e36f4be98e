/** After a wrong token from an address, its next wrong one within this long is slowed. */
const PAUSE_MS = 1000;
/** Wrong tokens answered as wrong in any one second, all addresses together. */
const MAX_WRONG_PER_PAUSE = 20;

/**
 * How wrong tokens and passwords are answered (the HTTP side and the harbor), looked at only once a token was found wrong: a right token is
 * never held up by anyone's wrong ones, least of all by clients that share its address (behind a
 * proxy every client does). An address's wrong token is answered as wrong (401) once a second;
 * more are slowed (429), and so is every wrong token beyond 20 a second from all addresses
 * together, so that many addresses guess no faster than a few.
 */
export class WrongTries {
	/** When each address's last wrong token was answered as wrong: at most a second's worth. */
	readonly #last = new Map<string, number>();
	/** When the wrong tokens of the last second were answered as wrong, oldest first. */
	readonly #recent: number[] = [];

	/** A wrong token from `address`: 'denied' (answer it as wrong) or 'slow-down' (too soon). */
	note(address: string, now = Date.now()): 'denied' | 'slow-down' {
		while (this.#recent.length > 0 && now - this.#recent[0]! >= PAUSE_MS) this.#recent.shift();
		const last = this.#last.get(address);
		if (last !== undefined && now - last < PAUSE_MS) return 'slow-down';
		if (this.#recent.length >= MAX_WRONG_PER_PAUSE) return 'slow-down';
		this.#recent.push(now);
		// Only addresses answered within the last second matter: at most MAX_WRONG_PER_PAUSE of them.
		if (this.#last.size >= 2 * MAX_WRONG_PER_PAUSE)
			for (const [other, at] of this.#last) if (now - at >= PAUSE_MS) this.#last.delete(other);
		this.#last.set(address, now);
		return 'denied';
	}
}
