import { connectController, controlSocketPath, ControlError, JdcastError, type ControlClient } from '@jdcast/core';
import type { OptionSpec } from '../args.js';
import type { CommandContext } from './command.js';

export const socketOption: Record<string, OptionSpec> = {
	socket: {
		type: 'string',
		description:
			'control socket of the jdcast up to talk to (default: $JDCAST_SOCKET, $XDG_RUNTIME_DIR/jdcast/control.sock, or a per-user temp folder)',
		placeholder: 'PATH',
	},
};

/** Exit status when no `jdcast up` answers on the socket. */
export const EXIT_NOT_RUNNING = 3;

/**
 * Runs one call against the running `jdcast up`: exit 3 with a clear message when nothing runs
 * there, 1 with the API's message when it refuses (unknown profile, invalid reload).
 */
export async function withController(
	values: CommandContext['values'],
	work: (client: ControlClient) => Promise<number>,
): Promise<number> {
	const client = connectController(controlSocketPath(typeof values.socket === 'string' ? values.socket : undefined));
	try {
		return await work(client);
	} catch (error) {
		if (error instanceof JdcastError && (error.code === 'E_CONTROL_NOT_RUNNING' || error.code === 'E_CONTROL_DENIED')) {
			process.stderr.write(
				`jdcast: ${error.message}${error.code === 'E_CONTROL_NOT_RUNNING' ? ' (start one with `jdcast up FILES...`)' : ''}\n`,
			);
			return EXIT_NOT_RUNNING;
		}
		if (error instanceof ControlError) {
			process.stderr.write(`jdcast: ${error.message}\n${error.details.map((d) => `${d}\n`).join('')}`);
			return 1;
		}
		throw error;
	}
}
