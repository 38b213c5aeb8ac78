/** The authorization interaction (see types.ts): arrival, return, and the steps between. */
export { receive, INTERACTION_LIFESPAN_MS, type ReceiveDeps } from './receive.js';
export { resume, INTERACTION_PARAMETER, type ResumeDeps } from './resume.js';
export { decide, INTERACTION_STEPS, type Person, type StepDeps } from './steps.js';
export type { ActiveInteraction, Arrival, InteractionOutcome, InteractionRefusal } from './types.js';
