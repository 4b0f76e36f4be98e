// A profile built in code, checked by the same schema and rules as a file: problems come back
// as diagnostics whose message starts with the JSON path (`streams[0].bitrate: …`).
//   npx tsx examples/in-code.ts
import { formatDiagnostic, loadProfileObject, Orchestrator } from '@jdcast/core';

const { profile, diagnostics } = loadProfileObject(
	{
		input: { tone: { frequency: 440, level: -18 } },
		servers: { local: { embedded: true, port: Number(process.env.JDCAST_EXAMPLE_PORT ?? 8000) } },
		streams: [
			{ mount: '/code.opus', format: 'opus', bitrate: 96 },
			{ mount: '/code.mp3', format: 'mp3', bitrate: 128 },
		],
	},
	{ name: 'in-code' },
);
for (const d of diagnostics) console.error(formatDiagnostic(d));
if (!profile) process.exit(1);

const jdcast = new Orchestrator();
await jdcast.start([profile]);
await jdcast.live({ timeoutMs: 20_000 });
console.log(
	jdcast
		.status()
		.profiles[0]!.outputs.map((o) => `${o.url} ${o.state}`)
		.join('\n'),
);
await jdcast.stop();
