import type { PluginLogger } from '@artifactapi/plugin-sdk';

/** For plugin discovery in commands that print their own summary instead of log lines. */
export const quietLog: PluginLogger = { debug() {}, info() {}, warn() {}, error() {} };
