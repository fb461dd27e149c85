// qrcode-terminal ships no types; this is the one call the bot makes.
declare module 'qrcode-terminal' {
  interface GenerateOptions {
    small?: boolean;
  }
  function generate(text: string, options?: GenerateOptions, callback?: (qrcode: string) => void): void;
  function setErrorLevel(level: 'L' | 'M' | 'Q' | 'H'): void;
  const qrcodeTerminal: { generate: typeof generate; setErrorLevel: typeof setErrorLevel };
  export default qrcodeTerminal;
}
