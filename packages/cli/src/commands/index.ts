import type { Command } from './command.js';
import { planCommand } from './plan.js';
import { validate } from './validate.js';
import { up } from './up.js';
import { demo } from './demo.js';

export const commands: Command[] = [validate, planCommand, up, demo];
