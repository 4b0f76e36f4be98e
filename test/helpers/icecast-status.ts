interface Source {
	listenurl: string;
	title?: string;
	artist?: string;
	listeners?: number;
}

/** The mounts Icecast lists in /status-json.xsl (one object or an array), by mount path. */
export async function icecastSources(port: number): Promise<Map<string, Source>> {
	const status = (await (await fetch(`http://127.0.0.1:${port}/status-json.xsl`)).json()) as {
		icestats: { source?: Source | Source[] };
	};
	const sources = status.icestats.source;
	return new Map(
		(Array.isArray(sources) ? sources : sources ? [sources] : []).map((s) => [new URL(s.listenurl).pathname, s]),
	);
}

/** Icecast's status page writes characters outside Latin-1 as numeric character references. */
export function decodeEntities(text: string | undefined): string | undefined {
	return text?.replace(/&#(\d+);/g, (_, code: string) => String.fromCodePoint(Number(code))).replace(/&amp;/g, '&');
}

/**
 * The title an MP3 listener's player shows: the ICY metadata in the stream (`StreamTitle='…'`),
 * asked for with `Icy-MetaData: 1` as players do. Icecast's burst replays the last seconds with
 * the title they had, so a new listener may first see an older title: this listens until
 * `expected` comes (or the time is up) and returns the last title seen.
 */
export function icyTitle(url: string, expected: string, timeoutMs = 12_000): Promise<string> {
	return new Promise((resolve, reject) => {
		const controller = new AbortController();
		let last = '';
		const timer = setTimeout(() => {
			controller.abort();
			resolve(last);
		}, timeoutMs);
		void (async () => {
			const response = await fetch(url, { headers: { 'Icy-MetaData': '1' }, signal: controller.signal });
			const interval = Number(response.headers.get('icy-metaint'));
			if (!interval) throw new Error('no icy-metaint header');
			const reader = response.body!.getReader();
			let buffer = Buffer.alloc(0);
			let skip = interval;
			for (;;) {
				const { value, done } = await reader.read();
				if (done) throw new Error('stream ended');
				buffer = Buffer.concat([buffer, Buffer.from(value)]);
				while (buffer.length > skip) {
					const length = buffer[skip]! * 16;
					if (buffer.length < skip + 1 + length) break;
					const meta = buffer.subarray(skip + 1, skip + 1 + length).toString('utf8');
					buffer = buffer.subarray(skip + 1 + length);
					skip = interval;
					const title = /StreamTitle='(.*?)';/.exec(meta)?.[1];
					if (title !== undefined) last = title;
					if (title === expected) {
						clearTimeout(timer);
						controller.abort();
						return resolve(title);
					}
				}
			}
		})().catch((error: unknown) => {
			if (controller.signal.aborted) return;
			clearTimeout(timer);
			reject(error instanceof Error ? error : new Error(String(error)));
		});
	});
}
