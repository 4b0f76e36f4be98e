import { endOfStreamPage } from '../../ogg/build.js';
import { FLAG_EOS, readPage } from '../../ogg/page.js';

/**
 * An Ogg page that ends the logical stream `last` (a page of it) belongs to. A connection handed to
 * another output gets it, so that the next output's stream starts a clean link of the chain.
 */
export function endOfStream(last: Buffer): Buffer | undefined {
	const page = readPage(last, 0, false);
	// ffmpeg's own last page (a profile stopping) already ends it.
	if (typeof page !== 'object' || page.flags & FLAG_EOS) return undefined;
	return endOfStreamPage({ serial: page.serial, sequence: page.sequence + 1, granule: page.granule });
}
