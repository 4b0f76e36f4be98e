import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { healthOf } from '../../src/status/health.js';
import type { JdcastEventMessage } from '../../src/status/messages.js';
import { describeReload, listenersByMount, type ListenerSeries, type StatusSnapshot } from '../../src/status/types.js';
import { api, ApiError } from './api.js';
import { EventLog, isLogged, type LoggedEvent } from './event-log.js';
import { applyEvent, EMPTY_STATUS, keepRecordingLengths } from './events.js';
import { ProfileCard } from './profile-card.js';
import { handoverCandidates, onAirLine, stationRows } from './station.js';
import { StationStrip } from './station-strip.js';
import 'uplot/dist/uPlot.min.css';
import '../style.css';

type Connection = 'connecting' | 'open' | 'lost';

function App() {
	const [status, setStatus] = useState<StatusSnapshot | null>(null);
	const [connection, setConnection] = useState<Connection>('connecting');
	const [listeners, setListeners] = useState<ListenerSeries[]>([]);
	const [now, setNow] = useState(Date.now());
	const [reloadResult, setReloadResult] = useState<{ ok: boolean; text: string } | null>(null);
	const [log, setLog] = useState<LoggedEvent[]>([]);

	useEffect(() => {
		let source: EventSource | undefined;
		let refetch: number | undefined;
		let retry: number | undefined;
		let current: StatusSnapshot | null = null;
		const show = (next: StatusSnapshot) => setStatus((current = current ? keepRecordingLengths(current, next) : next));
		// Events other than levels and stats change several things at once: ask for the whole status, at most 4
		// times a second.
		const refresh = () => {
			refetch ??= window.setTimeout(() => {
				refetch = undefined;
				api.status().then(show, () => {});
			}, 250);
		};
		const connect = () => {
			source = new EventSource('/api/events');
			source.onopen = () => setConnection('open');
			source.onmessage = (message: MessageEvent<string>) => {
				const event = JSON.parse(message.data) as JdcastEventMessage;
				if (isLogged(event)) setLog((old) => [event, ...old].slice(0, 50));
				const next = current
					? applyEvent(current, event)
					: event.event === 'status'
						? applyEvent(EMPTY_STATUS, event)
						: null;
				if (next) show(next);
				else refresh();
			};
			source.onerror = () => {
				setConnection('lost');
				// A refused stream (jdcast restarted with another token, or not yet listening) is not retried by the
				// browser itself.
				if (source?.readyState === EventSource.CLOSED) {
					source.close();
					retry = window.setTimeout(() => {
						api.status().then(
							() => connect(),
							() => (retry = window.setTimeout(connect, 2000)),
						);
					}, 2000);
				}
			};
		};
		connect();
		const clockTimer = window.setInterval(() => setNow(Date.now()), 1000);
		const loadListeners = () =>
			api.listeners().then(
				({ mounts }) => setListeners(mounts),
				() => {},
			);
		loadListeners();
		const listenerTimer = window.setInterval(loadListeners, 10_000);
		return () => {
			source?.close();
			window.clearInterval(clockTimer);
			window.clearInterval(listenerTimer);
			window.clearTimeout(refetch);
			window.clearTimeout(retry);
		};
	}, []);

	if (!status)
		return (
			<p class="loading">{connection === 'lost' ? 'jdcast does not answer; trying again…' : 'Connecting to jdcast…'}</p>
		);
	const health = healthOf(status);
	const onAir = onAirLine(stationRows(status), now);
	// A mount on several servers (edges): its listeners summed, beside each server's.
	const edges = listenersByMount(status.profiles).filter((m) => m.servers.length > 1);
	return (
		<>
			<header class="top">
				<h1>jdcast</h1>
				<span class={`health ${health.ok ? 'ok' : 'problem'}`} title={health.problems.join('\n')}>
					{health.ok
						? 'On air, audible'
						: `${health.problems.length} problem${health.problems.length === 1 ? '' : 's'}`}
				</span>
				{onAir && <span class="on-air">{onAir}</span>}
				<span class={`connection ${connection}`} role="status">
					{connection === 'open'
						? 'live updates'
						: connection === 'lost'
							? 'connection to jdcast lost; reconnecting…'
							: 'connecting…'}
				</span>
				<button
					type="button"
					onClick={() => {
						setReloadResult(null);
						api.reload().then(
							(r) => setReloadResult({ ok: true, text: `reloaded: ${describeReload(r)}` }),
							(e: unknown) => setReloadResult({ ok: false, text: e instanceof ApiError ? e.message : String(e) }),
						);
					}}
				>
					Reload
				</button>
				<span
					class={`result ${reloadResult ? (reloadResult.ok ? 'ok' : 'problem') : ''}`}
					role="status"
					aria-live="polite"
				>
					{reloadResult?.text ?? ''}
				</span>
			</header>
			{!health.ok && (
				<ul class="problems" aria-label="Problems">
					{health.problems.map((p) => (
						<li key={p}>{p}</li>
					))}
				</ul>
			)}
			{edges.length > 0 && (
				<ul class="edges" aria-label="Listeners over all servers">
					{edges.map((m) => (
						<li key={m.mount}>
							<strong>{m.mount}</strong> {m.listeners ?? '?'} listeners on {m.servers.length} servers (
							{m.servers.map((s) => `${s.server} ${s.listeners ?? '?'}`).join(', ')})
						</li>
					))}
				</ul>
			)}
			<StationStrip status={status} now={now} />
			<main>
				{status.profiles.map((profile) => (
					<ProfileCard
						key={profile.name}
						profile={profile}
						handoverTo={handoverCandidates(status.profiles, profile.name)}
						listeners={listeners.filter((s) => s.profile === profile.name)}
						now={now}
					/>
				))}
			</main>
			<EventLog log={log} />
			<footer>
				jdcast · pid {status.process.pid} · event loop max delay {status.process.loopDelayMaxMs} ms ·{' '}
				<a href="/metrics">metrics</a> · <a href="/healthz">health</a> · <a href="/api/status">status JSON</a>
			</footer>
		</>
	);
}

render(<App />, document.getElementById('app')!);
