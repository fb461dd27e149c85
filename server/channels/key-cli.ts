/**
 * `npm run -s channel:key -- NAME`: a new channel key and its CHANNEL_KEYS entry, on two lines, nothing else,
 * so a script can read them (`{ read -r key; read -r entry; } < <(npm run -s channel:key -- bot)`).
 * The key goes to the client (the bot's ADVISOR_KEY); only the entry goes into the service's configuration.
 */
import { CHANNEL_NAME } from '../config.js';
import { generateChannelKey, hashChannelKey } from './channel-keys.js';

const name = process.argv[2];
if (!name || process.argv.length > 3 || !CHANNEL_NAME.test(name)) {
  process.stderr.write(
    '用法：npm run -s channel:key -- 渠道名\n渠道名为 1 到 64 个英文字母、数字或 _ . -，例如 wechat-bot（它会出现在 /metrics 和日志中）\n',
  );
  process.exit(2);
}
const key = generateChannelKey();
process.stdout.write(`${key}\n${name}:${hashChannelKey(key)}\n`);
