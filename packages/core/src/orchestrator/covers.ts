import { sameEncoding, targetKey } from '../profile/cross-check.js';
import { keyOf, type BrokeredOutput, type MountRunner } from './mount-runner.js';

/** Hides the passing states of a move of connections from the MountBroker until the returned function is called. */
type Suspend = () => () => void;

/**
 * A shared output gives up its mount: if the mount is to be kept (`servers.NAME.mounts` with
 * `keep: true`) and another running profile feeds its fallback with the same encoding, that
 * profile takes the live connection and covers the mount, so that listeners stay where they
 * are. Returns whether it did.
 */
export function coverFrom(
	runners: Iterable<MountRunner>,
	owner: string,
	output: BrokeredOutput,
	log: (profile: string, message: string) => void,
	suspend: Suspend,
): boolean {
	const settings = output.server.mounts[output.mount];
	// Only where asked (`keep: true`): a covered mount is never free for a DJ on another machine.
	if (!settings?.keep || settings.fallback === undefined) return false;
	const key = targetKey(output.server, settings.fallback);
	for (const runner of runners) {
		if (runner.name === owner) continue;
		const feeder = runner.icecastOutputs.find(
			(o) => keyOf(o) === key && sameEncoding(o.encoding, output.encoding) && o.onAir,
		);
		if (!feeder) continue;
		// The mount between the DJ and the cover for a few ms is no change of source to report.
		const release = suspend();
		const held = output.handOff();
		const covering = held && runner.cover(feeder.server, output.mount, feeder.encoding.fd, held.connection);
		if (!held) release();
		else if (!covering) {
			held.connection.close();
			release();
		} else {
			void covering.catch(() => {}).finally(release);
			log(runner.name, `covering ${output.mount} from ${settings.fallback} until a DJ takes it`);
		}
		return held !== undefined;
	}
	return false;
}

/** A shared output finds its mount held: if a cover of this process holds it, the mount goes over on its connection. */
export function takeFromCover(runners: Iterable<MountRunner>, output: BrokeredOutput, suspend: Suspend): void {
	const key = keyOf(output);
	for (const runner of runners) {
		const cover = runner.icecastOutputs.find((o) => o.covering && o !== output && keyOf(o) === key);
		if (!cover) continue;
		const release = suspend();
		const held = cover.handOff();
		runner.uncover(cover);
		// Refused (the DJ stopped meanwhile): the connection is closed, so that Icecast's fallback takes the listeners.
		if (held)
			void output
				.adopt(held.connection)
				.catch(() => held.connection.close())
				.finally(release);
		else release();
		return;
	}
}
