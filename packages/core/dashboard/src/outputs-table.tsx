import { Fragment } from 'preact';
import type { OutputState, OutputStatus } from '../../src/status/types.js';
import { isLoopbackHost } from '../../src/util/loopback.js';
import { since } from './format.js';

/**
 * Where this browser reaches a mount: jdcast names an embedded or local server by a loopback
 * address, which means this machine only to a browser on jdcast's own machine.
 */
function playerUrl(url: string): string {
	const mount = new URL(url);
	if (isLoopbackHost(mount.hostname) && !isLoopbackHost(location.hostname)) mount.hostname = location.hostname;
	return mount.toString();
}

/** What a state means, on hover: the two turn-taking states are easy to read as faults. */
const EXPLAINED: Partial<Record<OutputState, string>> = {
	waiting: 'another source holds this shared mount; taken the moment it is free',
	standby: 'not seeking its mount for now (handed over, before its slot, or yielded for dead air); not a fault',
};

/** A row per output: mount, server, state in colour, time on air, rate, listeners, reconnects, a player. */
export function OutputsTable({ outputs, now }: { outputs: OutputStatus[]; now: number }) {
	return (
		<div class="table-box">
			<table class="outputs">
				<thead>
					<tr>
						<th scope="col">Mount</th>
						<th scope="col">Server</th>
						<th scope="col">State</th>
						<th scope="col">On air for</th>
						<th scope="col">kbps</th>
						<th scope="col">Listeners</th>
						<th scope="col">Reconnects</th>
						<th scope="col">Listen</th>
					</tr>
				</thead>
				<tbody>
					{outputs.map((o) => (
						<Fragment key={`${o.server}${o.mount}`}>
							<tr class={`state-${o.state}`}>
								<th scope="row">
									{o.mount}
									<span class="format">
										{o.format}
										{o.bitrate === null ? '' : ` ${o.bitrate}k`}
									</span>
								</th>
								<td>{o.server}</td>
								<td>
									<span class={`badge state-${o.state}`} title={EXPLAINED[o.state]}>
										{o.state}
									</span>
								</td>
								<td>{o.state === 'live' ? since(o.liveSince, now) : '—'}</td>
								<td>{o.state === 'live' ? Math.round(o.kbps) : '—'}</td>
								<td>{o.listeners ?? '—'}</td>
								<td>{o.reconnects}</td>
								<td>
									<audio controls preload="none" src={playerUrl(o.url)} aria-label={`Listen to ${o.mount}`} />
								</td>
							</tr>
							{(o.lastError || o.nowPlaying) && (
								<tr class="detail">
									<td colSpan={8}>
										{o.nowPlaying && <span class="now-playing">♪ {o.nowPlaying}</span>}
										{o.lastError && <span class="error">{o.lastError}</span>}
									</td>
								</tr>
							)}
						</Fragment>
					))}
				</tbody>
			</table>
		</div>
	);
}
