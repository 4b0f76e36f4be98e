import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { ListenerSeries, ProfileStatus } from '../../src/status/types.js';
import { isLoopbackHost } from '../../src/util/loopback.js';
import { api, ApiError } from './api.js';
import { bytes, clock, db, duration, lufs, since } from './format.js';
import { ListenersGraph } from './listeners-graph.js';
import { LevelMeter } from './meter.js';

type Result = { ok: boolean; text: string } | null;

/**
 * Where this browser reaches a mount: jdcast names an embedded or local server by a loopback
 * address, which means this machine only to a browser on jdcast's own machine.
 */
function playerUrl(url: string): string {
	const mount = new URL(url);
	if (isLoopbackHost(mount.hostname) && !isLoopbackHost(location.hostname)) mount.hostname = location.hostname;
	return mount.toString();
}

/** Runs an action and says how it went, in the card's status line. */
function useAction(): [Result, boolean, (work: () => Promise<string>) => Promise<void>] {
	const [result, setResult] = useState<Result>(null);
	const [busy, setBusy] = useState(false);
	const run = async (work: () => Promise<string>) => {
		setBusy(true);
		setResult(null);
		try {
			setResult({ ok: true, text: await work() });
		} catch (error) {
			setResult({ ok: false, text: error instanceof ApiError ? error.message : String(error) });
		} finally {
			setBusy(false);
		}
	};
	return [result, busy, run];
}

export function ProfileCard({
	profile,
	others,
	listeners,
	now,
}: {
	profile: ProfileStatus;
	others: string[];
	listeners: ListenerSeries[];
	now: number;
}) {
	const [result, busy, run] = useAction();
	const [title, setTitle] = useState('');
	const [artist, setArtist] = useState('');
	const [handTo, setHandTo] = useState('');
	const running = profile.state !== 'stopped' && profile.state !== 'failed';
	const audio = profile.audio;
	const hasShared = profile.outputs.some((o) => o.shared);
	const headingId = `profile-${profile.name}`;

	return (
		<section class={`card state-${profile.state}`} role="region" aria-labelledby={headingId}>
			<header>
				<h2 id={headingId}>{profile.name}</h2>
				<span class={`badge state-${profile.state}`}>{profile.state}</span>
				<span class="facts">
					encoder restarts {profile.encoder.restarts}
					{profile.encoder.xruns > 0 ? ` · xruns ${profile.encoder.xruns}` : ''}
				</span>
				<span class="actions">
					<button
						type="button"
						disabled={busy || running}
						onClick={() =>
							run(async () => {
								const { state } = await api.start(profile.name);
								if (state === 'failed' || state === 'stopped') throw new ApiError(`did not start: ${state}`);
								return `started: ${state}`;
							})
						}
					>
						Start
					</button>
					<button
						type="button"
						disabled={busy || !running}
						onClick={() => run(async () => `stopped: ${(await api.stop(profile.name)).state}`)}
					>
						Stop
					</button>
				</span>
			</header>
			{profile.lastError && <p class="error">{profile.lastError}</p>}
			{audio?.silent && (
				<p class="dead-air" role="alert">
					DEAD AIR{audio.silentSince ? ` since ${clock(audio.silentSince)} (${since(audio.silentSince, now)})` : ''}:
					nothing audible goes out
				</p>
			)}
			{running && (
				<div class="audio">
					<LevelMeter profile={profile.name} audio={audio} />
					<dl class="loudness">
						<div>
							<dt>M</dt>
							<dd>{lufs(audio?.momentaryLufs ?? null)}</dd>
						</div>
						<div>
							<dt>S</dt>
							<dd>{lufs(audio?.shortTermLufs ?? null)}</dd>
						</div>
						<div>
							<dt>I</dt>
							<dd>{lufs(audio?.integratedLufs ?? null)} LUFS</dd>
						</div>
						<div>
							<dt>TP max</dt>
							<dd>{db(audio?.truePeakDb ?? null, 'dBTP')}</dd>
						</div>
						{audio && audio.clips > 0 && (
							<div class="clips">
								<dt>clips</dt>
								<dd>{audio.clips}</dd>
							</div>
						)}
					</dl>
				</div>
			)}
			{profile.jack && (
				<p class="jack">
					JACK {profile.jack.client}:{' '}
					{profile.jack.connections.length === 0 ? (
						<span class="warn">nothing connected</span>
					) : (
						profile.jack.connections.map(([from, to]) => `${from} → ${to}`).join(', ')
					)}
				</p>
			)}
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
						{profile.outputs.map((o) => (
							<Fragment key={`${o.server}${o.mount}`}>
								<tr class={`state-${o.state}`}>
									<th scope="row">
										{o.mount}
										<span class="format">{o.format}</span>
									</th>
									<td>{o.server}</td>
									<td>
										<span class={`badge state-${o.state}`}>{o.state}</span>
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
			<div class="graphs">
				{profile.outputs.map((o) => (
					<figure key={`${o.server}${o.mount}`}>
						<figcaption>{o.mount} listeners, last hour</figcaption>
						<ListenersGraph series={listeners.find((s) => s.server === o.server && s.mount === o.mount)} />
					</figure>
				))}
			</div>
			{profile.recordings.length > 0 && (
				<ul class="recordings" aria-label="Recordings">
					{profile.recordings.map((r) => (
						<li key={r.path} class={`state-${r.state}`}>
							<span class="badge">{r.state === 'recording' ? '● rec' : r.state}</span> {r.path} · {duration(r.seconds)}{' '}
							· {bytes(r.partBytes)}
							{r.parts.length > 1 ? ` · ${r.parts.length} parts` : ''}
							{r.lostSeconds > 0 ? ` · ${r.lostSeconds.toFixed(1)} s lost` : ''}
							{r.lastError && <span class="error"> {r.lastError}</span>}
						</li>
					))}
				</ul>
			)}
			<form
				class="now-playing-form"
				onSubmit={(event) => {
					event.preventDefault();
					void run(async () => {
						const { results } = await api.metadata(profile.name, title, artist);
						const failed = results.filter((r) => !r.ok);
						if (failed.length > 0)
							throw new ApiError(failed.map((r) => `${r.mount}: ${r.error ?? 'refused'}`).join('; '));
						return `now playing set on ${results.map((r) => r.mount).join(', ')}`;
					});
				}}
			>
				<label>
					Title <input name="title" value={title} onInput={(e) => setTitle(e.currentTarget.value)} maxLength={512} />
				</label>
				<label>
					Artist{' '}
					<input name="artist" value={artist} onInput={(e) => setArtist(e.currentTarget.value)} maxLength={512} />
				</label>
				<button type="submit" disabled={busy || !running || (title === '' && artist === '')}>
					Update now playing
				</button>
			</form>
			{hasShared && others.length > 0 && (
				<form
					class="handover-form"
					onSubmit={(event) => {
						event.preventDefault();
						void run(async () => {
							const { mounts } = await api.handover(profile.name, handTo);
							return `handed over to ${handTo}: ${mounts.map((m) => `${m.mount}${m.gapMs === null ? '' : ` (${m.gapMs} ms)`}`).join(', ')}`;
						});
					}}
				>
					<label>
						Hand over to{' '}
						<select value={handTo} onChange={(e) => setHandTo(e.currentTarget.value)}>
							<option value="">choose a profile</option>
							{others.map((name) => (
								<option key={name} value={name}>
									{name}
								</option>
							))}
						</select>
					</label>
					<button type="submit" disabled={busy || handTo === ''}>
						Hand over
					</button>
				</form>
			)}
			<p class={`result ${result ? (result.ok ? 'ok' : 'problem') : ''}`} role="status" aria-live="polite">
				{busy ? 'working…' : (result?.text ?? '')}
			</p>
		</section>
	);
}
