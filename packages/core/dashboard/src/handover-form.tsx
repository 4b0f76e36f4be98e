import { useState } from 'preact/hooks';
import { api } from './api.js';

/**
 * "Hand over to…": the shared mounts of `from` go to the chosen profile on their live
 * connections. `candidates` are the profiles sharing a mount with it (handoverCandidates); with
 * none the form is not shown, since the engine would refuse every choice.
 */
export function HandoverForm({
	from,
	candidates,
	busy,
	run,
}: {
	from: string;
	candidates: string[];
	busy: boolean;
	run: (work: () => Promise<string>) => Promise<void>;
}) {
	const [handTo, setHandTo] = useState('');
	if (candidates.length === 0) return null;
	// A choice that is no longer offered (that profile was removed by a reload) is not sent.
	const chosen = candidates.includes(handTo) ? handTo : '';
	return (
		<form
			class="handover-form"
			onSubmit={(event) => {
				event.preventDefault();
				void run(async () => {
					const { mounts } = await api.handover(from, chosen);
					return `handed over to ${chosen}: ${mounts.map((m) => `${m.mount}${m.gapMs === null ? '' : ` (${m.gapMs} ms)`}`).join(', ')}`;
				});
			}}
		>
			<label>
				Hand over to{' '}
				<select value={chosen} onChange={(e) => setHandTo(e.currentTarget.value)}>
					<option value="">choose a profile</option>
					{candidates.map((name) => (
						<option key={name} value={name}>
							{name}
						</option>
					))}
				</select>
			</label>
			<button type="submit" disabled={busy || chosen === ''}>
				Hand over
			</button>
		</form>
	);
}
