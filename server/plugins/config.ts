import fp from 'fastify-plugin';
import type { AdvisorConfig } from '../config.js';

declare module 'fastify' {
  interface FastifyInstance {
    config: AdvisorConfig;
  }
}

/** Makes the configuration parsed at start-up available to every plugin and route. */
export default fp<{ config: AdvisorConfig }>(
  async (app, options) => {
    app.decorate('config', options.config);
  },
  { name: 'config' },
);
