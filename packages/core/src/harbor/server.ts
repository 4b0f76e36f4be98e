import { createServer, type Server, type Socket } from 'node:net';
import { EventEmitter } from 'eventemitter3';
import { HarborError } from '../errors/index.js';
import type { Secret } from '../profile/secret.js';
import { type Clock, realClock } from '../util/clock.js';
import { withoutControlCharacters } from '../util/text.js';
import { WrongTries } from '../util/wrong-tries.js';
import { Admission } from './admission.js';
import { checkPassword } from './auth.js';
import { HarborSource } from './source.js';
import {
	basicCredentials,
	headEnd,
	MAX_HEAD_BYTES,
	metadataResponse,
	parseHead,
	type RequestHead,
	response,
	shoutcastPass,
	songOf,
} from './request.js';

/** A request head must be complete within this long. */
const HEAD_TIMEOUT_MS = 5000;
/** A DJ accepted must send audio within this long, and never pause longer than `STALL_MS` after. */
const FIRST_BYTE_MS = 5000;
const STALL_MS = 3000;
/** The bitrate limit is measured over this long. */
const RATE_WINDOW_MS = 5000;
const CHECK_MS = 250;
/** A wrong password from an address that gave one within the last second is answered after this. */
const WRONG_PAUSE_MS = 1000;
/** A user name as the profile's `users` allow them. */
const USER_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

export interface HarborServerOptions {
	host: string;
	port: number;
	mount: string;
	/** Passwords by user name. */
	users: ReadonlyMap<string, Secret>;
	/** A DJ who connects while another is on air takes over (else 403). */
	takeover: boolean;
	maxKbps: number;
	/** Why no DJ may go on air now (it is not this harbor's turn on its mounts), or undefined. */
	admit?: () => string | undefined;
	clock?: Clock;
}

export interface HarborRefusal {
	address: string;
	/** The HTTP status the client got. */
	status: number;
	/** Why, for the log: never a password. */
	reason: string;
	user: string | null;
}

export interface HarborServerEvents {
	/** A DJ was let in: their audio is `source.body`. A DJ taken over from ends first. */
	source: [source: HarborSource];
	/** The DJ on air (or one who gives the right password for them) sent a title. */
	metadata: [update: { user: string; address: string; song: string }];
	refused: [refusal: HarborRefusal];
}

/**
 * The harbor's listening side: source clients connect as they would to Icecast (`PUT` with
 * `Expect: 100-continue`, or `SOURCE`; Basic auth) and send their stream as the body; BUTT and
 * Mixxx send titles as Icecast's `GET /admin/metadata?mode=updinfo`. One DJ at a time.
 */
export class HarborServer extends EventEmitter<HarborServerEvents> {
	readonly #server: Server;
	readonly #clock: Clock;
	readonly #wrong = new WrongTries();
	#current: HarborSource | undefined;
	readonly #admission = new Admission();

	constructor(private readonly options: HarborServerOptions) {
		super();
		this.#clock = options.clock ?? realClock;
		this.#server = createServer((socket) => this.#accept(socket));
	}

	/** Listens; rejects with a sentence when the port is taken or the address is not this machine's. */
	listen(): Promise<void> {
		const { host, port } = this.options;
		return new Promise((resolve, reject) => {
			this.#server.once('error', (error: NodeJS.ErrnoException) =>
				reject(
					new HarborError(
						'E_HARBOR_LISTEN',
						error.code === 'EADDRINUSE'
							? `the harbor's port ${port} on ${host} is taken by another program`
							: `the harbor cannot listen on ${host}:${port} (${error.code ?? error.message})`,
					),
				),
			);
			this.#server.listen({ host, port, exclusive: true }, () => resolve());
		});
	}

	/** The port it listens on (the one asked for, or the one the system chose for 0). */
	get port(): number {
		const address = this.#server.address();
		return typeof address === 'object' && address ? address.port : this.options.port;
	}

	/** Connections open now (requests and DJs). */
	get connections(): number {
		return this.#admission.size;
	}

	/** The DJ connected now, if any. */
	get current(): HarborSource | undefined {
		return this.#current;
	}

	/** Stops listening and ends every connection: one half-way through its request does not hold the stop up. */
	async close(): Promise<void> {
		this.#current?.end('the profile stopped');
		const closed = new Promise<void>((resolve) => this.#server.close(() => resolve()));
		this.#admission.destroyAll();
		await closed;
	}

	#accept(socket: Socket): void {
		const address = (socket.remoteAddress ?? 'unknown').replace(/^::ffff:/, '');
		if (!this.#admission.admit(socket, address, this.#clock.monotonic())) {
			this.#refuse(socket, address, 503, 'too many connections (from this address, or in all)', null);
			return;
		}
		socket.on('error', () => socket.destroy());
		let head = Buffer.alloc(0);
		const timer = this.#clock.setTimeout(() => {
			this.#refuse(socket, address, 400, `no complete request within ${HEAD_TIMEOUT_MS / 1000} s`, null);
		}, HEAD_TIMEOUT_MS);
		const onData = (chunk: Buffer) => {
			head = Buffer.concat([head, chunk]);
			const end = headEnd(head);
			if (end < 0 && head.length <= MAX_HEAD_BYTES) return;
			socket.off('data', onData);
			this.#admission.headDone(socket);
			this.#clock.clearTimeout(timer);
			if (end < 0 || end > MAX_HEAD_BYTES) {
				this.#refuse(socket, address, 431, `a request head over ${MAX_HEAD_BYTES} bytes`, null);
				return;
			}
			socket.pause();
			const parsed = parseHead(head.subarray(0, end).toString('latin1'));
			if (typeof parsed === 'string') this.#refuse(socket, address, 400, parsed, null);
			else this.#route(socket, address, parsed, head.subarray(end));
		};
		socket.on('data', onData);
		socket.once('close', () => this.#clock.clearTimeout(timer));
	}

	/** An answer, and the connection closed once it is out: a client that keeps its side open holds nothing. */
	#answer(socket: Socket, text: string): void {
		if (socket.destroyed) return;
		socket.end(text, () => socket.destroy());
		// One that never reads it is not waited for long.
		const timer = this.#clock.setTimeout(() => socket.destroy(), 2000);
		socket.once('close', () => this.#clock.clearTimeout(timer));
	}

	#route(socket: Socket, address: string, head: RequestHead, rest: Buffer): void {
		const credentials = basicCredentials(head) ?? shoutcastPass(head, this.#current?.info.user);
		const user = credentials?.user ?? null;
		const isMetadata = head.method === 'GET' && /^\/admin(\/metadata|\.cgi)$/.test(head.path);
		if (!isMetadata && head.method !== 'PUT' && head.method !== 'SOURCE') {
			this.#refuse(socket, address, 405, `${head.method} ${head.path} is not a source client's request`, user);
			return;
		}
		const mount = isMetadata ? (head.query.get('mount') ?? this.options.mount) : head.path;
		if (mount !== this.options.mount) {
			this.#refuse(socket, address, 404, `no mount ${mount} here: DJs send to ${this.options.mount}`, user);
			return;
		}
		// No password configured (a harbor on this machine only): whoever connects is let in, by the name they give.
		if (this.options.users.size === 0) {
			// The name goes into file names ({user}, {dj}) and status: one like a configured user's, or `source`.
			const name = credentials && USER_NAME.test(credentials.user) ? credentials.user : 'source';
			if (isMetadata) this.#metadata(socket, address, head, name);
			else this.#source(socket, address, head, name, rest);
			return;
		}
		// libshout (Mixxx, ezstream) asks once without credentials to learn that it must give them: a step
		// of its protocol, answered as Icecast does and not counted as a refusal.
		if (!credentials) {
			this.#answer(socket, response(401, 'You need to authenticate\n'));
			return;
		}
		if (!checkPassword(this.options.users, credentials.user, credentials.password)) {
			// Another wrong one within the second from that address: the same 401, a second later (a 429 is a
			// riddle to source clients: ffmpeg says "4XX Client Error").
			const slow = this.#wrong.note(address, this.#clock.monotonic()) === 'slow-down';
			const refuse = () =>
				this.#refuse(socket, address, 401, 'wrong user or password', user, 'You need to authenticate');
			if (!slow) refuse();
			else {
				const timer = this.#clock.setTimeout(refuse, WRONG_PAUSE_MS);
				socket.once('close', () => this.#clock.clearTimeout(timer));
			}
			return;
		}
		if (isMetadata) this.#metadata(socket, address, head, credentials.user);
		else this.#source(socket, address, head, credentials.user, rest);
	}

	#metadata(socket: Socket, address: string, head: RequestHead, user: string): void {
		const song = songOf(head);
		if (head.query.get('mode') !== 'updinfo' || song === undefined) {
			this.#answer(
				socket,
				metadataResponse(false, 'only mode=updinfo with song= (or artist= and title=) is understood here'),
			);
			return;
		}
		if (this.#current?.info.user !== user) {
			const why = this.#current ? `${this.#current.info.user} is on air, not ${user}` : 'no DJ is on air';
			this.#answer(socket, metadataResponse(false, why));
			this.emit('refused', { address, status: 403, reason: `a title from ${user}: ${why}`, user });
			return;
		}
		this.#answer(socket, metadataResponse(true, 'Metadata update successful'));
		// BUTT follows a title with an empty one: not a title.
		const clean = withoutControlCharacters(song).trim().slice(0, 500);
		if (clean) this.emit('metadata', { user, address, song: clean });
	}

	#source(socket: Socket, address: string, head: RequestHead, user: string, rest: Buffer): void {
		const current = this.#current;
		if (current && !this.options.takeover) {
			this.#refuse(socket, address, 403, `mount in use: ${current.info.user} is on air`, user, 'Mountpoint in use');
			return;
		}
		const notNow = this.options.admit?.();
		if (notNow) {
			this.#refuse(socket, address, 403, notNow, user);
			return;
		}
		// One write: BUTT reads the answer once, and takes a 100 alone as the go-ahead.
		const go = /100-continue/i.test(head.headers.get('expect') ?? '') ? 'HTTP/1.1 100 Continue\r\n\r\n' : '';
		socket.write(go + response(200));
		socket.setNoDelay(true);
		const source = new HarborSource(socket, head, user, address, rest, () => this.#clock.monotonic());
		this.#current = source;
		this.#watch(source);
		source.onEnd(() => {
			if (this.#current === source) this.#current = undefined;
		});
		// The new DJ first, then the one taken over from ends: their mounts never go to the fallback between.
		this.emit('source', source);
		current?.end(`taken over by ${user} from ${address}`);
		socket.resume();
	}

	/** Cuts a DJ who sends nothing, stops sending, or sends far more than any stream needs. */
	#watch(source: HarborSource): void {
		const limit = (this.options.maxKbps * 1000 * RATE_WINDOW_MS) / 8000;
		const marks: { at: number; bytes: number }[] = [{ at: this.#clock.monotonic(), bytes: 0 }];
		const timer = this.#clock.setInterval(() => {
			const now = this.#clock.monotonic();
			marks.push({ at: now, bytes: source.bytes });
			while (marks.length > 1 && now - marks[0]!.at > RATE_WINDOW_MS) marks.shift();
			if (source.bytes - marks[0]!.bytes > limit)
				source.end(`sent more than ${this.options.maxKbps} kbps (input.harbor.max_kbps)`);
			else if (source.heldBack) source.lastByteAt = now;
			else if (source.bytes === 0 && now - source.lastByteAt >= FIRST_BYTE_MS)
				source.end(`sent no audio within ${FIRST_BYTE_MS / 1000} s`);
			else if (source.bytes > 0 && now - source.lastByteAt >= STALL_MS)
				source.end(`stalled: no bytes for ${STALL_MS / 1000} s`);
		}, CHECK_MS);
		source.onEnd(() => this.#clock.clearInterval(timer));
	}

	#refuse(socket: Socket, address: string, status: number, reason: string, user: string | null, body = reason): void {
		this.#answer(socket, response(status, `${body}\n`));
		this.emit('refused', { address, status, reason, user });
	}
}
