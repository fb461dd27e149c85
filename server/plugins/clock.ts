import fp from 'fastify-plugin';
import { clockFrom, type Clock } from '../clock.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** Where every route and service reads today's date. */
    clock: Clock;
  }
}

export interface ClockPluginOptions {
  /** A fixed or test clock; default: the system clock. */
  clock?: Clock;
  /** Shorthand for a clock that returns this day (tests). */
  today?: () => string;
}

export default fp<ClockPluginOptions>(
  async (app, options) => {
    app.decorate('clock', options.clock ?? clockFrom(options.today));
  },
  { name: 'clock' },
);
