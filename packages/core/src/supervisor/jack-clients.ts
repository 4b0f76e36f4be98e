import { JdcastError } from '../errors/index.js';
import { Routing } from '../jack/routing.js';
import { clientOf } from '../jack/rules.js';
import type { IcecastOutput } from '../outputs/icecast-output.js';
import type { Profile } from '../profile/types.js';
import { notInstalled, onPath } from '../util/which.js';
import type { JackClientAnswer, JdcastEvents } from '../status/types.js';
import { withoutControlCharacters } from '../util/text.js';

type Log = (level: 'info' | 'warning' | 'error', message: string) => void;

/** A client's name as a shell word, for a command the operator may paste. */
function shellWord(name: string): string {
	return /^[\w.@%+=:,/-]+$/.test(name) ? name : `'${name.replace(/'/g, `'\\''`)}'`;
}

/** A profile's JACK routing (none for another input), watched as `watchRouting` says. */
export function routingOf(profile: Profile, to: RoutingListeners): Routing | undefined {
	if (profile.input.kind !== 'jack') return undefined;
	const routing = new Routing(profile.input);
	watchRouting(routing, profile.name, to);
	return routing;
}

/** Without JACK's tools ffmpeg still reads JACK, but no connection is made or watched: the sentence that says so. */
export function missingJackTools(): string | undefined {
	const tools = ['jack_lsp', 'jack_connect'].filter((tool) => !onPath(tool));
	return tools.length > 0
		? `${notInstalled(tools.join(' and '), 'jackd2')}: JACK connections are neither made nor watched`
		: undefined;
}

interface RoutingListeners {
	log: Log;
	jack: (event: JdcastEvents['jack'][0]) => void;
	outputs: () => readonly IcecastOutput[];
}

/** Says what the JACK routing of a profile does: to the operator (`log`) and as `jack` events. */
export function watchRouting(routing: Routing, profile: string, to: RoutingListeners): void {
	const { log } = to;
	routing.on('server', (running) => {
		if (!running) log('warning', 'JACK server not running');
		to.jack({ profile, ...routing.state, serverRunning: running });
	});
	// Listeners hear nothing from this moment: said now, not once bytes have been missing a while.
	routing.on('serverLost', () => {
		for (const output of to.outputs()) output.inputLost();
	});
	routing.on('changed', (state) => to.jack({ profile, ...state, serverRunning: routing.serverRunning }));
	routing.on('connected', (from, to) => log('info', `connected ${withoutControlCharacters(from)} -> ${to}`));
	routing.on('contested', (from, to, times) => {
		const client = withoutControlCharacters(clientOf(from));
		log(
			'warning',
			`something keeps removing ${withoutControlCharacters(from)} -> ${to} (made again ${times} times within 30 s, as the profile's connect rule says; now less often); to take ${client} off air: jdcast disconnect ${shellWord(profile)} ${shellWord(client)}`,
		);
	});
}

/**
 * `jdcast disconnect` (on: false) or `jdcast connect` (on: true) of a source client of a profile's
 * JACK input (Routing.hold, Routing.connectClient); answers with the connections afterwards.
 * Throws E_JACK_CLIENT when there is nothing to do, E_BAD_REQUEST for an input that is not JACK.
 */
export async function routeClient(
	routing: Routing | undefined,
	profile: string,
	client: string,
	on: boolean,
	log: Log,
): Promise<JackClientAnswer> {
	if (!routing) throw new JdcastError('E_BAD_REQUEST', `profile ${profile}'s input is not JACK`);
	const shown = JSON.stringify(client);
	if (on) {
		if (!(await routing.connectClient(client)))
			throw new JdcastError('E_JACK_CLIENT', `no JACK client ${shown} with audio outputs to connect to ${profile}`);
		log('info', `${shown} put on ${profile}'s input by request: connected whenever it is there`);
	} else {
		const removed = await routing.hold(client);
		if (!removed)
			throw new JdcastError(
				'E_JACK_CLIENT',
				`JACK client ${shown} feeds nothing into ${profile}, was not seen in this run, and no connect rule names it`,
			);
		log(
			'info',
			`${shown} taken off ${profile}'s input by request, until the profile's next start or reload (${removed.length} connection${removed.length === 1 ? '' : 's'} removed)`,
		);
	}
	const { connections, held } = routing.state;
	return { profile, client, connections, held };
}

/** A reload left the profile running: clients held by `jdcast disconnect` come back, and the log says who. */
export async function releaseHeld(routing: Routing | undefined, profile: string, log: Log): Promise<void> {
	const held = routing?.state.held ?? [];
	if (held.length > 0)
		log('info', `reloaded: ${held.join(', ')} back on ${profile}'s input (held by jdcast disconnect until now)`);
	await routing?.releaseAll();
}
