import { loadProfileFiles, plan, planSummary } from '@jdcast/core';
import { helpOption, jsonOption, type Command } from './command.js';
import { printDiagnostics } from '../output/diagnostics.js';
import { profilesAmong } from '../run/profile-files.js';

export const planCommand: Command = {
	name: 'plan',
	summary: 'Show the one ffmpeg command each profile runs, and which streams and recordings each encoder feeds.',
	usage: 'jdcast plan [--json] FILES...',
	options: { ...jsonOption, ...helpOption },
	details: ['No password and no server address ever appears in the ffmpeg command.'],
	needsFiles: true,
	async run({ values, positionals }) {
		// A schedule among the files (profiles/station/*.yaml) is not this command's business.
		const loaded = await loadProfileFiles(await profilesAmong('plan', positionals));
		printDiagnostics(loaded.diagnostics);
		if (!loaded.ok) return 1;
		const plans = loaded.profiles.map((p) => plan(p));
		if (values.json) {
			process.stdout.write(`${JSON.stringify({ profiles: plans.map(planSummary) }, null, 2)}\n`);
			return 0;
		}
		for (const p of plans) {
			process.stdout.write(`profile ${p.profile}\n  ${p.argv.map(shellQuote).join(' ')}\n`);
			if (p.inputMeterFd !== null)
				process.stdout.write(
					`  loudness control before every encoder; pipe:${p.inputMeterFd} the input's level before it\n`,
				);
			for (const e of p.encoders) {
				// Loudness control hands every encoder its programme at 48 kHz.
				const rate = e.samplerate
					? `${e.samplerate} Hz`
					: p.inputMeterFd !== null
						? '48000 Hz (processed)'
						: 'input rate';
				process.stdout.write(
					`  pipe:${e.fd}  ${e.format}${e.profile ? ` ${e.profile}` : ''} ${e.bitrate ? `${e.bitrate} kbps` : 'lossless'}, ${e.channels} ch, ${rate}\n`,
				);
				for (const s of e.streams) process.stdout.write(`    -> ${s.server} ${s.mount}\n`);
				for (const r of e.recordings)
					process.stdout.write(`    -> record ${r.path}${r.split ? ` (a new file every ${r.split} s)` : ''}\n`);
			}
		}
		return 0;
	},
};

function shellQuote(arg: string): string {
	return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`;
}
