import type { TestContext } from 'node:test';
import { jdcastOnce, type RunningJdcast, writeProfile } from './jdcast.js';
import { serverEntry } from './profile.js';
import { startIcecast } from './services.js';

/** A station's Icecast: /live.* fall back to /autodj.* while no DJ feeds them, and come back. */
export async function station(t: TestContext, options: { burstOnConnect?: boolean } = {}) {
	return startIcecast(t, {
		mounts: { '/live.opus': { fallback: '/autodj.opus' }, '/live.mp3': { fallback: '/autodj.mp3' } },
		...options,
	});
}

/** The station's fallbacks as the profiles say them, kept fed from this jdcast (every DJ is in it). */
export const KEPT =
	'    mounts:\n      /live.opus: { fallback: /autodj.opus, keep: true }\n      /live.mp3: { fallback: /autodj.mp3, keep: true }\n';

/** A profile playing a tone on the station: the autodj on its own mounts, a DJ on the shared public ones. */
export function toneProfile(
	dir: string,
	name: string,
	hz: number,
	port: number,
	mounts: 'autodj' | 'live',
	local: boolean | string = true,
	extra = '',
): string {
	const shared = mounts === 'live' ? ', shared: true' : '';
	return writeProfile(
		dir,
		name,
		`name: ${name}\ninput:\n  tone: { frequency: ${hz}, level: -12 }\nsilence: false\nservers:\n${serverEntry('station', port)}${typeof local === 'string' ? local : local ? KEPT : ''}streams:\n  - { mount: /${mounts}.opus, format: opus${shared} }\n  - { mount: /${mounts}.mp3, format: mp3, bitrate: 128${shared} }\n${extra}`,
	);
}

export function control(up: RunningJdcast, ...args: string[]) {
	return jdcastOnce([...args, '--socket', up.socket]);
}

export function latestState(up: RunningJdcast, profile: string, mount: string): string | undefined {
	return up.events.filter((e) => e.event === 'output' && e.profile === profile && e.mount === mount).at(-1)?.state;
}
