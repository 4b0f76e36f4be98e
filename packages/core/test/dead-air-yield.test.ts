import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IcecastOutput } from '../src/outputs/icecast-output.js';
import { DeadAirYield } from '../src/supervisor/dead-air-yield.js';

/** A shared output as dead-air yield sees it; each change of state is told at once, as the supervisor does. */
class FakeShared {
	state: 'live' | 'standby' = 'live';
	parkedFor: 'yield' | undefined;
	readonly shared = true;
	readonly covering = false;
	readonly cameLater = false;
	constructor(
		readonly mount: string,
		private readonly changed: () => void,
	) {}
	get onAir() {
		return this.state === 'live';
	}
	release() {
		this.state = 'standby';
		this.parkedFor = 'yield';
		this.changed();
	}
	resume() {
		this.parkedFor = undefined;
		this.state = 'live';
		this.changed();
	}
}

describe('dead air yield with two public mounts (Opus and MP3), no `keep`', () => {
	it('releases both after `after` of silence and takes both back once sound has held `take_back`', () => {
		const outputs: FakeShared[] = [];
		const logs: string[] = [];
		const deadAir = new DeadAirYield(
			'dj-anna',
			{ threshold: -50, after: 2, action: 'yield', takeBack: 3 },
			() => outputs as unknown as IcecastOutput[],
			undefined,
			(_level, message) => logs.push(message),
		);
		outputs.push(new FakeShared('/live.opus', () => deadAir.outputChanged()));
		outputs.push(new FakeShared('/live.mp3', () => deadAir.outputChanged()));
		deadAir.outputChanged();
		const steps = (quiet: boolean, ms: number) => {
			for (let t = 0; t < ms; t += 100) deadAir.step(quiet, 100);
		};
		steps(true, 2000);
		assert.deepEqual(
			outputs.map((o) => o.state),
			['standby', 'standby'],
			'both released',
		);
		steps(false, 3000);
		assert.deepEqual(
			outputs.map((o) => o.state),
			['live', 'live'],
			`both taken back once sound held 3 s: ${logs.join(' | ')}`,
		);
	});
});
