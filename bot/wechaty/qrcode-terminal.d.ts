// qrcode-terminal ships no types; this is the one call the bot makes.
declare module 'qrcode-terminal' {
  interface GenerateOptions {
    small?: boolean;
  }
  const qrcodeTerminal: {
    generate(text: string, options?: GenerateOptions, callback?: (qrcode: string) => void): void;
    setErrorLevel(level: 'L' | 'M' | 'Q' | 'H'): void;
  };
  export default qrcodeTerminal;
}
