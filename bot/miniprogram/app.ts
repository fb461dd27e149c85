// The app holds no state of its own: each page talks to the advisor service (config.ts) directly.
App({});
