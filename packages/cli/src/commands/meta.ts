import { helpOption, type Command } from './command.js';
import { socketOption, withController } from './control.js';
import { UsageError } from '../args.js';

export const meta: Command = {
	name: 'meta',
	summary: 'Set "now playing" on a profile (all its streams) or one mount of the running jdcast up.',
	usage: 'jdcast meta PROFILE|MOUNT --title T [--artist A] [--album B] [--socket PATH]',
	options: {
		title: { type: 'string', description: 'the title', placeholder: 'T' },
		artist: { type: 'string', description: 'the artist', placeholder: 'A' },
		album: { type: 'string', description: 'the album (Ogg streams)', placeholder: 'B' },
		...socketOption,
		...helpOption,
	},
	details: ["MP3 and AAC mounts get it through Icecast's admin API, Ogg mounts in band (see docs/metadata.md)."],
	run: ({ values, positionals }) => {
		if (positionals.length !== 1) throw new UsageError('jdcast meta: give exactly one PROFILE or MOUNT');
		if (values.title === undefined && values.artist === undefined)
			throw new UsageError('jdcast meta: give --title and/or --artist');
		const text = (key: string) => (typeof values[key] === 'string' ? { [key]: values[key] } : {});
		return withController(values, async (client) => {
			const results = await client.setMetadata(positionals[0]!, {
				...text('title'),
				...text('artist'),
				...text('album'),
			});
			for (const r of results)
				process.stderr.write(
					`${r.profile} ${r.mount} on ${r.server}: ${r.superseded ? 'replaced by a newer title before its turn' : r.ok ? `set (${r.via})` : `failed: ${r.error}`}\n`,
				);
			return results.every((r) => r.ok) ? 0 : 1;
		});
	},
};
