/**
 * SIGINT and SIGTERM, caught from the CLI's first moment: a stop asked for while `jdcast up` is
 * still loading or starting is kept and honoured once there is something to stop in order,
 * instead of the default (die at once, exit 143, half a start left behind).
 */
let asked = false;
const waiters: (() => void)[] = [];

function ask(): void {
	asked = true;
	for (const wake of waiters.splice(0)) wake();
}

let catching = false;

export function catchStopSignals(): void {
	if (catching) return;
	catching = true;
	process.on('SIGINT', ask);
	process.on('SIGTERM', ask);
}

export function stopAsked(): boolean {
	return asked;
}

/** Resolves when a stop is asked for (at once if it was already). */
export function untilStopAsked(): Promise<void> {
	return asked ? Promise.resolve() : new Promise((resolve) => waiters.push(resolve));
}

/** Asks for a stop from inside (`--seconds`, every profile failed). */
export const requestStop = ask;
