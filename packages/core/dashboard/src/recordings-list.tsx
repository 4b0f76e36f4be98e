import type { RecordingState, RecordingStatus } from '../../src/status/types.js';
import { bytes, duration } from './format.js';

const BADGE: Record<RecordingState, string> = { recording: '● rec', retrying: 'retrying', stopped: '■ stopped' };

/**
 * The profile's recordings: state, file, length and size of the file being (or last) written. A
 * stopped one keeps the length and size it reached (the page holds them; see keepRecordingLengths).
 */
export function RecordingsList({ recordings }: { recordings: RecordingStatus[] }) {
	if (recordings.length === 0) return null;
	return (
		<ul class="recordings" aria-label="Recordings">
			{recordings.map((r) => (
				<li key={r.path} class={`state-${r.state}`}>
					<span class={`badge rec-${r.state}`}>{BADGE[r.state]}</span>{' '}
					{/* The file's name reads at a glance; its folder (often long) on hover. */}
					<span title={r.path}>{r.path.split('/').at(-1)}</span> · {duration(r.seconds)} · {bytes(r.partBytes)}
					{r.parts.length > 1 ? ` · ${r.parts.length} parts` : ''}
					{r.lostSeconds > 0 ? ` · ${r.lostSeconds.toFixed(1)} s lost` : ''}
					{r.lastError && <span class="error"> {r.lastError}</span>}
				</li>
			))}
		</ul>
	);
}
