import { HarborLine } from './harbor-line.js';
import { useState } from 'preact/hooks';
import type { ListenerSeries, ProfileStatus } from '../../src/status/types.js';
import { api, ApiError } from './api.js';
import { clock, db, lufs, since } from './format.js';
import { HandoverForm } from './handover-form.js';
import { ListenersGraph } from './listeners-graph.js';
import { LevelMeter } from './meter.js';
import { OutputsTable } from './outputs-table.js';
import { RecordingsList } from './recordings-list.js';

type Result = { ok: boolean; text: string } | null;

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
	handoverTo,
	listeners,
	now,
}: {
	profile: ProfileStatus;
	/** The profiles this one can hand its shared mounts to. */
	handoverTo: string[];
	listeners: ListenerSeries[];
	now: number;
}) {
	const [result, busy, run] = useAction();
	const [title, setTitle] = useState('');
	const [artist, setArtist] = useState('');
	const running = profile.state !== 'stopped' && profile.state !== 'failed';
	const audio = profile.audio;
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
						{audio?.input && (
							<div class="input-level" title="the input before loudness control (processing:)">
								<dt>input S</dt>
								<dd>{lufs(audio.input.shortTermLufs)} LUFS</dd>
							</div>
						)}
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
			{profile.harbor && <HarborLine harbor={profile.harbor} now={now} />}
			<OutputsTable outputs={profile.outputs} now={now} />
			<div class="graphs">
				{profile.outputs.map((o) => (
					<figure key={`${o.server}${o.mount}`}>
						<figcaption>{o.mount} listeners, last hour</figcaption>
						<ListenersGraph series={listeners.find((s) => s.server === o.server && s.mount === o.mount)} />
					</figure>
				))}
			</div>
			<RecordingsList recordings={profile.recordings} />
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
			<HandoverForm from={profile.name} candidates={handoverTo} busy={busy} run={run} />
			<p class={`result ${result ? (result.ok ? 'ok' : 'problem') : ''}`} role="status" aria-live="polite">
				{busy ? 'working…' : (result?.text ?? '')}
			</p>
		</section>
	);
}
