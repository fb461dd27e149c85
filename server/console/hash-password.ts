/**
 * `npm run console:hash -- [name]`: prints a scrypt hash of a password for CONSOLE_USERS. The password is read
 * without echo from the terminal (twice), or from standard input when piped: `printf %s "$PW" | npm run console:hash -- alice`.
 * With a name the output is `name:scrypt$…`, ready to join with commas into CONSOLE_USERS.
 */
import { hashPassword } from '../plugins/auth.js';

const MIN_LENGTH = 8;

function readHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(prompt);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') {
          stdin.setRawMode(false);
          stdin.pause();
          stdin.off('data', onData);
          process.stderr.write('\n');
          return resolve(value);
        }
        if (ch === '\u0003') {
          stdin.setRawMode(false);
          process.stderr.write('\n');
          return reject(new Error('cancelled'));
        }
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readPiped(): Promise<string> {
  let data = '';
  for await (const chunk of process.stdin) data += String(chunk);
  return data.replace(/\r?\n$/, '');
}

const name = process.argv[2]?.trim();
if (name !== undefined && (name === '' || /[,:]/.test(name))) {
  console.error('用户名不能为空，也不能包含英文逗号或冒号');
  process.exit(2);
}

let password: string;
if (process.stdin.isTTY) {
  password = await readHidden('密码：');
  const again = await readHidden('再输一遍：');
  if (again !== password) {
    console.error('两次输入的密码不一致');
    process.exit(1);
  }
} else {
  password = await readPiped();
}
if (password.length < MIN_LENGTH) {
  console.error(`密码至少 ${MIN_LENGTH} 个字符`);
  process.exit(1);
}
const hash = await hashPassword(password);
console.log(name ? `${name}:${hash}` : hash);
if (process.stdin.isTTY)
  console.error(
    `\n设置为 CONSOLE_USERS（多人用英文逗号连接，整体用单引号括起来）：\nCONSOLE_USERS='${name ? `${name}:` : '用户名:'}${hash}'`,
  );
