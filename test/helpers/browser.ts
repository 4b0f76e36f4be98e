import { existsSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { chromium, type Page } from 'playwright-core';

const CHROMIUM = process.env.JDCAST_CHROMIUM ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, driven by playwright-core: a page and the console errors it
 * logs. The flags keep Chromium off this closed network and let `<audio>` play without a click.
 */
export async function openPage(t: TestContext): Promise<{ page: Page; errors: string[] }> {
	if (!existsSync(CHROMIUM))
		throw new Error(
			`no Chromium at ${CHROMIUM}: the README's test command installs it (bash scripts/setup.sh --tests)`,
		);
	const browser = await chromium.launch({
		executablePath: CHROMIUM,
		args: [
			'--no-sandbox',
			'--disable-gpu',
			'--disable-quic',
			'--no-first-run',
			'--disable-background-networking',
			'--disable-component-update',
			'--disable-sync',
			'--autoplay-policy=no-user-gesture-required',
		],
	});
	t.after(() => browser.close());
	const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
	const errors: string[] = [];
	page.on('console', (message) => {
		if (message.type() === 'error') errors.push(message.text());
	});
	page.on('pageerror', (error) => errors.push(String(error)));
	return { page, errors };
}

interface Player {
	play(): Promise<void>;
	currentTime: number;
	paused: boolean;
}

/**
 * The position of the page's `<audio>` player, played first if it is paused, as a listener clicks
 * play again: one play() was cut short once ("interrupted by a call to pause()") as the page redrew.
 */
export function playerPosition(page: Page, label: string): Promise<number> {
	return page.getByLabel(label).evaluate((audio) => {
		const a = audio as unknown as Player;
		return a.paused
			? a.play().then(
					() => a.currentTime,
					() => 0,
				)
			: a.currentTime;
	});
}
