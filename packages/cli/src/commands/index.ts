import type { Command } from './command.js';
import { demo } from './demo.js';
import { handover } from './handover.js';
import { health } from './health.js';
import { icecastConfig } from './icecast-config.js';
import { connect, disconnect } from './jack-clients.js';
import { jackdaw } from './jackdaw.js';
import { meta } from './meta.js';
import { planCommand } from './plan.js';
import { reload } from './reload.js';
import { start, stop } from './start-stop.js';
import { service } from './service.js';
import { status } from './status.js';
import { up } from './up.js';
import { validate } from './validate.js';

export const commands: Command[] = [
	validate,
	planCommand,
	up,
	status,
	health,
	start,
	stop,
	meta,
	reload,
	handover,
	disconnect,
	connect,
	icecastConfig,
	service,
	demo,
	jackdaw,
];
