import { inspect } from 'node:util';

const REDACTED = '[redacted]';

/**
 * A password that cannot leak by accident: printing, logging or serializing it shows
 * `[redacted]`; only `reveal()` gives the value, and only the Icecast client calls it.
 */
export class Secret {
	readonly #value: string;

	constructor(value: string) {
		this.#value = value;
	}

	reveal(): string {
		return this.#value;
	}

	toString(): string {
		return REDACTED;
	}

	toJSON(): string {
		return REDACTED;
	}

	[inspect.custom](): string {
		return REDACTED;
	}
}
